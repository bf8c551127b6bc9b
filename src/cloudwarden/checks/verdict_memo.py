"""Verdicts of pure checks remembered per distinct values of the fields they read.

Many assets of a scan share their settings: replicas and releases of one chart repeat a pod,
security groups repeat a handful of permission sets. A check whose result depends only on a
few top-level fields, the rule's parameters and a name shown once in its message can be
judged once per distinct set of values: `remembered(fields, shown, name)` wraps such a check.

The key of the values is their repr, made once per asset for every rule that reads the same
fields (the engine judges one asset with every rule of its type in a row). The repr tells
apart every type a document holds (list and tuple, 1 and 1.0 and True, dict and other
mappings) and keeps the order of keys; a repr showing an object of another kind (`<...>`, such
as an object at an address, which a later object may take) makes no key, and the check is
asked as usual. Documents are read-only during an assessment, as every memo of this package
assumes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache, wraps
from operator import is_
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckFn, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["MAX_REMEMBERED", "remembered", "shown_field", "values_key"]

#: distinct sets of values a rule keeps verdicts for (then it judges the others afresh)
MAX_REMEMBERED = 4096
_new = tuple.__new__

#: per tuple of fields: the last document's (document, values read, key). Identity with
#: strong references keeps it exact: no freed document's id is reused while it is here.
_last: dict[tuple[str, ...], tuple[Any, tuple[Any, ...], str | None]] = {}


def values_key(props: Mapping[str, Any], fields: tuple[str, ...]) -> str | None:
    """The values of `fields` in `props` as one exact, hashable key; None when they hold an
    object whose repr does not show its value."""
    values = tuple(map(props.get, fields))
    last = _last.get(fields)
    if last is not None and last[0] is props and all(map(is_, last[1], values)):
        return last[2]
    text = repr(values)
    key = None if "<" in text else text
    _last[fields] = (props, values, key)
    return key


def _copies(evidence: tuple[Evidence, ...]) -> tuple[int, ...] | None:
    """Which pieces of evidence hold a list or a dict of immutable items (each finding gets
    its own copy of those, as each got its own from the check); None when a piece can be
    neither shared (hashable) nor copied so."""
    copies: list[int] = []
    try:
        for i, piece in enumerate(evidence):
            value = piece[1] if type(piece) is Evidence else None
            if type(value) is list:
                hash(tuple(value))
                copies.append(i)
            elif type(value) is dict:
                hash(tuple(value.items()))
                copies.append(i)
            else:
                hash(piece)
    except TypeError:
        return None
    return tuple(copies)


def _copied(evidence: tuple[Evidence, ...], copies: tuple[int, ...]) -> tuple[Evidence, ...]:
    out = list(evidence)
    for i in copies:
        path, value, expected = out[i]
        out[i] = _new(Evidence, (path, list(value) if type(value) is list else dict(value),
                                 expected))
    return tuple(out)


#: what a rule remembers of a verdict: status, the message before and after the asset's name,
#: the evidence and which of its pieces to copy for each finding
_Verdict = tuple[Status, str, str, tuple[Evidence, ...], tuple[int, ...]]


@lru_cache(maxsize=64)
def shown_field(field: str) -> Callable[[Asset], str]:
    """A top-level property of the asset as a message shows it (`f"{value}"`): the `shown` of a
    rule that names its asset by that property."""

    def shown(asset: Asset) -> str:
        return f"{asset.properties.get(field)}"

    return shown


def remembered(fields: tuple[str, ...], shown: Callable[[Asset], str],
               name: str = "verdict_memo.verdicts") -> Callable[[CheckFn], CheckFn]:
    """Wrap a check whose result depends on the values of `fields`, the rule's parameters and
    nothing else of the asset but its name as `shown(asset)` renders it, once in the message.

    The verdict is kept in the rule's scratch under `name` (one memo per rule and assessment,
    so per set of parameters) as the message before and after the name - only when the name
    occurs in it exactly once, so that the one place is the name's - and the evidence, shared
    when immutable, copied for each finding when it holds a list or a dict of immutable items
    (else not kept). A check that raises is asked again every time, so it raises again."""

    def wrap(check: CheckFn) -> CheckFn:
        @wraps(check)
        def remembered_check(asset: Asset, ctx: CheckContext) -> CheckResult:
            key = values_key(asset.properties, fields)
            if key is None:
                return check(asset, ctx)
            scratch = ctx.scratch
            memo: dict[str, _Verdict] | None = scratch.get(name)
            if memo is None:
                memo = scratch[name] = {}
            found = memo.get(key)
            if found is not None:
                status, before, after, evidence, copies = found
                return _new(CheckResult, (status, before + shown(asset) + after,
                                          _copied(evidence, copies) if copies else evidence))
            result = check(asset, ctx)
            if len(memo) < MAX_REMEMBERED:
                status, message, evidence = result
                text = shown(asset)
                at = message.find(text) if text else -1
                if at >= 0 and message.find(text, at + 1) < 0:
                    copying = _copies(evidence)
                    if copying is not None:
                        memo[key] = (status, message[:at], message[at + len(text):], evidence,
                                     copying)
            return result

        remembered_check.remembered_fields = fields  # type: ignore[attr-defined]  # for tests
        return remembered_check

    return wrap
