"""CloudTrail trails, collected in their home region (multi-region trails appear once)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset


def normalize_trail(raw: Mapping[str, Any], *, status: Mapping[str, Any] | None,
                    selectors: Mapping[str, Any] | None,
                    tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "Name": raw["Name"],
        "TrailARN": raw["TrailARN"],
        "HomeRegion": raw.get("HomeRegion"),
        "IsMultiRegionTrail": raw.get("IsMultiRegionTrail"),
        "IncludeGlobalServiceEvents": raw.get("IncludeGlobalServiceEvents"),
        "IsOrganizationTrail": raw.get("IsOrganizationTrail"),
        "LogFileValidationEnabled": raw.get("LogFileValidationEnabled"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "S3BucketName": raw.get("S3BucketName"),
        "CloudWatchLogsLogGroupArn": raw.get("CloudWatchLogsLogGroupArn"),
        "Status": None if status is None else {
            "IsLogging": status.get("IsLogging"),
            "LatestDeliveryTime": iso(status.get("LatestDeliveryTime")),
            "LatestCloudWatchLogsDeliveryTime": iso(status.get("LatestCloudWatchLogsDeliveryTime")),
        },
        # A trail has either classic or advanced selectors; the other one is null.
        "EventSelectors": None if selectors is None else selectors.get("EventSelectors"),
        "AdvancedEventSelectors": None if selectors is None
        else selectors.get("AdvancedEventSelectors"),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("cloudtrail", region)
    described = api.call("describe_trails", includeShadowTrails=False)
    assets = []
    for raw in (described or {}).get("trailList") or []:
        home = raw.get("HomeRegion") or region
        if home != region:
            continue  # reported by the scan of its home region
        arn = raw["TrailARN"]
        listed = api.fetch("list_tags", ResourceIdList=[arn])
        tags = None if listed.value is None else next(
            (t.get("TagsList") or [] for t in listed.value.get("ResourceTagList") or []
             if t.get("ResourceId") == arn), [])
        status = api.fetch("get_trail_status", Name=arn)
        selectors = api.fetch("get_event_selectors", TrailName=arn)
        doc = normalize_trail(raw, status=status.value, selectors=selectors.value, tags=tags)
        unknown = failures({"Status": status, "EventSelectors": selectors,
                            "AdvancedEventSelectors": selectors, "Tags": listed})
        assets.append(make_asset(ctx.account, home, "aws.cloudtrail.trail", arn, raw["Name"],
                                 doc, unknown))
    return assets
