"""RDS in one region: DB instances and clusters, their snapshots (with the restore attribute
that makes a snapshot public), parameter groups (security-relevant parameters only), event
notification subscriptions and RDS proxies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset

#: Parameters kept from a group: TLS enforcement and audit/connection logging.
SECURITY_PARAMETERS = frozenset({
    "rds.force_ssl", "require_secure_transport", "ssl", "ssl_min_protocol_version",
    "tls_version", "log_connections", "log_disconnections", "pgaudit.log", "general_log",
    "server_audit_logging", "audit_trail", "rds.force_admin_logging_level",
})


def normalize_instance(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "DBInstanceIdentifier": raw["DBInstanceIdentifier"],
        "DBInstanceArn": raw["DBInstanceArn"],
        "DBInstanceClass": raw.get("DBInstanceClass"),
        "DBInstanceStatus": raw.get("DBInstanceStatus"),
        "Engine": raw.get("Engine"),
        "EngineVersion": raw.get("EngineVersion"),
        "DBClusterIdentifier": raw.get("DBClusterIdentifier"),
        "MasterUsername": raw.get("MasterUsername"),
        "Endpoint": pick(raw.get("Endpoint"), "Address", "Port"),
        "DbInstancePort": raw.get("DbInstancePort"),
        "PubliclyAccessible": raw.get("PubliclyAccessible"),
        "StorageEncrypted": raw.get("StorageEncrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "BackupRetentionPeriod": raw.get("BackupRetentionPeriod"),
        "MultiAZ": raw.get("MultiAZ"),
        "DeletionProtection": raw.get("DeletionProtection"),
        "AutoMinorVersionUpgrade": raw.get("AutoMinorVersionUpgrade"),
        "IAMDatabaseAuthenticationEnabled": raw.get("IAMDatabaseAuthenticationEnabled"),
        "EnabledCloudwatchLogsExports": list(raw.get("EnabledCloudwatchLogsExports") or []),
        "MonitoringInterval": raw.get("MonitoringInterval"),
        "PerformanceInsightsEnabled": raw.get("PerformanceInsightsEnabled"),
        "CopyTagsToSnapshot": raw.get("CopyTagsToSnapshot"),
        "CACertificateIdentifier": raw.get("CACertificateIdentifier"),
        "DBParameterGroups": [pick(g, "DBParameterGroupName", "ParameterApplyStatus")
                              for g in raw.get("DBParameterGroups") or []],
        "VpcSecurityGroups": [g.get("VpcSecurityGroupId")
                              for g in raw.get("VpcSecurityGroups") or []],
        "DBSubnetGroupName": (raw.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "VpcId": (raw.get("DBSubnetGroup") or {}).get("VpcId"),
        "InstanceCreateTime": iso(raw.get("InstanceCreateTime")),
        "Tags": tag_dict(raw.get("TagList")),
    }


def normalize_cluster(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "DBClusterIdentifier": raw["DBClusterIdentifier"],
        "DBClusterArn": raw["DBClusterArn"],
        "Status": raw.get("Status"),
        "Engine": raw.get("Engine"),
        "EngineVersion": raw.get("EngineVersion"),
        "EngineMode": raw.get("EngineMode"),
        "MasterUsername": raw.get("MasterUsername"),
        "Port": raw.get("Port"),
        "PubliclyAccessible": raw.get("PubliclyAccessible"),
        "StorageEncrypted": raw.get("StorageEncrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "BackupRetentionPeriod": raw.get("BackupRetentionPeriod"),
        "MultiAZ": raw.get("MultiAZ"),
        "AvailabilityZones": list(raw.get("AvailabilityZones") or []),
        "DeletionProtection": raw.get("DeletionProtection"),
        "AutoMinorVersionUpgrade": raw.get("AutoMinorVersionUpgrade"),
        "IAMDatabaseAuthenticationEnabled": raw.get("IAMDatabaseAuthenticationEnabled"),
        "EnabledCloudwatchLogsExports": list(raw.get("EnabledCloudwatchLogsExports") or []),
        "CopyTagsToSnapshot": raw.get("CopyTagsToSnapshot"),
        "DBClusterParameterGroup": raw.get("DBClusterParameterGroup"),
        "BacktrackWindow": raw.get("BacktrackWindow"),
        "DBClusterMembers": [pick(m, "DBInstanceIdentifier", "IsClusterWriter")
                             for m in raw.get("DBClusterMembers") or []],
        "ClusterCreateTime": iso(raw.get("ClusterCreateTime")),
        "Tags": tag_dict(raw.get("TagList")),
    }


def normalize_attributes(raw: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    return [{"AttributeName": a.get("AttributeName"),
             "AttributeValues": list(a.get("AttributeValues") or [])} for a in raw]


def normalize_snapshot(raw: Mapping[str, Any],
                       attributes: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "DBSnapshotIdentifier": raw["DBSnapshotIdentifier"],
        "DBSnapshotArn": raw["DBSnapshotArn"],
        "DBInstanceIdentifier": raw.get("DBInstanceIdentifier"),
        "SnapshotType": raw.get("SnapshotType"),
        "Engine": raw.get("Engine"),
        "Status": raw.get("Status"),
        "Encrypted": raw.get("Encrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "SnapshotCreateTime": iso(raw.get("SnapshotCreateTime")),
        "DBSnapshotAttributes": normalize_attributes(attributes),
        "Tags": tag_dict(raw.get("TagList")),
    }


def normalize_cluster_snapshot(raw: Mapping[str, Any],
                               attributes: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "DBClusterSnapshotIdentifier": raw["DBClusterSnapshotIdentifier"],
        "DBClusterSnapshotArn": raw["DBClusterSnapshotArn"],
        "DBClusterIdentifier": raw.get("DBClusterIdentifier"),
        "SnapshotType": raw.get("SnapshotType"),
        "Engine": raw.get("Engine"),
        "Status": raw.get("Status"),
        "StorageEncrypted": raw.get("StorageEncrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "SnapshotCreateTime": iso(raw.get("SnapshotCreateTime")),
        "DBClusterSnapshotAttributes": normalize_attributes(attributes),
        "Tags": tag_dict(raw.get("TagList")),
    }


def is_default_group(name: str) -> bool:
    return name.startswith("default.")


def normalize_parameters(raw: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The security-relevant parameters of a group, sorted by name."""
    if raw is None:
        return None
    kept = [pick(p, "ParameterName", "ParameterValue", "Source") for p in raw
            if p.get("ParameterName") in SECURITY_PARAMETERS]
    return sorted((p for p in kept if p is not None), key=lambda p: str(p["ParameterName"]))


