"""Finding secrets in text: provider tokens by pattern, private keys, credentials in URLs, and
literal values assigned to secret-like names.

Speed matters (every file of a repository is read), so the scan works on the whole text with
C-speed primitives and runs Python code only near a likely hit:

- every token pattern has literal prefixes (`AKIA`, `ghp_`, `xox`...); its regex runs only on
  a text holding one of them, and the regexes start with that literal, which `re` searches for
  with a fast substring scan;
- assignments are found from `str.find` of a handful of keywords (`pass`, `secret`, `token`,
  `key`...) in the lower-cased text, then parsed by hand around each hit;
- line numbers are counted only for hits, incrementally.

Every regex here is linear: bounded or disjoint character classes, no nested quantifiers.
Values never leave this module: a `Hit` carries offsets and a redacted fingerprint.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from cloudwarden.iac.secrets.values import (
    fingerprint,
    is_placeholder,
    looks_random,
    name_class,
    name_words,
)

__all__ = ["QUOTED_ONLY", "Hit", "redact_text", "scan_text"]

#: Formats where an unquoted value is code (a reference or an expression), never a literal.
QUOTED_ONLY = frozenset({"terraform", "json", "python", "code", "toml"})
#: A file with more secrets than this is reported with the first ones only (a generated dump).
MAX_HITS = 1000
_MAX_VALUE = 1024

# Each pattern starts with a literal: `re` then searches it with a fast substring scan,
# which is the prefilter (a separate `in` test would read the text once more).
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws_access_key_id", re.compile(r"AKIA[A-Z0-9]{16}")),
    ("aws_access_key_id", re.compile(r"ASIA[A-Z0-9]{16}")),
    ("github_token", re.compile(r"gh[pousr]_[A-Za-z0-9]{36}")),
    ("github_token", re.compile(r"github_pat_[A-Za-z0-9_]{82}")),
    ("gitlab_token", re.compile(r"gl(?:pat|rt|dt)-[A-Za-z0-9_-]{20,64}")),
    ("slack_token", re.compile(r"xox[abposre]-[A-Za-z0-9-]{10,250}")),
    ("slack_webhook",
     re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,200}")),
    ("stripe_key", re.compile(r"k_live_[A-Za-z0-9]{20,200}")),
    ("google_api_key", re.compile(r"AIza[A-Za-z0-9_-]{35}")),
)
#: signed JWTs, scanned by `_jwts` (a failed match skips the base64url run it read)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}")
_B64URL_RUN = re.compile(r"[A-Za-z0-9_-]{0,4003}")
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
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_NAME_SUFFIXES = ("password", "passwd", "passphrase", "pwd", "pass", "secret", "token",
                  "credential", "credentials", "auth", "key")
_VALUE_END = frozenset(" \t\r\n,;)}]")
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")
_USERINFO = re.compile(r"([^\s:/@\"'`<>]{1,128}):([^\s/@\"'`<>]{1,256})@[A-Za-z0-9\[]")
_PEM_BODY = re.compile(r"(?:\\n|\\r|[\s\"'])*(?:[A-Za-z0-9+/=]{16}|Proc-Type:)")
_TF_VARIABLE = re.compile(r"variable[ \t]+\"([A-Za-z0-9_-]{1,100})\"[ \t]*\{")
_TF_DEFAULT = re.compile(r"\n[ \t]*default[ \t]*=[ \t]*\"([^\"\n$]{1,1024})\"")
_MASKS = ("example", "xxxxxxxx", "00000000", "12345678")
#: `- name: DB_PASSWORD` / `value: ...` (Kubernetes env, ECS, CloudFormation): the name
#: closest before the value, in the same object
_PAIR_NAME = re.compile(r"[\"']?name[\"']?\s{0,8}[:=]\s{0,8}[\"']?([A-Za-z_][A-Za-z0-9_.-]{0,100})",
                        re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _name_class(name: str) -> str | None:
    return name_class(name)


@dataclass(frozen=True, slots=True)
class Hit:
    """One secret: where its value is (offsets into the text) and its redacted form."""

    kind: str
    start: int
    end: int
    attribute: str | None
    fingerprint: str


def _bounded(text: str, start: int, end: int) -> bool:
    """The match is a whole token, not the middle of a longer word."""
    if start > 0 and text[start - 1].isalnum():
        return False
    return end >= len(text) or not text[end].isalnum()


def _attribute_before(text: str, start: int) -> str | None:
    """The key a value is assigned to on its line (`aws_access_key_id = "AKIA..."`), read
    backwards from the value by hand: a regex searched over the line would be retried at
    every position."""
    low = max(0, start - 200)
    i = start
    if i > low and text[i - 1] in "\"'`":
        i -= 1
    while i > low and text[i - 1] in " \t":
        i -= 1
    if i - 2 >= low and text[i - 2:i] in ("=>", ":="):
        i -= 2
    elif i > low and text[i - 1] in "=:":
        i -= 1
    else:
        return None
    while i > low and text[i - 1] in " \t":
        i -= 1
    if i > low and text[i - 1] in "\"'":
        i -= 1
    end = i
    while i > low and text[i - 1] in _NAME_CHARS:
        i -= 1
    name = text[i:end].lstrip("-.")
    return name if name[:1].isalpha() or name[:1] == "_" else None


def _tokens(text: str, hits: list[Hit]) -> None:
    for kind, pattern in _TOKENS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if kind == "stripe_key":  # sk_live_ / rk_live_: the pattern starts at its literal
                if start == 0 or text[start - 1] not in "rs":
                    continue
                start -= 1
            value = text[start:end]
            if not _bounded(text, start, end):
                continue
            if any(mask in value.lower() for mask in _MASKS):
                continue
            hits.append(Hit(kind, start, end, _attribute_before(text, start), fingerprint(value)))


def _jwts(text: str, hits: list[Hit]) -> None:
    # A plain finditer would retry the bounded header repeat at every `eyJ` of a long run
    # (`eyJeyJeyJ...`): quadratic up to the bound. A JWT cannot start inside a run a failed
    # attempt already read to its end, so the search resumes after it: linear.
    pos = text.find("eyJ")
    while pos >= 0:
        m = _JWT.match(text, pos)
        if m is not None:
            value = m.group()
            if _bounded(text, pos, m.end()):
                hits.append(Hit("jwt", pos, m.end(), _attribute_before(text, pos),
                                fingerprint(value)))
            pos = text.find("eyJ", m.end())
            continue
        run = _B64URL_RUN.match(text, pos)
        pos = text.find("eyJ", max(run.end() if run else 0, pos + 3))


def _private_keys(text: str, hits: list[Hit]) -> None:
    pos = text.find("PRIVATE KEY")
    while pos >= 0:
        begin = text.rfind("-----BEGIN", max(0, pos - 40), pos)
        after = pos + len("PRIVATE KEY")
        if text.startswith(" BLOCK", after):
            after += len(" BLOCK")
        if begin >= 0 and text.startswith("-----", after) and "\n" not in text[begin:pos]:
            end = after + 5
            if _PEM_BODY.match(text, end):
                label = text[begin + 5:after]
                hits.append(Hit("private_key", begin, end, _attribute_before(text, begin),
                                label))
        pos = text.find("PRIVATE KEY", after)


def _connection_strings(text: str, hits: list[Hit]) -> None:
    if "@" not in text:
        return
    pos = text.find("://")
    while pos >= 0:
        m = _USERINFO.match(text, pos + 3)
        if m is not None:
            scheme_start = pos
            while scheme_start > 0 and (text[scheme_start - 1].isalnum()
                                        or text[scheme_start - 1] in "+.-"):
                scheme_start -= 1
            password = m.group(2)
            if scheme_start < pos and not is_placeholder(password):
                start, end = m.span(2)
                hits.append(Hit("connection_string", start, end,
                                _attribute_before(text, scheme_start), fingerprint(password)))
        pos = text.find("://", pos + 3)


class _Taken:
    """Spans already reported, for an O(log n) overlap test (hits may number thousands)."""

    def __init__(self, hits: list[Hit]) -> None:
        spans = sorted((h.start, h.end) for h in hits)
        self.starts = [a for a, _ in spans]
        self.spans = spans

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return any(self.spans[j][1] > start for j in range(max(0, i - 2), i))


def _identifier(text: str, pos: int, length: int) -> tuple[int, int]:
    start, end, n = pos, pos + length, len(text)
    chars = _NAME_CHARS
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
        line_start = text.rfind("\n", 0, name_start) + 1
        if text[line_start:name_start].strip().upper() not in ("ENV", "ARG"):
            return -1
    else:
        return -1
    while k < n and text[k] in " \t":
        k += 1
    return k


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


def _assignments(text: str, lower: str, fmt: str, hits: list[Hit]) -> None:
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


def _name_value_pairs(text: str, lower: str, fmt: str, hits: list[Hit]) -> None:
    taken = _Taken(hits)
    pos = lower.find("value")
    n = len(text)
    while pos >= 0:
        start, end = pos, pos + 5
        pos = lower.find("value", end)
        if (start > 0 and text[start - 1] in _NAME_CHARS) or (end < n and text[end]
                                                               in _NAME_CHARS):
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


def _variable_defaults(text: str, hits: list[Hit]) -> None:
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
    if kind_class == "password":
        return "password"
    words = name_words(name)
    if _AWS_SECRET.fullmatch(value) and "secret" in words[-3:] and (
            "aws" in words or "access" in words or words[-2:] == ["secret", "key"]):
        return "aws_secret_access_key"
    return "generic_secret" if looks_random(value) else None


def scan_text(text: str, fmt: str = "text") -> list[Hit]:
    """Every secret in the text, in file order (at most `MAX_HITS`)."""
    hits: list[Hit] = []
    _tokens(text, hits)
    _jwts(text, hits)
    _private_keys(text, hits)
    _connection_strings(text, hits)
    lower = text.lower()
    _assignments(text, lower, fmt, hits)
    if fmt in ("yaml", "json"):
        _name_value_pairs(text, lower, fmt, hits)
    elif fmt == "terraform":
        _variable_defaults(text, hits)
    hits.sort(key=lambda h: h.start)
    return hits[:MAX_HITS]


def line_numbers(text: str, hits: list[Hit]) -> list[int]:
    """1-based line of each hit (hits in file order), counted incrementally."""
    lines: list[int] = []
    line, last = 1, 0
    for hit in hits:
        line += text.count("\n", last, hit.start)
        last = hit.start
        lines.append(line)
    return lines


def redact_text(text: str, fmt: str = "text") -> str:
    """The text with every secret value replaced by its fingerprint."""
    hits = scan_text(text, fmt)
    if not hits:
        return text
    out: list[str] = []
    last = 0
    for hit in hits:
        if hit.start < last:
            continue
        out.append(text[last:hit.start])
        out.append(hit.fingerprint)
        last = hit.end
    out.append(text[last:])
    return "".join(out)
