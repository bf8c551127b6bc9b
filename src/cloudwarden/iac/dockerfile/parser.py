"""Dockerfile text -> instructions with their lines, as BuildKit's frontend reads it.

Handles parser directives (`# syntax=`, `# escape=`, `# check=`) at the top of the file,
comments, line continuations (with the file's escape character; comment and empty lines
inside a continued instruction are dropped), leading `--flags`, the JSON-array (exec) form,
and here-documents of RUN, COPY and ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`), whose bodies follow
the instruction line. Anything it cannot read raises `IacInputError` with the line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cloudwarden.iac import IacInputError

__all__ = ["Dockerfile", "Heredoc", "Instruction", "parse_dockerfile"]

_DIRECTIVE = re.compile(r"#[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(\S*)[ \t]*$")
_WORD = re.compile(r"(\S+)\s*")
_FLAG = re.compile(r"(--[A-Za-z][^\s]*)\s*")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})\2")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_JSON_FORMS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
KNOWN = frozenset({"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
                   "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
                   "HEALTHCHECK", "SHELL"})


@dataclass(frozen=True, slots=True)
class Heredoc:
    name: str
    body: str
    #: variables are expanded in the body (the delimiter is not quoted)
    expand: bool


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str
    #: the arguments after the flags, continuation lines joined (escape and newline removed)
    args: str
    flags: tuple[str, ...]
    line: int
    end_line: int
    heredocs: tuple[Heredoc, ...] = ()
    #: the exec form's strings (`RUN ["a", "b"]`), else None
    exec_form: tuple[str, ...] | None = None

    def flag(self, name: str) -> str | None:
        """The value of `--name=value` (or "" for a bare `--name`), else None."""
        for f in self.flags:
            key, sep, value = f[2:].partition("=")
            if key == name:
                return value if sep else ""
        return None


@dataclass(frozen=True, slots=True)
class Dockerfile:
    directives: dict[str, str]
    instructions: list[Instruction]


def _directives(lines: list[str]) -> tuple[dict[str, str], int]:
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = _DIRECTIVE.match(line.strip())
        if m is None or m.group(1).lower() not in _KNOWN_DIRECTIVES:
            return found, i
        name = m.group(1).lower()
        if name in found:
            raise IacInputError(f"parser directive {name!r} is given twice", i + 1)
        found[name] = m.group(2)
    return found, len(lines)


def _flags(text: str) -> tuple[tuple[str, ...], str]:
    """The leading `--flags` and the rest. Matched at a moving position: slicing the rest off
    after each flag copied the line once per flag (quadratic on `RUN --a --a --a ...`)."""
    flags: list[str] = []
    pos = 0
    m = _FLAG.match(text)
    while m is not None:
        flags.append(m.group(1))
        pos = m.end()
        m = _FLAG.match(text, pos)
    return tuple(flags), text[pos:]


def _column(line: str) -> int:
    """The 1-based column where the line's text starts."""
    return len(line) - len(line.lstrip()) + 1


def _exec_form(keyword: str, args: str) -> tuple[str, ...] | None:
    text = args.strip()
    if keyword not in _JSON_FORMS or not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None  # BuildKit falls back to the shell form too
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.directives, self.i = _directives(self.lines)
        escape = self.directives.get("escape", "\\")
        if escape not in ("\\", "`"):
            raise IacInputError("escape directive must be \\ or `", 1)
        self.escape = escape

    def instructions(self) -> list[Instruction]:
        out: list[Instruction] = []
        lines = self.lines
        while self.i < len(lines):
            stripped = lines[self.i].strip()
            if not stripped or stripped.startswith("#"):
                self.i += 1
                continue
            out.append(self.instruction())
        return out

    def continues(self, line: str) -> bool:
        return line.rstrip().endswith(self.escape)

    def instruction(self) -> Instruction:
        lines, start = self.lines, self.i
        parts: list[str] = []
        line = lines[self.i].strip()
        while self.continues(line):
            parts.append(line.rstrip()[:-1])
            self.i += 1
            while self.i < len(lines) and (not lines[self.i].strip()
                                           or lines[self.i].lstrip().startswith("#")):
                self.i += 1
            if self.i >= len(lines):
                line = ""
                break
            line = lines[self.i]
        parts.append(line)
        self.i += 1
        text = "".join(parts).strip()
        m = _WORD.match(text)
        keyword, rest = (m.group(1).upper(), text[m.end():]) if m else ("", "")
        if not keyword.isalpha():
            # never quote the line: a malformed line may well be a secret (`PASSWORD=...`
            # left without its ENV), and this message reaches the console, SARIF and the store
            raise IacInputError(f"not a Dockerfile instruction (column {_column(lines[start])}:"
                                " the line does not start with an instruction keyword)",
                                start + 1)
        if keyword not in KNOWN:
            # the word itself is not shown: a stray line may hold a secret
            raise IacInputError("unknown instruction", start + 1)
        flags, args = _flags(rest)
        heredocs = self.heredocs(args, start) if keyword in _HEREDOC_INSTRUCTIONS else ()
        return Instruction(keyword, args, flags, start + 1, self.i, heredocs,
                           _exec_form(keyword, args))

    def heredocs(self, args: str, start: int) -> tuple[Heredoc, ...]:
        found: list[Heredoc] = []
        for m in _HEREDOC.finditer(args):
            if args[max(0, m.start() - 1):m.start()] == "<":
                continue  # `<<<` is a here-string
            strip_tabs, quote, name = m.group(1) == "-", m.group(2), m.group(3)
            body: list[str] = []
            while True:
                if self.i >= len(self.lines):
                    raise IacInputError("unterminated heredoc: no line closes it", start + 1)
                line = self.lines[self.i]
                self.i += 1
                check = line.lstrip("\t") if strip_tabs else line
                if check == name:
                    break
                body.append(check)
            found.append(Heredoc(name, "\n".join(body), not quote))
        return tuple(found)


def parse_dockerfile(text: str) -> Dockerfile:
    """Every instruction of the file, in order (see the module docstring)."""
    reader = _Reader(text)
    return Dockerfile(reader.directives, reader.instructions())
