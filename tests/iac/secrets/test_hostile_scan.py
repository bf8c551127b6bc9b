"""Hostile input for the secrets scanner: linear time on long Dockerfile lines, and a secret
inside a longer one already reported is not reported twice."""

from __future__ import annotations

import time

from cloudwarden.iac.secrets import scan_text


def _kinds(text: str, fmt: str) -> list[tuple[str, str | None]]:
    return [(h.kind, h.attribute) for h in scan_text(text, fmt)]


def test_a_long_env_line_of_keywords_is_scanned_in_linear_time() -> None:
    """The review's reproduction: every `pass` of the line read the line back to its start,
    4.8 s at 175 KB and 41.5 s at 700 KB; this 350 KB line took 5.6 to 17.9 CPU-s."""
    text = "FROM alpine\nENV " + "pass x " * 50_000
    started = time.process_time()
    hits = scan_text(text, "dockerfile")
    assert time.process_time() - started < 0.5
    assert hits == []  # `x` is a mask, not a secret


def test_a_long_line_of_legacy_env_forms_stays_linear() -> None:
    text = "FROM alpine\n" + "ENV " + "db_password hunter2 " * 20_000 + "\n"
    started = time.process_time()
    hits = scan_text(text, "dockerfile")
    assert time.process_time() - started < 0.5
    # the legacy form assigns the rest of the line to the first name only
    assert [(h.kind, h.attribute) for h in hits] == [("password", "db_password")]


def test_the_legacy_env_and_arg_forms_are_still_found() -> None:
    text = ("FROM alpine\nENV DB_PASSWORD hunter2\n  arg\tADMIN_PASS s3cr3t-Value\n"
            "RUN echo DB_PASSWORD hunter2\nLABEL DB_PASSWORD hunter2\n"
            "ENV A=1 DB_PASSWORD other\n")
    assert _kinds(text, "dockerfile") == [("password", "DB_PASSWORD"),
                                          ("password", "ADMIN_PASS")]


def test_blanks_around_env_are_read_without_limit() -> None:
    text = "FROM alpine\n\t ENV" + " " * 200 + "DB_PASSWORD hunter2\n"
    assert _kinds(text, "dockerfile") == [("password", "DB_PASSWORD")]
    assert _kinds("ENV DB_PASSWORD hunter2", "dockerfile") == [("password", "DB_PASSWORD")]
    assert _kinds("XENV DB_PASSWORD hunter2\nENVDB_PASSWORD hunter2", "dockerfile") == []


def test_a_secret_inside_a_longer_reported_one_is_not_reported_again() -> None:
    """The overlap test looked at the two previous spans only: a URL password holding three
    tokens hid the URL's span and its `db_password=...` was reported a second time."""
    token = "ghp_" + "a1B2" * 9
    text = (f"DATABASE_URL=postgres://user:AKIAQWERTYUIOPASDFGH;{token};"
            "ASIAQWERTYUIOPASDFGH;db_password=hunter2@db.internal\n")
    kinds = [kind for kind, _ in _kinds(text, "env")]
    assert kinds == ["aws_access_key_id", "connection_string", "github_token",
                     "aws_access_key_id"]


def test_spans_after_a_long_one_are_still_reported() -> None:
    text = ("url=https://user:AKIAQWERTYUIOPASDFGH;p4ss@host/x\n"
            "db_password=hunter2\n")
    assert ("password", "db_password") in _kinds(text, "env")
