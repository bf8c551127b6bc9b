"""Field access and value matchers: each Sigma value becomes one predicate, built once.

Strings match case-insensitively (both sides lower-cased) unless `|cased`; a field holding a list
matches when any element does; numbers and booleans are compared as Sigma compares them
(`1` matches `"1"`, `true` matches `"true"`). Regular expressions run on RE2, which has no
backtracking, so a hostile rule cannot stall the engine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

import re2
from sigma.types import (
    CompareOperators,
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExpansion,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaType,
    SpecialChars,
)

from cloudwarden.core.events import Event

__all__ = [
    "Context",
    "Getter",
    "Unsupported",
    "ValueMatch",
    "compile_getter",
    "compile_lookup",
    "compile_value",
    "flatten_text",
    "is_null",
]

ValueMatch = Callable[[Any], bool]
StrPred = Callable[[str], bool]


class Unsupported(Exception):
    """A rule uses a feature the compiler cannot evaluate; carries the reason."""


class Context:
    """One event while rules are evaluated on it: caches the keyword text."""

    __slots__ = ("_lower", "_text", "event", "fields")

    def __init__(self, event: Event) -> None:
        self.event = event
        self.fields: Mapping[str, Any] = event.fields
        self._text: str | None = None
        self._lower: str | None = None

    def text(self) -> str:
        """Every scalar of the record and the normalized attributes, one per line (keywords)."""
        if self._text is None:
            e = self.event
            head = "\n".join(s for s in (e.action, e.process, e.command_line, e.domain) if s)
            self._text = head + "\n" + flatten_text(self.fields)
        return self._text

    def lower_text(self) -> str:
        if self._lower is None:
            self._lower = self.text().lower()
        return self._lower


Getter = Callable[[Context], Any]


def flatten_text(value: Any) -> str:
    """The value as Sigma's string matchers see it; nested values one per line."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "\n".join(flatten_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(flatten_text(v) for v in value)
    return str(value)


def is_null(value: Any) -> bool:
    return value is None or value == "" or value == []


def _walk(value: Any, parts: tuple[str, ...]) -> Any:
    for i, part in enumerate(parts):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list):
            found = [v for item in value if (v := _walk(item, parts[i:])) is not None]
            return found or None
        else:
            return None
        if value is None:
            return None
    return value


_EVENT_ATTRIBUTES = frozenset(Event.__slots__) - {"fields", "time"}


def compile_getter(path: str) -> Getter:
    """`@attr` reads a normalized Event attribute; anything else a dotted path in `fields`
    (a key that itself contains dots is tried first)."""
    if path.startswith("@"):
        attr = path[1:]
        if attr not in _EVENT_ATTRIBUTES:
            raise Unsupported(f"unknown event attribute {path!r}")

        def get_attr(c: Context) -> Any:
            return getattr(c.event, attr) or None

        return get_attr
    if "." not in path:

        def get_key(c: Context) -> Any:
            return c.fields.get(path)

        return get_key
    lookup = compile_lookup(path)

    def get_path(c: Context) -> Any:
        return lookup(c.fields)

    return get_path


def compile_lookup(path: str) -> Callable[[Mapping[str, Any]], Any]:
    """A dotted path's value in a record (what `compile_getter(path)` reads from `fields`): the
    key with the dots first, then the walk. Plain dicts (JSON records) are walked inline; at the
    first other value (a list, another Mapping) `_walk` takes over from that step, so the
    answer is `_walk`'s without its per-step `Mapping` test (an ABC check, slow)."""
    parts = tuple(path.split("."))
    steps = tuple((part, parts[i:]) for i, part in enumerate(parts))

    def lookup(fields: Mapping[str, Any]) -> Any:
        value: Any = fields.get(path)
        if value is not None:
            return value
        value = fields
        for part, rest in steps:
            if type(value) is not dict:
                return _walk(value, rest)
            value = value.get(part)
            if value is None:
                return None
        return value

    return lookup


def _on_strings(pred: StrPred, cased: bool) -> ValueMatch:
    def match(v: Any) -> bool:
        if isinstance(v, str):
            return pred(v if cased else v.lower())
        if v is None or isinstance(v, Mapping):
            return False
        if isinstance(v, list | tuple):
            return any(match(x) for x in v)
        if isinstance(v, bool):
            return pred("true" if v else "false")
        return pred(str(v))

    return match


