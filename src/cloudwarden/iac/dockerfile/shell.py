"""Splitting a RUN's shell text into simple commands, enough to judge what it runs.

Not a shell: it knows quotes, backslash escapes, comments, the list and pipe operators
(`&&`, `||`, `;`, `|`, `&`, newlines), subshells, redirections, and command and process
substitution (`$(...)`, backquotes, `<(...)`), whose commands are listed too with the program
that receives their output. Leading wrappers (`sudo`, `env`, `VAR=value`, `exec`...) are
removed and remembered; `sh -c '...'` is split again; `python -m pip` is the program `pip`.
It never raises: unbalanced quotes end at the end of the text.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SUBSTITUTION", "Command", "split_commands"]

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
_WRAPPERS = frozenset({"env", "nice", "nohup", "time", "exec", "command", "builtin", "stdbuf",
                       "timeout", "ionice", "chronic"})
_SUDO = frozenset({"sudo", "doas", "gosu", "su-exec"})
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
                       "!", "{", "}", "esac"})
_HEADERS = frozenset({"for", "case", "select", "function"})
_OPTION_WITH_VALUE = {"sudo": {"-u", "-g", "-h", "-p", "-C", "-D", "-U", "-r", "-t"},
                      "timeout": {"-s", "-k"}, "nice": {"-n"}, "env": {"-u", "-C", "-S"}}
_MAX_DEPTH = 8
#: what a `$(...)` leaves in the word that holds it
SUBSTITUTION = "$(...)"


@dataclass(slots=True)
class Command:
    """One simple command, after its wrappers are removed."""

    program: str
    args: list[str]
    sudo: bool = False
    pipes_into: str | None = None
    substituted_into: str | None = None
    #: names of the `NAME=value` assignments before the program (values are not kept)
    env: list[str] = field(default_factory=list)

    def to_doc(self) -> dict[str, Any]:
        return {"Program": self.program, "Args": self.args, "Sudo": self.sudo,
                "PipesInto": self.pipes_into, "SubstitutedInto": self.substituted_into,
                "Env": self.env}


@dataclass(slots=True)
class _Raw:
    words: list[str] = field(default_factory=list)
    piped: bool = False  # its output goes into the next command
    #: `)` or `;;` when one of them ended it (to skip the patterns of `case`)
    ended_by: str = ""
    #: substitutions found in its words: (raw text, kind) to split later
    substitutions: list[str] = field(default_factory=list)


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one before `start`, honouring quotes (or len)."""
    depth, i, n = 1, start, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "'\"":
            end = text.find(ch, i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return n


class _Tokenizer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[_Raw] = [_Raw()]
        self.word: list[str] = []
        self.in_word = False
        self.skip_next_word = False  # the target of a redirection

    def end_word(self) -> None:
        if self.in_word:
            if self.skip_next_word:
                self.skip_next_word = False
            else:
                self.commands[-1].words.append("".join(self.word))
        self.word = []
        self.in_word = False

    def end_command(self, piped: bool = False, by: str = "") -> None:
        self.end_word()
        current = self.commands[-1]
        if by and not current.words and not current.substitutions and len(self.commands) > 1:
            self.commands[-2].ended_by = by  # a `;;` or `)` after a newline
            return
        current.piped = piped
        current.ended_by = by
        self.commands.append(_Raw())

    def substitution(self, i: int, opening: str, closing: str) -> int:
        end = _closing(self.text, i, opening, closing)
        self.commands[-1].substitutions.append(self.text[i:end])
        self.word.append(SUBSTITUTION)
        self.in_word = True
        return end + 1

    def run(self) -> list[_Raw]:
        text, n, i = self.text, len(self.text), 0
        while i < n:
            ch = text[i]
            if ch == "\\":
                if i + 1 < n and text[i + 1] != "\n":
                    self.word.append(text[i + 1])
                    self.in_word = True
                i += 2
            elif ch == "'":
                end = text.find("'", i + 1)
                end = n if end < 0 else end
                self.word.append(text[i + 1:end])
                self.in_word = True
                i = end + 1
            elif ch == '"':
                i = self.double_quoted(i + 1)
            elif ch == "$" and text.startswith("$(", i) and not text.startswith("$((", i):
                i = self.substitution(i + 2, "(", ")")
            elif ch == "`":
                end = text.find("`", i + 1)
                end = n if end < 0 else end
                self.commands[-1].substitutions.append(text[i + 1:end])
                self.word.append(SUBSTITUTION)
                self.in_word = True
                i = end + 1
            elif ch in "<>" and text.startswith(("<(", ">("), i):
                i = self.substitution(i + 2, "(", ")")
            elif ch == "#" and not self.in_word:
                end = text.find("\n", i)
                i = n if end < 0 else end
            elif ch in " \t\r":
                self.end_word()
                i += 1
            elif ch in ";\n()" or (ch in "{}" and not self.in_word):
                by = ";;" if text.startswith(";;", i) else ch if ch == ")" else ""
                self.end_command(by=by)
                i += 2 if by == ";;" else 1
            elif ch in "&|":
                two = text[i:i + 2]
                if two in ("&&", "||"):
                    self.end_command()
                    i += 2
                elif ch == "|":
                    self.end_command(piped=True)
                    i += 2 if two == "|&" else 1
                elif text.startswith("&>", i):
                    self.end_word()
                    self.skip_next_word = True
                    i += 3 if text.startswith("&>>", i) else 2
                else:
                    self.end_command()
                    i += 1
            elif ch in "<>":
                self.redirection()
                i = self.redirection_end(i)
            else:
                self.word.append(ch)
                self.in_word = True
                i += 1
        self.end_command()
        return [c for c in self.commands if c.words or c.substitutions]

    def double_quoted(self, i: int) -> int:
        text, n = self.text, len(self.text)
        self.in_word = True
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                self.word.append(text[i + 1])
                i += 2
            elif text.startswith("$(", i) and not text.startswith("$((", i):
                i = self.substitution(i + 2, "(", ")")
            elif text[i] == "`":
                end = text.find("`", i + 1)
                end = n if end < 0 else end
                self.commands[-1].substitutions.append(text[i + 1:end])
                self.word.append(SUBSTITUTION)
                i = end + 1
            else:
                self.word.append(text[i])
                i += 1
        return i + 1

    def redirection(self) -> None:
        # `2>&1`, `>/dev/null`: a leading fd number belongs to the operator, not to a word
        if self.in_word and "".join(self.word).isdigit():
            self.word = []
            self.in_word = False
        self.end_word()

    def redirection_end(self, i: int) -> int:
        text, n = self.text, len(self.text)
        j = i
        while j < n and text[j] in "<>":
            j += 1
        if j < n and text[j] == "&":
            j += 1
            while j < n and (text[j].isdigit() or text[j] == "-"):
                j += 1
            return j
        # the target file, a here-document's delimiter or a here-string: not an argument
        self.skip_next_word = True
        return j


def _strip_options(words: list[str], wrapper: str) -> list[str]:
    takes_value = _OPTION_WITH_VALUE.get(wrapper, set())
    i = 0
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in takes_value else 1
    if wrapper == "timeout" and i < len(words):
        i += 1  # the duration
    return words[i:]


def _unwrap(words: list[str]) -> tuple[list[str], bool, list[str]]:
    """Drop assignments, reserved words and wrappers: the words left, whether the command goes
    through sudo, and the names of the variables assigned for it."""
    sudo = False
    env: list[str] = []
    while words:
        first = words[0]
        name = first.rsplit("/", 1)[-1]
        assignment = "=" in first and first.split("=", 1)[0].isidentifier()
        if assignment:
            env.append(first.split("=", 1)[0])
            words = words[1:]
        elif first in _RESERVED:
            words = words[1:]
        elif name in _SUDO:
            sudo = True
            words = _strip_options(words[1:], "sudo")
            if name in ("gosu", "su-exec") and words:
                words = words[1:]  # the user
        elif name in _WRAPPERS:
            words = _strip_options(words[1:], name)
        else:
            break
    return words, sudo, env


def _skip_case_patterns(raws: list[_Raw]) -> list[_Raw]:
    """The commands without the pattern lists of `case` (`a | b)`), which are not commands."""
    kept: list[_Raw] = []
    patterns = False
    for raw in raws:
        first = raw.words[0] if raw.words else ""
        if first == "case":
            patterns = raw.ended_by != ")"
            continue
        if patterns:
            patterns = raw.ended_by != ")" and first != "esac"
            continue
        kept.append(raw)
        if raw.ended_by == ";;":
            patterns = True
    return kept


def _commands(text: str, depth: int, into: str | None) -> list[Command]:
    out: list[Command] = []
    raws = _skip_case_patterns(_Tokenizer(text).run())
    for raw in raws:
        words, sudo, env = _unwrap(raw.words)
        if not words or words[0] in _HEADERS:
            program = None
        else:
            program = words[0].rsplit("/", 1)[-1]
            args = words[1:]
            if program.startswith("python") and len(args) >= 2 and args[0] == "-m":
                program, args = args[1], args[2:]
            out.append(Command(program, args, sudo, "|" if raw.piped else None, into, env))
            if (program in _SHELLS and "-c" in args and depth < _MAX_DEPTH
                    and args.index("-c") + 1 < len(args)):
                script = args[args.index("-c") + 1].replace(SUBSTITUTION, " ")
                inner = _commands(script, depth + 1, None)
                for cmd in inner:
                    cmd.sudo = cmd.sudo or sudo
                out.extend(inner)
        if depth < _MAX_DEPTH:
            for sub in raw.substitutions:
                out.extend(_commands(sub, depth + 1, program))
    # a pipe mark becomes the program it pipes into: the next command at the same level
    level = [c for c in out if c.substituted_into == into]
    for cmd, nxt in itertools.pairwise(level):
        if cmd.pipes_into == "|":
            cmd.pipes_into = nxt.program
    for cmd in level[-1:]:
        if cmd.pipes_into == "|":
            cmd.pipes_into = None
    return out


def split_commands(text: str) -> list[Command]:
    """The simple commands of a shell script, in order (see the module docstring)."""
    return _commands(text, 0, None)
