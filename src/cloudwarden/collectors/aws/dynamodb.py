"""DynamoDB in one region: tables (with point-in-time recovery, auto scaling targets and tags)
and DynamoDB Accelerator (DAX) clusters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset

_TABLE_PREFIX = "table/"


def normalize_table(raw: Mapping[str, Any], *, backups: Mapping[str, Any] | None,
                    tags: list[dict[str, Any]] | None,
                    scaling: Sequence[str] | None = ()) -> dict[str, Any]:
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
        "AutoScalingDimensions": None if scaling is None else sorted(set(scaling)),
        "ContinuousBackupsStatus": None if backups is None
        else backups.get("ContinuousBackupsStatus"),
        "PointInTimeRecoveryDescription": None if pitr is None else {
            "PointInTimeRecoveryStatus": pitr.get("PointInTimeRecoveryStatus"),
            "EarliestRestorableDateTime": iso(pitr.get("EarliestRestorableDateTime"))},
        "CreationDateTime": iso(raw.get("CreationDateTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def table_scaling(targets: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Table name -> its table-level scalable dimensions, from DescribeScalableTargets
    (ResourceId "table/<name>"; index targets "table/<name>/index/<index>" are left out)."""
    out: dict[str, list[str]] = {}
    for target in targets:
        resource = str(target.get("ResourceId") or "")
        dimension = str(target.get("ScalableDimension") or "")
        name = resource.removeprefix(_TABLE_PREFIX)
        if resource.startswith(_TABLE_PREFIX) and "/" not in name and dimension:
            out.setdefault(name, []).append(dimension)
    return out


def normalize_dax_cluster(raw: Mapping[str, Any],
                          tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    sse = raw.get("SSEDescription")
    return {
        "ClusterName": raw["ClusterName"],
        "ClusterArn": raw["ClusterArn"],
        "Status": raw.get("Status"),
        "NodeType": raw.get("NodeType"),
        "TotalNodes": raw.get("TotalNodes"),
        "SSEDescription": pick(sse, "Status") if sse else None,
        # Clusters created before endpoint encryption existed report nothing: they are NONE.
        "ClusterEndpointEncryptionType": raw.get("ClusterEndpointEncryptionType") or "NONE",
        "SubnetGroup": raw.get("SubnetGroup"),
        "SecurityGroups": [g.get("SecurityGroupIdentifier")
                           for g in raw.get("SecurityGroups") or []],
        "IamRoleArn": raw.get("IamRoleArn"),
        "Tags": None if tags is None else tag_dict(tags),
    }


def _scaling_targets(ctx: ScanContext, region: str) -> Fetched[list[Any]]:
    api = ctx.api("application-autoscaling", region)
    return api.fetch_pages("describe_scalable_targets", "ScalableTargets",
                           ServiceNamespace="dynamodb")


def _tables(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    names = api.pages("list_tables", "TableNames") or []
    if not names:
        return []
    targets = _scaling_targets(ctx, region)
    scaling = None if targets.value is None else table_scaling(targets.value)
    assets = []
    for name in names:
        described = api.call("describe_table", TableName=name)
        if described is None:
            continue  # recorded; without the description there is no document
        raw = described["Table"]
        backups = api.fetch("describe_continuous_backups", TableName=name)
        fetched: dict[str, Fetched[Any]] = {
            "ContinuousBackupsStatus": backups,
            "PointInTimeRecoveryDescription": backups,
            "AutoScalingDimensions": targets,
            "Tags": api.fetch_pages("list_tags_of_resource", "Tags",
                                    ResourceArn=raw["TableArn"]),
        }
        doc = normalize_table(
            raw, backups=None if backups.value is None
            else backups.value.get("ContinuousBackupsDescription") or {},
            tags=fetched["Tags"].value,
            scaling=None if scaling is None else scaling.get(name, []))
        assets.append(make_asset(ctx.account, region, "aws.dynamodb.table", raw["TableArn"],
                                 name, doc, failures(fetched)))
    return assets


def _dax_pages(api: Api) -> list[Any] | None:
    """DescribeClusters has a NextToken but no botocore paginator."""
    clusters: list[Any] = []
    token: str | None = None
    while True:
        page = api.call("describe_clusters", **({"NextToken": token} if token else {}))
        if page is None:
            return None
        clusters.extend(page.get("Clusters") or [])
        token = page.get("NextToken")
        if not token:
            return clusters


def _dax_clusters(ctx: ScanContext, region: str) -> list[Asset]:
    if not ctx.endpoint_url and region not in ctx.session.get_available_regions("dax"):
        return []  # DAX is offered in a subset of regions; elsewhere there is nothing to read
    api = ctx.api("dax", region)
    assets = []
    for raw in _dax_pages(api) or []:
        tags = api.fetch_pages("list_tags", "Tags", ResourceName=raw["ClusterArn"])
        doc = normalize_dax_cluster(raw, tags.value)
        assets.append(make_asset(ctx.account, region, "aws.dynamodb.dax_cluster",
                                 raw["ClusterArn"], raw["ClusterName"], doc,
                                 failures({"Tags": tags})))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("dynamodb", region)
    return _tables(ctx, api, region) + _dax_clusters(ctx, region)
