"""Verdicts of pure checks remembered per distinct values of the fields they read.

Many assets of a scan share their settings: replicas and releases of one chart repeat a pod,
security groups repeat a handful of permission sets. A check whose result depends only on a
few top-level fields, the rule's parameters and a name shown at the head of its message can
be judged once per distinct set of values: `remembered(fields, head, name)` wraps such a check.

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
from functools import wraps
from operator import is_
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckFn, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["MAX_REMEMBERED", "remembered", "values_key"]

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


def remembered(fields: tuple[str, ...], head: Callable[[Asset], str],
               name: str) -> Callable[[CheckFn], CheckFn]:
    """Wrap a check whose result depends on the values of `fields`, the rule's parameters and
    nothing else of the asset but what `head(asset)` shows, the head of every message it
    writes. Verdicts are kept in the rule's scratch under `name` (one memo per rule and
    assessment, so per set of parameters) with the head cut off, when the evidence is
    immutable (hashable: findings may share it); a check that raises is asked again every
    time, so it raises again."""

    def wrap(check: CheckFn) -> CheckFn:
        @wraps(check)
        def remembered_check(asset: Asset, ctx: CheckContext) -> CheckResult:
            key = values_key(asset.properties, fields)
            if key is None:
                return check(asset, ctx)
            scratch = ctx.scratch
            memo: dict[str, tuple[Status, str, tuple[Evidence, ...]]] | None = scratch.get(name)
            if memo is None:
                memo = scratch[name] = {}
            found = memo.get(key)
            if found is not None:
                return _new(CheckResult, (found[0], head(asset) + found[1], found[2]))
            result = check(asset, ctx)
            status, message, evidence = result
            if len(memo) < MAX_REMEMBERED:
                start = head(asset)
                if message.startswith(start):
                    try:
                        hash(evidence)
                    except TypeError:  # a list or a mapping in the evidence: not shared
                        return result
                    memo[key] = (status, message[len(start):], evidence)
            return result

        return remembered_check

    return wrap