def normalize_parameter_group(raw: Mapping[str, Any], parameters: Sequence[Mapping[str, Any]]
                              | None, *, cluster: bool) -> dict[str, Any]:
    prefix = "DBClusterParameterGroup" if cluster else "DBParameterGroup"
    name = raw[f"{prefix}Name"]
    return {
        f"{prefix}Name": name,
        f"{prefix}Arn": raw[f"{prefix}Arn"],
        "DBParameterGroupFamily": raw.get("DBParameterGroupFamily"),
        "Description": raw.get("Description"),
        "IsDefault": is_default_group(name),
        "Parameters": normalize_parameters(parameters),
    }


def normalize_event_subscription(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "CustSubscriptionId": raw["CustSubscriptionId"],
        "EventSubscriptionArn": raw["EventSubscriptionArn"],
        "SnsTopicArn": raw.get("SnsTopicArn"),
        "Status": raw.get("Status"),
        "Enabled": raw.get("Enabled"),
        "SourceType": raw.get("SourceType") or None,
        "SourceIdsList": list(raw.get("SourceIdsList") or []),
        "EventCategoriesList": list(raw.get("EventCategoriesList") or []),
        "SubscriptionCreationTime": iso(raw.get("SubscriptionCreationTime")),
    }


def normalize_proxy(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "DBProxyName": raw["DBProxyName"],
        "DBProxyArn": raw["DBProxyArn"],
        "Status": raw.get("Status"),
        "EngineFamily": raw.get("EngineFamily"),
        "RequireTLS": raw.get("RequireTLS"),
        "VpcId": raw.get("VpcId"),
        "VpcSecurityGroupIds": list(raw.get("VpcSecurityGroupIds") or []),
        "DebugLogging": raw.get("DebugLogging"),
        "CreatedDate": iso(raw.get("CreatedDate")),
    }


