"""A secret set to rotate every N days must have rotated within N days plus a grace period."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import days_since
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("Name")
    interval = (doc.get("RotationRules") or {}).get("AutomaticallyAfterDays")
    allowed = float(interval or 0) + float(ctx.params.get("grace_days") or 2)
    since = doc.get("LastRotatedDate") or doc.get("CreatedDate")
    age = days_since(since, ctx.now)
    evidence = Evidence("LastRotatedDate", doc.get("LastRotatedDate"),
                        f"within {allowed:g} days")
    if age is None:
        return CheckResult.failed(f"secret {name} has no rotation date", evidence)
    if age > allowed:
        return CheckResult.failed(f"secret {name} last rotated {age:.0f} days ago, its schedule "
                                  f"is every {interval} days", evidence)
    return CheckResult.passed(f"secret {name} rotated {age:.0f} days ago", evidence)
