"""Kinesis data streams of one region: encryption and retention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset


def normalize_stream(summary: Mapping[str, Any],
                     tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`summary` is DescribeStreamSummary's StreamDescriptionSummary."""
    return {
        "StreamName": summary["StreamName"],
        "StreamARN": summary["StreamARN"],
        "StreamStatus": summary.get("StreamStatus"),
        "StreamMode": (summary.get("StreamModeDetails") or {}).get("StreamMode"),
        "EncryptionType": summary.get("EncryptionType") or "NONE",
        "KeyId": summary.get("KeyId"),
        "RetentionPeriodHours": summary.get("RetentionPeriodHours"),
        "OpenShardCount": summary.get("OpenShardCount"),
        "StreamCreationTimestamp": iso(summary.get("StreamCreationTimestamp")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("kinesis", region)
    assets = []
    for name in api.pages("list_streams", "StreamNames") or []:
        described = api.call("describe_stream_summary", StreamName=name)
        if described is None:
            continue
        tags = api.fetch("list_tags_for_stream", StreamName=name)
        doc = normalize_stream(described["StreamDescriptionSummary"],
                               None if tags.value is None else tags.value.get("Tags") or [])
        assets.append(make_asset(ctx.account, region, "aws.kinesis.stream", doc["StreamARN"],
                                 name, doc, failures({"Tags": tags})))
    return assets
