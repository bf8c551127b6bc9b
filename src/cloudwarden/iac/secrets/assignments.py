"""Secrets recognised by their name: literal values assigned to secret-like keys, in every
syntax a configuration file uses (`key = "v"`, `key: v`, `"key": "v"`, `KEY=v`, `ENV KEY v`),
plus the two indirect forms where the name and the value are apart: `name:`/`value:` pairs
(Kubernetes env, ECS, CloudFormation) and Terraform `variable "x" { default = "..." }`.

Keywords (`pass`, `secret`, `token`, `key`...) are searched in the lower-cased text by one
pattern each, starting with the keyword so that `re` finds it with a fast substring scan; the
rest of the pattern (the name's last letters, an operator, the first character of a literal)
rejects most occurrences in C, and only the remaining candidates are parsed in Python.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re

from cloudwarden.iac.secrets.hits import NAME_CHARS, Hit
from cloudwarden.iac.secrets.values import (
    fingerprint,
    is_placeholder,
    looks_random,
    name_class,
    name_words,
)

__all__ = ["QUOTED_ONLY", "find_assignments", "find_name_value_pairs", "find_variable_defaults"]

#: Formats where an unquoted value is code (a reference or an expression), never a literal.
QUOTED_ONLY = frozenset({"terraform", "json", "python", "code", "toml"})
_MAX_VALUE = 1024
#: the most characters read after `variable "name" {` to find its `default`
_MAX_BLOCK = 4000
_KEYWORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth")


def _keyword_patterns(operator: str, value_start: str) -> tuple[re.Pattern[str], ...]:
    # One pattern per keyword, each starting with its literal: `re` finds a literal prefix
    # with a fast substring search, and the rest of the match (the name's last letters, an
    # assignment operator, the first character of a literal value) rejects most keyword
    # occurrences (`password_length`, `token = os.environ[...]`) without Python code.
    return tuple(re.compile(f"({kw}[a-z]{{0,40}})[\"']?[ \t]{{0,8}}{operator}[ \t]{{0,8}}"
                            f"{value_start}") for kw in _KEYWORDS)


_OPERATOR = "(?:=>|:=|[:=])"
_QUOTED_START = "[\"'`][^\"'`$\n{<]"
_ANY_START = "(?:[\"'`][^\"'`$\n{<]|[^\\s\"'`$&*!|>\\[{<])"
_KEYWORD_QUOTED = _keyword_patterns(_OPERATOR, _QUOTED_START)
_KEYWORD_ANY = _keyword_patterns(_OPERATOR, _ANY_START)
#: Dockerfile `ENV NAME value`: the legacy form assigns with a space
_KEYWORD_SPACED = _keyword_patterns("(?:=|[ \t])", _ANY_START)
_NAME_SUFFIXES = ("password", "passwd", "passphrase", "pwd", "pass", "secret", "token",
                  "credential", "credentials", "auth", "key")
_VALUE_END = frozenset(" \t\r\n,;)}]")
#: a dotted, dashed or snake_case setting name, all lower or all upper case
_KEY_NAME = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)+|[A-Z0-9]+(?:_[A-Z0-9]+)+")
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")
_TF_VARIABLE = re.compile(r"variable[ \t]+\"([A-Za-z0-9_-]{1,100})\"[ \t]*\{")
_TF_DEFAULT = re.compile(r"\n[ \t]*default[ \t]*=[ \t]*\"([^\"\n$]{1,1024})\"")
#: `- name: DB_PASSWORD` / `value: ...` (Kubernetes env, ECS, CloudFormation): the name
#: closest before the value, in the same object
_PAIR_NAME = re.compile(r"[\"']?name[\"']?\s{0,8}[:=]\s{0,8}[\"']?([A-Za-z_][A-Za-z0-9_.-]{0,100})",
                        re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _name_class(name: str) -> str | None:
    return name_class(name)


class _Taken:
    """Spans already reported, for an O(log n) overlap test (hits may number thousands).

    A span overlaps a reported one when some reported span starts before it ends and ends
    after it starts: with the spans sorted by start, the largest end among those starting
    before `end` decides. (A span nested in a long one, a token inside a URL's password, must
    not hide the long one.)"""

    def __init__(self, hits: list[Hit]) -> None:
        spans = sorted((h.start, h.end) for h in hits)
        self.starts = [a for a, _ in spans]
        self.max_ends = list(itertools.accumulate((b for _, b in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.max_ends[i - 1] > start


def _identifier(text: str, pos: int, length: int) -> tuple[int, int]:
    start, end, n = pos, pos + length, len(text)
    chars = NAME_CHARS
    while start > 0 and text[start - 1] in chars:
        start -= 1
    while end < n and text[end] in chars:
        end += 1
    return start, end


def _operator_end(text: str, end: int, fmt: str, name_start: int) -> int:
    """The offset after `name = ` / `name: ` / `"name": `, or -1 if no assignment follows."""
    n = len(text)
    k = end
    if k < n and text[k] in "\"'":
        k += 1
    while k < n and text[k] in " \t":
        k += 1
    if k >= n:
        return -1
    ch = text[k]
    if text.startswith((":=", "=>"), k):
        k += 2
    elif ch == "=":
        if k + 1 < n and text[k + 1] == "=":
            return -1
        k += 1
    elif ch == ":":
        k += 1
        if fmt == "yaml" and k < n and text[k] not in " \t\"'":
            return -1
    elif fmt == "dockerfile" and k > end:
        if not _first_after_env(text, name_start):
            return -1
    else:
        return -1
    while k < n and text[k] in " \t":
        k += 1
    return k


def _first_after_env(text: str, name_start: int) -> bool:
    """The name is the first word after `ENV` or `ARG` on its line (the legacy `ENV NAME
    value`). Read backwards from the name over blanks, the keyword and blanks: only the blanks
    right before this name and before its `ENV`, so linear over all names. Reading the line
    back to its start at every keyword of a long line (`ENV pass x pass x ...`) was
    quadratic."""
    i = name_start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == name_start or i < 3 or text[i - 3:i].upper() not in ("ENV", "ARG"):
        return False
    i -= 3
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def _value(text: str, k: int, fmt: str) -> tuple[int, int] | None:
    """The span of the value starting at `k`, or None when it is not a literal."""
    n = len(text)
    if k >= n:
        return None
    quote = text[k]
    if quote in "\"'`":
        close = text.find(quote, k + 1, min(n, k + 1 + _MAX_VALUE))
        if close < 0 or "\n" in text[k + 1:close]:
            return None
        return k + 1, close
    if fmt in QUOTED_ONLY or quote in "&*!|>[{\r\n":
        return None
    end = k
    limit = min(n, k + _MAX_VALUE)
    stop = _VALUE_END
    while end < limit and text[end] not in stop:
        end += 1
    return (k, end) if end > k else None


def find_assignments(text: str, lower: str, fmt: str, hits: list[Hit]) -> None:
    seen: set[int] = set()
    taken = _Taken(hits)
    patterns = (_KEYWORD_QUOTED if fmt in QUOTED_ONLY
                else _KEYWORD_SPACED if fmt == "dockerfile" else _KEYWORD_ANY)
    for pattern in patterns:
        for m in pattern.finditer(lower):
            at, end = m.span(1)
            if not lower.endswith(_NAME_SUFFIXES, at, end):
                continue
            start, _ = _identifier(text, at, end - at)
            if start in seen:
                continue
            seen.add(start)
            name = text[start:end].strip("-.")
            kind_class = _name_class(name)
            if kind_class is None:
                continue
            k = _operator_end(text, end, fmt, start)
            span = _value(text, k, fmt) if k >= 0 else None
            if span is None or taken.overlaps(*span):
                continue
            value = text[span[0]:span[1]]
            kind = _classify(kind_class, name, value)
            if kind is not None:
                hits.append(Hit(kind, span[0], span[1], name, fingerprint(value)))


def find_name_value_pairs(text: str, lower: str, fmt: str, hits: list[Hit]) -> None:
    taken = _Taken(hits)
    pos = lower.find("value")
    n = len(text)
    while pos >= 0:
        start, end = pos, pos + 5
        pos = lower.find("value", end)
        if (start > 0 and text[start - 1] in NAME_CHARS) or (end < n and text[end]
                                                               in NAME_CHARS):
            continue
        window = text[max(0, start - 200):start]
        if "}" in window or window.count("\n") > 2:
            window = window[max(window.rfind("}"), _nth_last_newline(window, 2)) + 1:]
        names = _PAIR_NAME.findall(window)
        if not names or _name_class(names[-1]) is None:
            continue
        k = _operator_end(text, end, fmt, start)
        span = _value(text, k, fmt) if k >= 0 else None
        if span is None or taken.overlaps(*span):
            continue
        value = text[span[0]:span[1]]
        kind = _classify(_name_class(names[-1]) or "", names[-1], value)
        if kind is not None:
            hits.append(Hit(kind, span[0], span[1], names[-1], fingerprint(value)))


def find_variable_defaults(text: str, hits: list[Hit]) -> None:
    """Terraform `variable "db_password" { default = "..." }`: the name is the block's."""
    for m in _TF_VARIABLE.finditer(text):
        name = m.group(1)
        kind_class = _name_class(name)
        if kind_class is None:
            continue
        limit = min(len(text), m.end() + _MAX_BLOCK)
        close = text.find("\n}", m.end(), limit)
        body = _TF_DEFAULT.search(text, m.end(), close if close >= 0 else limit)
        if body is None:
            continue
        value = body.group(1)
        kind = _classify(kind_class, name, value)
        if kind is not None:
            hits.append(Hit(kind, body.start(1), body.end(1), name, fingerprint(value)))


def _nth_last_newline(window: str, n: int) -> int:
    at = len(window)
    for _ in range(n + 1):
        at = window.rfind("\n", 0, at)
        if at < 0:
            return -1
    return at


def _classify(kind_class: str, name: str, value: str) -> str | None:
    if is_placeholder(value, name):
        return None
    if value.startswith(("/", "./", "~/", "file:")) and " " not in value:
        return None  # a path to a secret file, the pattern we want people to follow
    if _KEY_NAME.fullmatch(value) and name_class(value) is not None:
        return None  # the name of a setting (`DB_PASSWORD = "database.password"`), not a value
    if kind_class == "password":
        return "password"
    words = name_words(name)
    if _AWS_SECRET.fullmatch(value) and "secret" in words[-3:] and (
            "aws" in words or "access" in words or words[-2:] == ["secret", "key"]):
        return "aws_secret_access_key"
    return "generic_secret" if looks_random(value) else None
