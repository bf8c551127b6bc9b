"""Athena workgroups of one region: enforced configuration, result encryption, metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset


def normalize_workgroup(arn: str, wg: Mapping[str, Any],
                        tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`wg` is GetWorkGroup's WorkGroup."""
    config = wg.get("Configuration") or {}
    results = config.get("ResultConfiguration") or {}
    encryption = results.get("EncryptionConfiguration")
    return {
        "Name": wg["Name"],
        "Arn": arn,
        "State": wg.get("State"),
        "EnforceWorkGroupConfiguration": bool(config.get("EnforceWorkGroupConfiguration")),
        "PublishCloudWatchMetricsEnabled": bool(config.get("PublishCloudWatchMetricsEnabled")),
        "OutputLocation": results.get("OutputLocation"),
        "EncryptionConfiguration": pick(encryption, "EncryptionOption", "KmsKey")
        if encryption else None,
        "CreationTime": iso(wg.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("athena", region)
    assets = []
    for listed in api.pages("list_work_groups", "WorkGroups") or []:
        got = api.call("get_work_group", WorkGroup=listed["Name"])
        if got is None:
            continue
        arn = ctx.arn("athena", region, f"workgroup/{listed['Name']}")
        tags = api.fetch_pages("list_tags_for_resource", "Tags", ResourceARN=arn)
        doc = normalize_workgroup(arn, got["WorkGroup"], tags.value)
        assets.append(make_asset(ctx.account, region, "aws.athena.workgroup", arn,
                                 doc["Name"], doc, failures({"Tags": tags})))
    return assets
