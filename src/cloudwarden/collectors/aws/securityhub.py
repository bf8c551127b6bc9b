"""Security Hub: one status document per region, present even when the hub is not enabled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset
from cloudwarden.core.model import Asset

#: DescribeHub's answer when the account is not subscribed to Security Hub in the region.
NOT_ENABLED = ("InvalidAccessException", "ResourceNotFoundException")


def normalize_hub_status(region: str, arn: str, hub: Mapping[str, Any] | None,
                         standards: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`hub` is {} when Security Hub is not enabled, None when it could not be read."""
    enabled = None if hub is None else bool(hub.get("HubArn"))
    return {
        "Region": region,
        "Arn": arn,
        "Enabled": enabled,
        "HubArn": (hub or {}).get("HubArn"),
        "SubscribedAt": iso((hub or {}).get("SubscribedAt")),
        "AutoEnableControls": (hub or {}).get("AutoEnableControls"),
        "ControlFindingGenerator": (hub or {}).get("ControlFindingGenerator"),
        "EnabledStandards": None if standards is None else [
            {"StandardsArn": s.get("StandardsArn"),
             "StandardsSubscriptionArn": s.get("StandardsSubscriptionArn"),
             "StandardsStatus": s.get("StandardsStatus")} for s in standards],
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("securityhub", region)
    arn = ctx.arn("securityhub", region, "settings")
    hub = api.fetch("describe_hub", absent=NOT_ENABLED)
    standards: Fetched[list[Any]] = Fetched([])
    if hub.value:
        standards = api.fetch_pages("get_enabled_standards", "StandardsSubscriptions")
    doc = normalize_hub_status(region, arn, hub.value, standards.value)
    hub_fields = ("Enabled", "HubArn", "SubscribedAt", "AutoEnableControls",
                  "ControlFindingGenerator", "EnabledStandards")
    unknown = failures({f: hub for f in hub_fields}) or failures(
        {"EnabledStandards": standards})
    return [make_asset(ctx.account, region, "aws.securityhub.hub_status", arn,
                       f"Security Hub {region}", doc, unknown)]