def string_predicate(value: SigmaString, cased: bool) -> StrPred:
    """Wildcard string -> predicate on the (lower-cased unless cased) candidate string."""
    parts: list[str | SpecialChars] = []
    for part in value.s:
        if isinstance(part, Placeholder):
            raise Unsupported(f"unresolved placeholder %{part.name}% (pass placeholders=...)")
        parts.append(part if isinstance(part, SpecialChars) or cased else part.lower())
    star = SpecialChars.WILDCARD_MULTI
    literals = [p for p in parts if isinstance(p, str)]
    if not any(isinstance(p, SpecialChars) for p in parts):
        lit = "".join(literals)
        return lit.__eq__
    if len(literals) == 1:
        lit = literals[0]
        if parts == [star, lit, star]:
            return lambda s: lit in s
        if parts == [lit, star]:
            return lambda s: s.startswith(lit)
        if parts == [star, lit]:
            return lambda s: s.endswith(lit)
    if parts == [star] or parts == [star, star]:
        return lambda s: True
    pattern = "".join(
        re2.escape(p) if isinstance(p, str) else (".*" if p is star else ".") for p in parts
    )
    regex = re2.compile("(?s)" + pattern)
    return lambda s: regex.fullmatch(s) is not None


def _regex_predicate(value: SigmaRegularExpression) -> StrPred:
    flags = ""
    if SigmaRegularExpressionFlag.IGNORECASE in value.flags:
        flags += "i"
    if SigmaRegularExpressionFlag.MULTILINE in value.flags:
        flags += "m"
    if SigmaRegularExpressionFlag.DOTALL in value.flags:
        flags += "s"
    text = str(value.regexp)
    try:
        regex = re2.compile((f"(?{flags})" if flags else "") + text)
    except re2.error as exc:
        raise Unsupported(f"regular expression {text!r} not supported by RE2: {exc}") from None
    return lambda s: regex.search(s) is not None


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return v
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _on_numbers(pred: Callable[[float], bool]) -> ValueMatch:
    def match(v: Any) -> bool:
        if isinstance(v, list | tuple):
            return any(match(x) for x in v)
        n = _number(v)
        return n is not None and pred(n)

    return match


_COMPARE: dict[CompareOperators, Callable[[float, float], bool]] = {
    CompareOperators.LT: lambda a, b: a < b,
    CompareOperators.LTE: lambda a, b: a <= b,
    CompareOperators.GT: lambda a, b: a > b,
    CompareOperators.GTE: lambda a, b: a >= b,
    CompareOperators.NEQ: lambda a, b: a != b,
}


def _cidr_match(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> ValueMatch:
    def match(v: Any) -> bool:
        if isinstance(v, list | tuple):
            return any(match(x) for x in v)
        if not isinstance(v, str):
            return False
        try:
            return ipaddress.ip_address(v) in network
        except ValueError:
            return False

    return match


def compile_value(value: SigmaType, *, keyword: bool = False) -> ValueMatch:
    """A Sigma value -> predicate over a field value (or the keyword text if `keyword`)."""
    if isinstance(value, SigmaExpansion):
        alternatives = [compile_value(v, keyword=keyword) for v in value.values]
        return lambda v: any(m(v) for m in alternatives)
    if isinstance(value, SigmaString):
        cased = isinstance(value, SigmaCasedString)
        if keyword:  # keywords are searched anywhere in the record text
            star = SpecialChars.WILDCARD_MULTI
            wrapped = SigmaString()
            wrapped.s = [
                *([] if value.startswith(star) else [star]),
                *value.s,
                *([] if value.endswith(star) else [star]),
            ]
            value = wrapped
        return _on_strings(string_predicate(value, cased), cased)
    if isinstance(value, SigmaRegularExpression):
        return _on_strings(_regex_predicate(value), True)
    if isinstance(value, SigmaCIDRExpression):
        return _cidr_match(value.network)
    if isinstance(value, SigmaCompareExpression):
        op, bound = _COMPARE[value.op], float(value.number.number)
        return _on_numbers(lambda n: op(n, bound))
    if isinstance(value, SigmaBool):
        want = bool(value.boolean)
        text = "true" if want else "false"

        def match_bool(v: Any) -> bool:
            if isinstance(v, bool):
                return v is want
            return isinstance(v, str) and v.lower() == text

        return match_bool
    if type(value) is SigmaNumber:
        number = float(value.number)
        return _on_numbers(lambda n: n == number)
    raise Unsupported(f"value type {type(value).__name__} not supported")
