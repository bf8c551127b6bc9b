"""Verdicts of pure checks remembered per distinct values of the fields they read.

Many assets of a scan share their settings: replicas and releases of one chart repeat a pod,
security groups repeat a handful of permission sets. A check whose result depends only on a
few top-level fields, the rule's parameters and a name shown once in its message can be
judged once per distinct set of values: `remembered(fields, shown, name)` wraps such a check.

The key of the values is their repr, made once per asset for every rule that reads the same
fields (the engine judges one asset with every rule of its type in a row). The repr tells
apart every type a document holds (list and tuple, 1 and 1.0 and True, dict and other
mappings) and keeps the order of keys (a subclass of str, int, list or dict that behaved
otherwise than its base would not be told apart: documents are JSON values); a repr showing
an object of another kind (`<...>`, such as an object at an address, which a later object
may take) makes no key, and the check is asked as usual. Documents are read-only during an
assessment, as every memo of this package assumes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache, wraps
from operator import is_
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckFn, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["ENTRY_BYTES", "MEMO_BYTES", "remembered", "shown_field", "values_key"]

#: what a rule's memo may hold: the characters of its keys plus a cost per entry (the engine's
#: own memos are bounded so: a key of whole fields can be kilobytes); then it judges afresh
MEMO_BYTES = 1 << 20
ENTRY_BYTES = 200
_new = tuple.__new__

_Keyer = Callable[[Mapping[str, Any]], "str | None"]
#: the key function of each tuple of fields, shared by the rules that read the same fields
_KEYERS: dict[tuple[str, ...], _Keyer] = {}
#: a field no document has: pads a shorter tuple of fields to five
_ABSENT = "\x00"


def _key(values: tuple[Any, ...]) -> str | None:
    text = repr(values)
    return None if "<" in text else text


def _keyer(fields: tuple[str, ...]) -> _Keyer:
    """The key function of `fields`, which remembers the last document's key: every rule of
    one asset asks in a row. Identity with strong references keeps it exact (no freed
    document's id is reused while it is held), down to each value read, so a replaced value
    makes a new key. Written out for one field and for up to five: the generic loop costs
    twice as much, once per evaluation."""
    found = _KEYERS.get(fields)
    if found is not None:
        return found
    #: (document, values read, key), swapped whole: a reader sees one document's all together
    cell: list[tuple[Any, Any, str | None]] = [(None, None, None)]
    if len(fields) == 1:
        (field,) = fields

        def key_of_one(props: Mapping[str, Any]) -> str | None:
            value = props.get(field)
            last = cell[0]
            if last[0] is props and last[1] is value:
                return last[2]
            key = _key((value,))
            cell[0] = (props, value, key)
            return key

        keyer: _Keyer = key_of_one
    elif len(fields) <= 5:
        f0, f1, f2, f3, f4 = (*fields, *(_ABSENT,) * (5 - len(fields)))
        width = len(fields)

        def key_of_five(props: Mapping[str, Any]) -> str | None:
            get = props.get
            values = (get(f0), get(f1), get(f2), get(f3), get(f4))
            last = cell[0]
            if last[0] is props:
                seen = last[1]
                if (seen[0] is values[0] and seen[1] is values[1] and seen[2] is values[2]
                        and seen[3] is values[3] and seen[4] is values[4]):
                    return last[2]
            key = _key(values[:width])
            cell[0] = (props, values, key)
            return key

        keyer = key_of_five
    else:
        def key_of_many(props: Mapping[str, Any]) -> str | None:
            values = tuple(map(props.get, fields))
            last = cell[0]
            if last[0] is props and all(map(is_, last[1], values)):
                return last[2]
            key = _key(values)
            cell[0] = (props, values, key)
            return key

        keyer = key_of_many
    _KEYERS[fields] = keyer
    return keyer


def values_key(props: Mapping[str, Any], fields: tuple[str, ...]) -> str | None:
    """The values of `fields` in `props` as one exact, hashable key; None when they hold an
    object whose repr does not show its value."""
    return _keyer(fields)(props)


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

    key_of = _keyer(fields)
    room_name = name + ".room"  # what the memo may still take (MEMO_BYTES at first)

    def wrap(check: CheckFn) -> CheckFn:
        @wraps(check)
        def remembered_check(asset: Asset, ctx: CheckContext) -> CheckResult:
            key = key_of(asset.properties)
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
            room: int = scratch.get(room_name, MEMO_BYTES)
            if room > 0:
                status, message, evidence = result
                text = shown(asset)
                at = message.find(text) if text else -1
                if at >= 0 and message.find(text, at + 1) < 0:
                    copying = _copies(evidence)
                    if copying is not None:
                        memo[key] = (status, message[:at], message[at + len(text):], evidence,
                                     copying)
                        scratch[room_name] = room - len(key) - ENTRY_BYTES
            return result

        remembered_check.remembered_fields = fields  # type: ignore[attr-defined]  # for tests
        return remembered_check

    return wrap
