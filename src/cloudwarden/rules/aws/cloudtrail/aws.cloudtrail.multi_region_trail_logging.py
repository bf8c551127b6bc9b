"""A trail counts when it is multi-region, logging and records all management events."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import is_logging_multi_region
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    trails = ctx.same_account(asset, "aws.cloudtrail.trail")
    for trail in trails:
        doc = trail.properties
        if is_logging_multi_region(doc):
            return CheckResult.passed(
                f"trail {doc.get('Name')} logs all management events in every region",
                Evidence(f"trail:{doc.get('TrailARN')}.IsMultiRegionTrail", True))
    names = [t.properties.get("Name") for t in trails]
    return CheckResult.failed(
        "no multi-region trail is logging all management events"
        + (f" (trails: {', '.join(map(str, names))})" if names else " (no trails)"),
        Evidence("aws.cloudtrail.trail", names, "a multi-region, logging trail"))
