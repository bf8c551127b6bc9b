"""Hostile input for the secrets scanner: linear time on long Dockerfile lines, a secret
inside a longer one already reported is not reported twice, and no value reaches a name or an
error message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cloudwarden.core.model import Asset
from cloudwarden.iac import secrets
from cloudwarden.iac.secrets import scan_text


def _kinds(text: str, fmt: str) -> list[tuple[str, str | None]]:
    return [(h.kind, h.attribute) for h in scan_text(text, fmt)]


def test_a_long_env_line_of_keywords_is_scanned_in_linear_time() -> None:
    """The review's reproduction: every `pass` of the line read the line back to its start,
    4.8 s at 175 KB and 41.5 s at 700 KB; this 350 KB line took 5.6 to 17.9 CPU-s."""
    text = "FROM alpine\nENV " + "pass x " * 50_000
    started = time.process_time()
    hits = scan_text(text, "dockerfile")
    assert time.process_time() - started < 1.0  # quadratic took seconds; linear ~0.1 s
    assert hits == []  # `x` is a mask, not a secret


def test_a_long_line_of_legacy_env_forms_stays_linear() -> None:
    text = "FROM alpine\n" + "ENV " + "db_password hunter2 " * 20_000 + "\n"
    started = time.process_time()
    hits = scan_text(text, "dockerfile")
    assert time.process_time() - started < 1.0  # quadratic took seconds; linear ~0.1 s
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


def test_an_attribute_that_is_itself_a_secret_is_not_kept() -> None:
    """`KEYID:TOKEN`: the token's "name" is the key id before the colon, a value the asset
    (and every finding's evidence) would have carried in full."""
    token = "ghp_" + "a1B2" * 9
    text = f'creds = "AKIAQWERTYUIOPASDFGH:{token}"\n'
    hits = scan_text(text, "yaml")
    assert [(h.kind, h.attribute) for h in hits] == [("aws_access_key_id", "creds"),
                                                     ("github_token", None)]
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop1234"
    assert _kinds(f"sk9Xq2LmP4vR7tY1wZ3nB6cD={jwt}\n", "env") == [("jwt", None)]
    assert _kinds(f"SESSION_TOKEN_V2={jwt}\n", "env") == [("jwt", "SESSION_TOKEN_V2")]


def test_an_internal_error_names_its_kind_only(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(_path: str, text: str, _fmt: str) -> Asset:
        raise ValueError(f"cannot scan {text!r}")
    monkeypatch.setattr(secrets, "scan_file", crash)
    path = tmp_path / ".env"
    path.write_text("DB_PASSWORD=hunter2\n", encoding="utf-8")
    (error,) = secrets.SecretsAdapter().load([path]).errors
    assert error.message == "internal error (ValueError)"
    assert "hunter2" not in error.to_finding().message
