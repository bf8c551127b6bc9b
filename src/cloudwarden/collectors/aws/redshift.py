"""Redshift provisioned clusters of one region, with audit logging status and the
security-relevant parameters (require_ssl) of their parameter group, and the region's cluster
subnet groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset

SECURITY_PARAMETERS = frozenset({"require_ssl", "enable_user_activity_logging",
                                 "use_fips_ssl"})


def normalize_parameters(raw: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    kept = [pick(p, "ParameterName", "ParameterValue", "Source") for p in raw
            if p.get("ParameterName") in SECURITY_PARAMETERS]
    return sorted((p for p in kept if p is not None), key=lambda p: str(p["ParameterName"]))


def normalize_cluster(raw: Mapping[str, Any], arn: str, *,
                      logging: Mapping[str, Any] | None,
                      parameters: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "ClusterIdentifier": raw["ClusterIdentifier"],
        "ClusterArn": arn,
        "ClusterStatus": raw.get("ClusterStatus"),
        "NodeType": raw.get("NodeType"),
        "MasterUsername": raw.get("MasterUsername"),
        "DBName": raw.get("DBName"),
        "Endpoint": pick(raw.get("Endpoint"), "Address", "Port"),
        "VpcId": raw.get("VpcId"),
        "PubliclyAccessible": raw.get("PubliclyAccessible"),
        "Encrypted": raw.get("Encrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "AutomatedSnapshotRetentionPeriod": raw.get("AutomatedSnapshotRetentionPeriod"),
        "EnhancedVpcRouting": raw.get("EnhancedVpcRouting"),
        "MultiAZ": raw.get("MultiAZ"),
        "AllowVersionUpgrade": raw.get("AllowVersionUpgrade"),
        "ClusterParameterGroups": [g.get("ParameterGroupName")
                                   for g in raw.get("ClusterParameterGroups") or []],
        "LoggingStatus": None if logging is None else {
            "LoggingEnabled": logging.get("LoggingEnabled"),
            # AWS leaves them out when logging is off; some endpoints send "" instead.
            "BucketName": logging.get("BucketName") or None,
            "LogDestinationType": logging.get("LogDestinationType") or None,
            "LogExports": list(logging.get("LogExports") or [])},
        "ClusterParameters": normalize_parameters(parameters),
        "ClusterCreateTime": iso(raw.get("ClusterCreateTime")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_subnet_group(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    subnets = [{
        "SubnetIdentifier": s.get("SubnetIdentifier"),
        "AvailabilityZone": (s.get("SubnetAvailabilityZone") or {}).get("Name"),
        "SubnetStatus": s.get("SubnetStatus"),
    } for s in raw.get("Subnets") or []]
    return {
        "ClusterSubnetGroupName": raw["ClusterSubnetGroupName"],
        "Arn": arn,
        "Description": raw.get("Description"),
        "VpcId": raw.get("VpcId"),
        "SubnetGroupStatus": raw.get("SubnetGroupStatus"),
        "Subnets": subnets,
        "AvailabilityZones": sorted({str(s["AvailabilityZone"]) for s in subnets
                                     if s["AvailabilityZone"]}),
        "Tags": tag_dict(raw.get("Tags")),
    }


def _parameters(api: Api, raw: Mapping[str, Any],
                cache: dict[str, Fetched[list[Any]]]) -> Fetched[list[Any]]:
    groups = [g.get("ParameterGroupName") for g in raw.get("ClusterParameterGroups") or []]
    if not groups or not groups[0]:
        return Fetched([])
    name = str(groups[0])
    if name not in cache:  # clusters often share a group
        cache[name] = api.fetch_pages("describe_cluster_parameters", "Parameters",
                                      ParameterGroupName=name)
    return cache[name]


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("redshift", region)
    assets = []
    cache: dict[str, Fetched[list[Any]]] = {}
    for raw in api.pages("describe_clusters", "Clusters") or []:
        cid = raw["ClusterIdentifier"]
        arn = ctx.arn("redshift", region, f"cluster:{cid}")
        fetched: dict[str, Fetched[Any]] = {
            "LoggingStatus": api.fetch("describe_logging_status", ClusterIdentifier=cid),
            "ClusterParameters": _parameters(api, raw, cache),
        }
        doc = normalize_cluster(raw, arn, logging=fetched["LoggingStatus"].value,
                                parameters=fetched["ClusterParameters"].value)
        assets.append(make_asset(ctx.account, region, "aws.redshift.cluster", arn, cid, doc,
                                 failures(fetched)))
    for raw in api.pages("describe_cluster_subnet_groups", "ClusterSubnetGroups") or []:
        name = raw["ClusterSubnetGroupName"]
        arn = ctx.arn("redshift", region, f"subnetgroup:{name}")
        assets.append(make_asset(ctx.account, region, "aws.redshift.cluster_subnet_group", arn,
                                 name, normalize_subnet_group(raw, arn)))
    return assets
