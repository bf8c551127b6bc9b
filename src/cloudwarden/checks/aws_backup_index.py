"""AWS Backup plan coverage with each account and region's plans read once per inventory.

`cloudwarden.checks.aws_backup.backup_plan_coverage` reads every plan of the resource's account
and region again for every resource, matching each selection's patterns through `fnmatch`.
Here the plans of one (account, region) are compiled the first time a resource of that scope is
judged - selection patterns to compiled regular expressions, tag conditions to (key, value)
pairs, the names sorted once - and kept with the inventory (weakly: they go with it), so the
rules that ask share them and no other inventory ever sees them.

The results are those of `aws_backup.backup_plan_coverage`, message and evidence included
(tests/checks/test_aws_backup_index.py compares the two on random plans). A selection of an
unusual shape (a pattern list that is neither a list nor a string, a tag key that is not a
string, ...) is not compiled: its plan is judged by `aws_backup.selects` itself, which raises
where the reference raises.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from fnmatch import translate
from typing import Any, Literal, NamedTuple

from cloudwarden.checks.aws_backup import PLAN_TYPE, selects
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["backup_plan_coverage", "scope_plans"]

_TAG_KEY = "aws:ResourceTag/"
#: where a rule keeps its inventory's compiled scopes (`CheckContext.scratch`): one lookup
SCRATCH_KEY = "aws_backup_index.scopes"

_Match = Callable[[str], Any]
#: a compiled pattern list: True when one pattern is `*` (every ARN), else the match functions
_Patterns = Literal[True] | tuple[_Match, ...]

_PASS, _FAIL, _ERROR = Status.PASS, Status.FAIL, Status.ERROR
#: builds the result tuple in C (CheckResult.passed's way): one per evaluation
_new = tuple.__new__


class _Condition(NamedTuple):
    kind: str          # StringEquals, StringNotEquals, StringLike, StringNotLike or other
    tag: str | None    # the tag key after aws:ResourceTag/, None when the key names no tag
    wanted: str
    like: _Match | None  # the compiled ConditionValue pattern, for the Like operators


class _Selection(NamedTuple):
    not_resources: _Patterns
    resources: _Patterns
    conditions: tuple[_Condition, ...]
    tags: tuple[tuple[str, str], ...]  # ListOfTags: (key, str(value))


class _Plan(NamedTuple):
    name: str
    #: the compiled selections, or None to judge the plan's selections with `selects`
    selections: tuple[_Selection, ...] | None
    raw: Any  # the plan's Selections, for the uncompiled case


class ScopePlans(NamedTuple):
    """The backup plans of one account and region, read once."""

    source: Sequence[Asset]   # what the inventory returned for the account: tells a change
    always: tuple[str, ...]   # names of the plans that select every resource unconditionally
    conditional: tuple[_Plan, ...]  # the other plans whose selections were collected
    unread: tuple[str, ...]   # sorted names of the plans whose selections were not collected
    names: tuple[str, ...]    # sorted asset names of every plan of the scope


class _Unusual(Exception):
    """A selection this module does not compile; its plan goes to `selects`."""


@functools.lru_cache(maxsize=4096)
def _match_function(pattern: str) -> _Match:
    # the same ARN patterns and tag values recur in the plans of every account
    return re.compile(translate(pattern)).match


def _patterns(raw: Any) -> _Patterns:
    """`aws_backup._matches` compiled: the str items of `raw or []` as fnmatch patterns."""
    if not raw:
        return ()
    if type(raw) is str:
        items: Sequence[Any] = list(raw)  # iterated as the reference does: one per character
    elif type(raw) is list or type(raw) is tuple:
        items = raw
    else:
        raise _Unusual
    patterns = [p for p in items if isinstance(p, str)]
    if "*" in patterns:
        return True
    return tuple(_match_function(p) for p in dict.fromkeys(patterns))


def _items(raw: Any) -> Sequence[Any]:
    """The items of `raw or []` when iterating them cannot raise nor yield a mapping."""
    if not raw or type(raw) is str:
        return ()
    if type(raw) is list or type(raw) is tuple:
        return raw
    raise _Unusual


def _conditions(raw: Any) -> tuple[_Condition, ...]:
    if raw is None or not (type(raw) is dict or isinstance(raw, Mapping)):
        return ()
    out: list[_Condition] = []
    for kind, items in raw.items():
        for condition in _items(items):
            if not isinstance(condition, Mapping):
                continue
            key = condition.get("ConditionKey")
            tag = (key[len(_TAG_KEY):] if isinstance(key, str) and key.startswith(_TAG_KEY)
                   else None)
            wanted = str(condition.get("ConditionValue") or "")
            like = (_match_function(wanted) if kind in ("StringLike", "StringNotLike")
                    else None)
            out.append(_Condition(kind if isinstance(kind, str) else "", tag, wanted, like))
    return tuple(out)


def _list_of_tags(raw: Any) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for item in _items(raw):
        if not isinstance(item, Mapping):
            continue
        key = item.get("ConditionKey")
        if type(key) is not str:
            raise _Unusual  # the reference looks it up in the tags: it may not be hashable
        out.append((key, str(item.get("ConditionValue"))))
    return tuple(out)


def _selections(raw: Any) -> tuple[_Selection, ...] | None:
    try:
        return tuple(
            _Selection(_patterns(s.get("NotResources")), _patterns(s.get("Resources")),
                       _conditions(s.get("Conditions")), _list_of_tags(s.get("ListOfTags")))
            for s in _items(raw) if type(s) is dict or isinstance(s, Mapping))
    except (_Unusual, re.error):  # re.error: `selects` raises it at evaluation, as it should
        return None


def _read_plan(plan: Asset) -> _Plan | str:
    """A plan compiled, or its name when its selections were not collected."""
    name = str(plan.properties.get("BackupPlanName") or plan.name)
    raw = plan.properties.get("Selections")
    if "Selections" in plan.unknown or raw is None:
        return name
    return _Plan(name, _selections(raw), raw)


def _compile(source: Sequence[Asset], region: str) -> ScopePlans:
    plans = [p for p in source if p.ref.region == region]
    always: list[str] = []
    conditional: list[_Plan] = []
    unread: list[str] = []
    for plan in plans:
        reading = _read_plan(plan)
        if isinstance(reading, str):
            unread.append(reading)
        elif reading.selections is not None and any(
                s.resources is True and not s.not_resources and not s.conditions
                for s in reading.selections):
            always.append(reading.name)
        else:
            conditional.append(reading)
    return ScopePlans(source, tuple(always), tuple(conditional), tuple(sorted(unread)),
                      tuple(sorted(p.name for p in plans)))


def _same(a: Sequence[Asset], b: Sequence[Asset]) -> bool:
    if a is b:
        return True
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):  # noqa: SIM110 - a loop: no generator frame
        if x is not y:
            return False
    return True


_Scopes = dict[tuple[str, str], ScopePlans]
#: inventory -> its compiled scopes, shared by the rules that ask (RDS and DynamoDB) and by
#: assessments of the same inventory; weak keys: the entries go with their inventory
_BY_INVENTORY: weakref.WeakKeyDictionary[Any, _Scopes] = weakref.WeakKeyDictionary()


def _scopes(ctx: CheckContext) -> _Scopes:
    scopes: _Scopes | None = ctx.scratch.get(SCRATCH_KEY)
    if scopes is None:
        try:
            scopes = _BY_INVENTORY.setdefault(ctx.inventory, {})
        except TypeError:  # an inventory view without weak references: this rule's own
            scopes = {}
        ctx.scratch[SCRATCH_KEY] = scopes
    return scopes


def scope_plans(asset: Asset, ctx: CheckContext) -> ScopePlans:
    """The compiled plans of the asset's account and region: compiled on the first asking
    for the context's inventory, again whenever the inventory returns other plans for the
    account than those compiled (a plan added since)."""
    scopes = ctx.scratch.get(SCRATCH_KEY)
    if scopes is None:
        scopes = _scopes(ctx)
    ref = asset.ref
    source = ctx.inventory.in_account(PLAN_TYPE, ref.account)  # ctx.same_account's
    key = (ref.account, ref.region)
    found = scopes.get(key)
    if found is None or (found.source is not source and not _same(found.source, source)):
        found = scopes[key] = _compile(source, ref.region)
    return found


def _any_pattern(patterns: _Patterns, arn: str) -> bool:
    if patterns is True:
        return True
    for match in patterns:  # noqa: SIM110 - a loop: no generator frame on the hot path
        if match(arn) is not None:
            return True
    return False


def _conditions_hold(conditions: tuple[_Condition, ...], tags: Mapping[str, Any]) -> bool:
    for kind, tag, wanted, like in conditions:
        value = None if tag is None else tags.get(tag)
        if value is not None:
            value = str(value)
        if kind == "StringEquals":
            holds = value == wanted
        elif kind == "StringNotEquals":
            holds = value != wanted
        elif kind == "StringLike":
            holds = value is not None and like is not None and like(value) is not None
        elif kind == "StringNotLike":
            holds = value is None or like is None or like(value) is None
        else:
            holds = False  # an operator we do not know never assigns: no false pass
        if not holds:
            return False
    return True


def _selected(selection: _Selection, arn: str, tags: Mapping[str, Any]) -> bool:
    not_resources, resources, conditions, list_of_tags = selection
    if not_resources and _any_pattern(not_resources, arn):
        return False
    if resources and _any_pattern(resources, arn) and (
            not conditions or _conditions_hold(conditions, tags)):
        return True
    for key, wanted in list_of_tags:  # noqa: SIM110 - a loop: no generator frame
        if key in tags and str(tags[key]) == wanted:
            return True
    return False


def backup_plan_coverage(asset: Asset, ctx: CheckContext, *, noun: str, name: str,
                         arn: str) -> CheckResult:
    """`aws_backup.backup_plan_coverage`, with the scope's plans compiled once."""
    if "Tags" in asset.unknown:
        return CheckResult(_ERROR, f"could not assess: the tags of {noun} {name} were not "
                           f"collected ({asset.unknown['Tags']})")
    raw_tags = asset.properties.get("Tags")
    tags: Mapping[str, Any] = (raw_tags if type(raw_tags) is dict or (
        raw_tags is not None and isinstance(raw_tags, Mapping)) else {})
    scope = scope_plans(asset, ctx)
    covering = list(scope.always)
    for plan in scope.conditional:
        selections = plan.selections
        if selections is None:
            if any(isinstance(s, Mapping) and selects(s, arn, tags) for s in plan.raw or []):
                covering.append(plan.name)
            continue
        for selection in selections:
            if _selected(selection, arn, tags):
                covering.append(plan.name)
                break
    if covering:
        covering.sort()
        return _new(CheckResult, (
            _PASS, f"{noun} {name} is assigned to backup plan(s) {', '.join(covering)}",
            (Evidence("backup_plan.Selections", covering, f"a selection of the {noun}"),)))
    if scope.unread:
        return _new(CheckResult, (_ERROR, f"could not assess: the selections of backup plan(s) "
                                  f"{', '.join(scope.unread)} were not collected", ()))
    return _new(CheckResult, (
        _FAIL, f"no AWS Backup plan of {asset.ref.region} selects {noun} {name}",
        (Evidence("backup_plan.Selections", list(scope.names), f"a selection of {arn}"),)))
