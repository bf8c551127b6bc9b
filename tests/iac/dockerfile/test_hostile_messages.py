"""Errors on malformed Dockerfiles name the line, the column and the kind of problem, never
the source text: a malformed line may be a secret, and errors reach the console, SARIF and
the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwarden.iac import IacError, dockerfile
from cloudwarden.iac.dockerfile import DockerfileAdapter

SECRET = "RootPassLeak99"


def _error(tmp_path: Path, text: str) -> IacError:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    loaded = DockerfileAdapter().load([path])
    (error,) = loaded.errors
    assert loaded.assets == []
    return error


def _quotes_nothing(error: IacError, *secrets: str) -> None:
    shown = f"{error.message} {error.to_finding().message}"
    for secret in secrets:
        assert secret.lower() not in shown.lower(), shown


def test_a_line_that_is_not_an_instruction_is_not_quoted(tmp_path: Path) -> None:
    """The review's reproduction: `ENV A=1` then `MYSQL_ROOT_PASSWORD=RootPassLeak99` on its
    own line; the error quoted the line, secret included."""
    error = _error(tmp_path, f"FROM alpine\nENV A=1\nMYSQL_ROOT_PASSWORD={SECRET}\n")
    assert error.line == 3
    assert error.message == ("not a Dockerfile instruction (column 1: the line does not start "
                             "with an instruction keyword)")
    _quotes_nothing(error, SECRET, "MYSQL_ROOT_PASSWORD")


def test_the_column_is_where_the_line_starts(tmp_path: Path) -> None:
    error = _error(tmp_path, f"FROM alpine\n    --password={SECRET}\n")
    assert error.line == 2 and "column 5" in error.message
    _quotes_nothing(error, SECRET)


def test_a_bad_escape_directive_is_not_quoted(tmp_path: Path) -> None:
    error = _error(tmp_path, f"# escape={SECRET}\nFROM alpine\n")
    assert error.line == 1 and error.message == "escape directive must be \\ or `"
    _quotes_nothing(error, SECRET)


def test_an_internal_error_names_its_kind_only(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a future parser bug raises, its text (which may quote the file) stays out."""
    def crash(_label: str, text: str) -> list[object]:
        raise ValueError(f"cannot read {text!r}")
    monkeypatch.setattr(dockerfile, "load_dockerfile", crash)
    error = _error(tmp_path, f"FROM alpine\nENV PASSWORD={SECRET}\n")
    assert error.message == "internal error (ValueError)"
    _quotes_nothing(error, SECRET)
