"""SQS queues of one region: encryption, access policy and dead-letter redrive."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, policy_doc, tag_dict
from cloudwarden.core.model import Asset


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _bool(value: Any) -> bool | None:
    return None if value is None else str(value).lower() == "true"


def _redrive(value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    raw = json.loads(value) if isinstance(value, str) else value
    return {"deadLetterTargetArn": raw.get("deadLetterTargetArn"),
            "maxReceiveCount": _int(raw.get("maxReceiveCount"))}


def normalize_queue(url: str, attrs: Mapping[str, Any], tags: Mapping[str, Any] | None, *,
                    dead_letter_arns: frozenset[str] = frozenset()) -> dict[str, Any]:
    """SQS returns every attribute as text: numbers and booleans are converted here."""
    arn = attrs["QueueArn"]
    return {
        "QueueName": arn.rsplit(":", 1)[-1],
        "QueueArn": arn,
        "QueueUrl": url,
        "FifoQueue": bool(_bool(attrs.get("FifoQueue"))),
        "SqsManagedSseEnabled": bool(_bool(attrs.get("SqsManagedSseEnabled"))),
        "KmsMasterKeyId": attrs.get("KmsMasterKeyId") or None,
        "MessageRetentionPeriod": _int(attrs.get("MessageRetentionPeriod")),
        "VisibilityTimeout": _int(attrs.get("VisibilityTimeout")),
        "Policy": policy_doc(attrs.get("Policy")),
        "RedrivePolicy": _redrive(attrs.get("RedrivePolicy")),
        "IsDeadLetterQueue": arn in dead_letter_arns,
        "CreatedTimestamp": iso(None if attrs.get("CreatedTimestamp") is None
                                else _epoch(attrs["CreatedTimestamp"])),
        "Tags": None if tags is None else tag_dict(tags),
    }


def _epoch(value: Any) -> Any:
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError):
        return value


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("sqs", region)
    queues = []
    for url in api.pages("list_queues", "QueueUrls") or []:
        attrs = api.call("get_queue_attributes", QueueUrl=url, AttributeNames=["All"])
        if attrs is None:
            continue  # error recorded; without attributes there is no document
        tags = api.fetch("list_queue_tags", QueueUrl=url)
        queues.append((url, attrs.get("Attributes") or {}, tags))
    dead_letters = frozenset(
        (_redrive(a.get("RedrivePolicy")) or {}).get("deadLetterTargetArn") or ""
        for _, a, _ in queues) - {""}
    assets = []
    for url, attrs, tags in queues:
        doc = normalize_queue(url, attrs, None if tags.value is None
                              else tags.value.get("Tags") or {}, dead_letter_arns=dead_letters)
        assets.append(make_asset(ctx.account, region, "aws.sqs.queue", doc["QueueArn"],
                                 doc["QueueName"], doc, failures({"Tags": tags})))
    return assets
