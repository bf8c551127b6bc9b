"""AWS Config: one status document per region, present even when nothing is recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset
from cloudwarden.core.model import Asset


def normalize_recorder_status(region: str, arn: str, *,
                              recorders: Sequence[Mapping[str, Any]] | None,
                              statuses: Sequence[Mapping[str, Any]] | None,
                              channels: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    by_name = {s.get("name"): s for s in statuses or []}
    out_recorders = None
    if recorders is not None:
        out_recorders = []
        for rec in recorders:
            group = rec.get("recordingGroup") or {}
            status = by_name.get(rec.get("name"))
            out_recorders.append({
                "name": rec.get("name"),
                "roleARN": rec.get("roleARN"),
                "recordingGroup": {
                    "allSupported": group.get("allSupported"),
                    "includeGlobalResourceTypes": group.get("includeGlobalResourceTypes"),
                },
                "Recording": None if statuses is None else bool((status or {}).get("recording")),
                "LastStatus": (status or {}).get("lastStatus"),
            })
    return {
        "Region": region,
        "Arn": arn,
        "Recorders": out_recorders,
        "DeliveryChannels": None if channels is None else [
            {"name": c.get("name"), "s3BucketName": c.get("s3BucketName"),
             "snsTopicARN": c.get("snsTopicARN")} for c in channels],
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("config", region)
    recorders = api.fetch_pages("describe_configuration_recorders", "ConfigurationRecorders")
    statuses = api.fetch_pages("describe_configuration_recorder_status",
                               "ConfigurationRecordersStatus")
    channels = api.fetch_pages("describe_delivery_channels", "DeliveryChannels")
    doc = normalize_recorder_status(
        region,
        ctx.arn("config", region, "settings"),
        recorders=recorders.value,
        statuses=statuses.value,
        channels=channels.value,
    )
    # Without the statuses each recorder's `Recording` is null: the list is not fully known.
    unknown = failures({"Recorders": recorders.failure or statuses.failure,
                        "DeliveryChannels": channels})
    return [make_asset(ctx.account, region, "aws.config.recorder_status", doc["Arn"],
                       f"AWS Config {region}", doc, unknown)]
