"""Cross-resource: an ACTIVE DynamoDB table is assigned to an AWS Backup plan of its account and
region.

A plan selection assigns the table when (its Resources patterns match the table ARN and all its
Conditions on aws:ResourceTag/<key> hold) or one of its ListOfTags tags is on the table, and no
NotResources pattern matches the table ARN. Patterns use * as a wildcard, "*" alone selects every
resource. A plan whose selections could not be read makes the result an error unless another
plan already covers the table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_PLAN_TYPE = "aws.backup.plan"
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
    return False


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


def _covering(plans: Sequence[Asset], arn: str, tags: Mapping[str, Any]
              ) -> tuple[list[str], list[str]]:
    covering, unread = [], []
    for plan in plans:
        name = str(plan.properties.get("BackupPlanName") or plan.name)
        if "Selections" in plan.unknown or plan.properties.get("Selections") is None:
            unread.append(name)
            continue
        if any(isinstance(s, Mapping) and selects(s, arn, tags)
               for s in plan.properties.get("Selections") or []):
            covering.append(name)
    return covering, unread


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    table = str(doc.get("TableName") or asset.name)
    if doc.get("TableStatus") not in (None, "ACTIVE"):
        return CheckResult.not_applicable(f"table {table} is {doc.get('TableStatus')}")
    if "Tags" in asset.unknown:
        return CheckResult(Status.ERROR, f"could not assess: the tags of table {table} were not "
                           f"collected ({asset.unknown['Tags']})")
    arn = str(doc.get("TableArn") or asset.ref.id)
    raw_tags = doc.get("Tags")
    tags: Mapping[str, Any] = raw_tags if isinstance(raw_tags, Mapping) else {}
    plans = [p for p in ctx.same_account(asset, _PLAN_TYPE) if p.ref.region == asset.ref.region]
    covering, unread = _covering(plans, arn, tags)
    if covering:
        return CheckResult.passed(
            f"table {table} is assigned to backup plan(s) {', '.join(sorted(covering))}",
            Evidence("backup_plan.Selections", sorted(covering), "a selection of the table"))
    if unread:
        return CheckResult(Status.ERROR, f"could not assess: the selections of backup plan(s) "
                           f"{', '.join(sorted(unread))} were not collected")
    return CheckResult.failed(
        f"no AWS Backup plan of {asset.ref.region} selects table {table}",
        Evidence("backup_plan.Selections", [p.name for p in plans], f"a selection of {arn}"))
