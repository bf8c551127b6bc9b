"""A trail counts when it is multi-region, logging and records all management events."""

from __future__ import annotations

from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _records_all_management_events(trail: dict[str, Any] | Any) -> bool:
    advanced = trail.get("AdvancedEventSelectors") or []
    if advanced:
        for selector in advanced:
            fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
            category = fields.get("eventCategory", {}).get("Equals") or []
            if "Management" in category and "readOnly" not in fields:
                return True
        return False
    selectors = trail.get("EventSelectors")
    if selectors is None:
        return True  # no selectors configured: the default records all management events
    return any(s.get("IncludeManagementEvents", True) and s.get("ReadWriteType", "All") == "All"
               for s in selectors)


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    trails = ctx.same_account(asset, "aws.cloudtrail.trail")
    for trail in trails:
        doc = trail.properties
        if (doc.get("IsMultiRegionTrail") is True
                and (doc.get("Status") or {}).get("IsLogging") is True
                and _records_all_management_events(doc)):
            return CheckResult.passed(
                f"trail {doc.get('Name')} logs all management events in every region",
                Evidence(f"trail:{doc.get('TrailARN')}.IsMultiRegionTrail", True))
    names = [t.properties.get("Name") for t in trails]
    return CheckResult.failed(
        "no multi-region trail is logging all management events"
        + (f" (trails: {', '.join(map(str, names))})" if names else " (no trails)"),
        Evidence("aws.cloudtrail.trail", names, "a multi-region, logging trail"))
