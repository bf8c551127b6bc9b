"""The Dockerfile line parser: directives, continuations, comments, flags, exec form and
heredocs, each instruction with its line range; malformed input is a clear IacInputError."""

from __future__ import annotations

import pytest

from cloudwarden.iac import IacInputError
from cloudwarden.iac.dockerfile.parser import parse_dockerfile


def test_continuations_join_lines_and_drop_inner_comments() -> None:
    parsed = parse_dockerfile(
        "FROM alpine:3.20\n"
        "RUN apk add --no-cache \\\n"
        "    # a comment inside the instruction\n"
        "    curl \\\n"
        "\n"
        "    git\n"
        "USER app\n")
    run = parsed.instructions[1]
    assert (run.keyword, run.line, run.end_line) == ("RUN", 2, 6)
    assert run.args.split() == ["apk", "add", "--no-cache", "curl", "git"]
    assert parsed.instructions[2].line == 7


def test_escape_directive_changes_the_continuation_character() -> None:
    parsed = parse_dockerfile("# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\n"
                              "RUN dir C:\\ `\n    && echo done\n")
    assert parsed.directives == {"escape": "`"}
    run = parsed.instructions[1]
    assert "C:\\" in run.args and "echo done" in run.args and run.end_line == 4


def test_directives_only_at_the_top() -> None:
    parsed = parse_dockerfile("# syntax=docker/dockerfile:1\n# comment\n# escape=`\nFROM a:1\n")
    assert parsed.directives == {"syntax": "docker/dockerfile:1"}


def test_flags_and_exec_form() -> None:
    parsed = parse_dockerfile('FROM a:1\nCOPY --from=build --chmod=755 ["a b", "/dst/"]\n'
                              'CMD ["python", "-m", "app"]\nRUN [not json\n')
    copy, cmd, run = parsed.instructions[1:]
    assert copy.flags == ("--from=build", "--chmod=755")
    assert copy.flag("from") == "build" and copy.flag("link") is None
    assert copy.exec_form == ("a b", "/dst/")
    assert cmd.exec_form == ("python", "-m", "app")
    assert run.exec_form is None  # invalid JSON falls back to the shell form, as in BuildKit


def test_heredocs_with_tab_stripping_and_quoted_delimiter() -> None:
    parsed = parse_dockerfile(
        "FROM a:1\n"
        "RUN <<-EOT bash\n\tapt-get update\n\tEOT\n"
        "COPY <<'CONF' /etc/app.conf\nkey=$VALUE\nCONF\n"
        "USER app\n")
    run, copy, user = parsed.instructions[1:]
    assert run.heredocs[0].body == "apt-get update" and run.end_line == 4
    assert copy.heredocs[0].name == "CONF" and copy.heredocs[0].body == "key=$VALUE"
    assert copy.heredocs[0].expand is False
    assert user.line == 8


def test_here_string_is_not_a_heredoc() -> None:
    parsed = parse_dockerfile("FROM a:1\nRUN cat <<< 'x'\nUSER app\n")
    assert parsed.instructions[1].heredocs == () and parsed.instructions[2].line == 3


@pytest.mark.parametrize(("text", "line", "message"), [
    ("FROM a:1\nRUN <<EOF\necho hi\n", 2, "unterminated heredoc"),
    ("FROM a:1\nFORM b\n", 2, "unknown instruction"),
    ("# escape=x\nFROM a:1\n", 1, "escape directive"),
    ("# escape=`\n# escape=\\\nFROM a:1\n", 2, "given twice"),
])
def test_malformed_input(text: str, line: int, message: str) -> None:
    with pytest.raises(IacInputError, match=message) as err:
        parse_dockerfile(text)
    assert err.value.line == line
