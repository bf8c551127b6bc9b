"""AWS Backup plan coverage: whether a resource is assigned to a backup plan of its account and
region, judged on the collected `aws.backup.plan` assets and their selections.

A plan selection assigns a resource when (its Resources patterns match the resource ARN and all
its Conditions on aws:ResourceTag/<key> hold) or one of its ListOfTags tags is on the resource,
and no NotResources pattern matches the ARN. Patterns use * as a wildcard; "*" alone selects
every resource. A plan whose selections could not be read makes the result an error unless
another plan already covers the resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["PLAN_TYPE", "backup_plan_coverage", "covering_plans", "selects"]

PLAN_TYPE = "aws.backup.plan"
_TAG_KEY = "aws:ResourceTag/"


def _matches(patterns: Any, arn: str) -> bool:
    return any(isinstance(p, str) and fnmatchcase(arn, p) for p in patterns or [])


def _tag(tags: Mapping[str, Any], key: Any) -> str | None:
    if not isinstance(key, str) or not key.startswith(_TAG_KEY):
        return None
    value = tags.get(key[len(_TAG_KEY):])
    return None if value is None else str(value)


def _condition_holds(kind: str, condition: Mapping[str, Any], tags: Mapping[str, Any]) -> bool:
    value = _tag(tags, condition.get("ConditionKey"))
    wanted = str(condition.get("ConditionValue") or "")
    if kind == "StringEquals":
        return value == wanted
    if kind == "StringNotEquals":
        return value != wanted
    if kind == "StringLike":
        return value is not None and fnmatchcase(value, wanted)
    if kind == "StringNotLike":
        return value is None or not fnmatchcase(value, wanted)
    return False  # an operator we do not know never assigns: no false pass


def _conditions_hold(conditions: Any, tags: Mapping[str, Any]) -> bool:
    if not isinstance(conditions, Mapping):
        return True
    return all(_condition_holds(kind, c, tags)
               for kind, items in conditions.items() for c in items or []
               if isinstance(c, Mapping))


def _tagged(list_of_tags: Any, tags: Mapping[str, Any]) -> bool:
    return any(isinstance(t, Mapping) and t.get("ConditionKey") in tags
               and str(tags[t["ConditionKey"]]) == str(t.get("ConditionValue"))
               for t in list_of_tags or [])


def selects(selection: Mapping[str, Any], arn: str, tags: Mapping[str, Any]) -> bool:
    """Whether one Backup selection assigns the resource `arn` with `tags`."""
    if _matches(selection.get("NotResources"), arn):
        return False
    by_resource = (_matches(selection.get("Resources"), arn)
                   and _conditions_hold(selection.get("Conditions"), tags))
    return by_resource or _tagged(selection.get("ListOfTags"), tags)


def covering_plans(plans: Sequence[Asset], arn: str, tags: Mapping[str, Any]
                   ) -> tuple[list[str], list[str]]:
    """(names of the plans that select `arn`, names of the plans whose selections are unread)."""
    covering, unread = [], []
    for plan in plans:
        name = str(plan.properties.get("BackupPlanName") or plan.name)
        if "Selections" in plan.unknown or plan.properties.get("Selections") is None:
            unread.append(name)
            continue
        if any(isinstance(s, Mapping) and selects(s, arn, tags)
               for s in plan.properties.get("Selections") or []):
            covering.append(name)
    return sorted(covering), sorted(unread)


def backup_plan_coverage(asset: Asset, ctx: CheckContext, *, noun: str, name: str,
                         arn: str) -> CheckResult:
    """Pass when a backup plan of the asset's account and region selects `arn` (the asset's
    tags come from its `Tags` property); `noun` and `name` word the messages ("table orders")."""
    if "Tags" in asset.unknown:
        return CheckResult(Status.ERROR, f"could not assess: the tags of {noun} {name} were not "
                           f"collected ({asset.unknown['Tags']})")
    raw_tags = asset.properties.get("Tags")
    tags: Mapping[str, Any] = raw_tags if isinstance(raw_tags, Mapping) else {}
    plans = [p for p in ctx.same_account(asset, PLAN_TYPE) if p.ref.region == asset.ref.region]
    covering, unread = covering_plans(plans, arn, tags)
    if covering:
        return CheckResult.passed(
            f"{noun} {name} is assigned to backup plan(s) {', '.join(covering)}",
            Evidence("backup_plan.Selections", covering, f"a selection of the {noun}"))
    if unread:
        return CheckResult(Status.ERROR, f"could not assess: the selections of backup plan(s) "
                           f"{', '.join(unread)} were not collected")
    return CheckResult.failed(
        f"no AWS Backup plan of {asset.ref.region} selects {noun} {name}",
        Evidence("backup_plan.Selections", sorted(p.name for p in plans),
                 f"a selection of {arn}"))
