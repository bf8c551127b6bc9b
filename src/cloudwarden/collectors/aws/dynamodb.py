"""DynamoDB tables of one region, with point-in-time recovery and tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset


def normalize_table(raw: Mapping[str, Any], *, backups: Mapping[str, Any] | None,
                    tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    sse = raw.get("SSEDescription")
    pitr = None if backups is None else backups.get("PointInTimeRecoveryDescription")
    return {
        "TableName": raw["TableName"],
        "TableArn": raw["TableArn"],
        "TableStatus": raw.get("TableStatus"),
        # Tables created before on-demand existed carry no summary: they are provisioned.
        "BillingMode": (raw.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
        # Without SSEDescription the table uses the AWS owned key (encrypted, not by KMS).
        "SSEDescription": pick(sse, "Status", "SSEType", "KMSMasterKeyArn") if sse else None,
        "DeletionProtectionEnabled": raw.get("DeletionProtectionEnabled", False),
        "ContinuousBackupsStatus": None if backups is None
        else backups.get("ContinuousBackupsStatus"),
        "PointInTimeRecoveryDescription": None if pitr is None else {
            "PointInTimeRecoveryStatus": pitr.get("PointInTimeRecoveryStatus"),
            "EarliestRestorableDateTime": iso(pitr.get("EarliestRestorableDateTime"))},
        "CreationDateTime": iso(raw.get("CreationDateTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("dynamodb", region)
    assets = []
    for name in api.pages("list_tables", "TableNames") or []:
        described = api.call("describe_table", TableName=name)
        if described is None:
            continue  # recorded; without the description there is no document
        raw = described["Table"]
        backups = api.fetch("describe_continuous_backups", TableName=name)
        fetched: dict[str, Fetched[Any]] = {
            "ContinuousBackupsStatus": backups,
            "PointInTimeRecoveryDescription": backups,
            "Tags": api.fetch_pages("list_tags_of_resource", "Tags",
                                    ResourceArn=raw["TableArn"]),
        }
        doc = normalize_table(
            raw, backups=None if backups.value is None
            else backups.value.get("ContinuousBackupsDescription") or {},
            tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.dynamodb.table", raw["TableArn"],
                                 name, doc, failures(fetched)))
    return assets
