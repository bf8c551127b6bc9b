"""The CloudWatch Logs group a trail delivers to keeps events at least `min_retention_days`."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import trail_log_group
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    group = trail_log_group(asset, ctx)
    if isinstance(group, CheckResult):
        return group
    minimum = int(ctx.params.get("min_retention_days", 365))
    days = group.properties.get("retentionInDays")
    name = group.properties.get("logGroupName")
    path = f"log_group:{name}.retentionInDays"
    if days is None:
        return CheckResult.passed(f"log group {name} never expires events",
                                  Evidence(path, None, f">= {minimum} or never expire"))
    if isinstance(days, int) and days >= minimum:
        return CheckResult.passed(f"log group {name} keeps events {days} days",
                                  Evidence(path, days, f">= {minimum}"))
    return CheckResult.failed(
        f"log group {name} of trail {asset.properties.get('Name')} keeps events only {days} days "
        f"(minimum {minimum})", Evidence(path, days, f">= {minimum} or never expire"))