def _attributes(api: Api, method: str, result_key: str, snapshot_type: str | None,
                **params: Any) -> Fetched[list[Any]]:
    """The restore attribute of a manual snapshot; automated ones cannot be shared."""
    if snapshot_type == "automated":
        return Fetched([])
    fetched = api.fetch(method, **params)
    if fetched.value is None:
        return Fetched(None, fetched.failure)
    inner = result_key.removesuffix("Result")  # DBSnapshotAttributes, DBCluster...
    return Fetched(list((fetched.value.get(result_key) or {}).get(inner) or []))


def _snapshots(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for raw in api.pages("describe_db_snapshots", "DBSnapshots") or []:
        attrs = {"DBSnapshotAttributes": _attributes(
            api, "describe_db_snapshot_attributes", "DBSnapshotAttributesResult",
            raw.get("SnapshotType"), DBSnapshotIdentifier=raw["DBSnapshotIdentifier"])}
        doc = normalize_snapshot(raw, attrs["DBSnapshotAttributes"].value)
        assets.append(make_asset(ctx.account, region, "aws.rds.db_snapshot",
                                 doc["DBSnapshotArn"], doc["DBSnapshotIdentifier"], doc,
                                 failures(attrs)))
    for raw in api.pages("describe_db_cluster_snapshots", "DBClusterSnapshots") or []:
        attrs = {"DBClusterSnapshotAttributes": _attributes(
            api, "describe_db_cluster_snapshot_attributes",
            "DBClusterSnapshotAttributesResult", raw.get("SnapshotType"),
            DBClusterSnapshotIdentifier=raw["DBClusterSnapshotIdentifier"])}
        doc = normalize_cluster_snapshot(raw, attrs["DBClusterSnapshotAttributes"].value)
        assets.append(make_asset(ctx.account, region, "aws.rds.db_cluster_snapshot",
                                 doc["DBClusterSnapshotArn"],
                                 doc["DBClusterSnapshotIdentifier"], doc, failures(attrs)))
    return assets


def _parameter_groups(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    kinds = (("describe_db_parameter_groups", "DBParameterGroups", "describe_db_parameters",
              "DBParameterGroupName", False, "aws.rds.db_parameter_group"),
             ("describe_db_cluster_parameter_groups", "DBClusterParameterGroups",
              "describe_db_cluster_parameters", "DBClusterParameterGroupName", True,
              "aws.rds.db_cluster_parameter_group"))
    for list_method, list_key, param_method, name_key, cluster, type_ in kinds:
        for raw in api.pages(list_method, list_key) or []:
            name = raw[name_key]
            # Default groups hold engine defaults only; reading their hundreds of parameters
            # in every region would cost pages of calls for nothing a user configured.
            params = (Fetched(None) if is_default_group(name)
                      else api.fetch_pages(param_method, "Parameters", **{name_key: name}))
            doc = normalize_parameter_group(raw, params.value, cluster=cluster)
            arn_key = "DBClusterParameterGroupArn" if cluster else "DBParameterGroupArn"
            assets.append(make_asset(ctx.account, region, type_, doc[arn_key], name, doc,
                                     failures({"Parameters": params})))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("rds", region)
    assets = []
    for raw in api.pages("describe_db_instances", "DBInstances") or []:
        doc = normalize_instance(raw)
        assets.append(make_asset(ctx.account, region, "aws.rds.db_instance",
                                 doc["DBInstanceArn"], doc["DBInstanceIdentifier"], doc))
    for raw in api.pages("describe_db_clusters", "DBClusters") or []:
        doc = normalize_cluster(raw)
        assets.append(make_asset(ctx.account, region, "aws.rds.db_cluster",
                                 doc["DBClusterArn"], doc["DBClusterIdentifier"], doc))
    assets += _snapshots(ctx, api, region)
    assets += _parameter_groups(ctx, api, region)
    for raw in api.pages("describe_event_subscriptions", "EventSubscriptionsList") or []:
        doc = normalize_event_subscription(raw)
        assets.append(make_asset(ctx.account, region, "aws.rds.event_subscription",
                                 doc["EventSubscriptionArn"], doc["CustSubscriptionId"], doc))
    for raw in api.pages("describe_db_proxies", "DBProxies") or []:
        doc = normalize_proxy(raw)
        assets.append(make_asset(ctx.account, region, "aws.rds.db_proxy", doc["DBProxyArn"],
                                 doc["DBProxyName"], doc))
    return assets
