"""ElastiCache in one region: replication groups (Redis OSS / Valkey) and cache clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, tag_dict
from cloudwarden.core.model import Asset


def normalize_replication_group(raw: Mapping[str, Any], *, engine_version: str | None,
                                tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "ReplicationGroupId": raw["ReplicationGroupId"],
        "ARN": raw["ARN"],
        "Description": raw.get("Description"),
        "Status": raw.get("Status"),
        "Engine": raw.get("Engine"),
        "EngineVersion": engine_version,
        "AtRestEncryptionEnabled": raw.get("AtRestEncryptionEnabled"),
        "TransitEncryptionEnabled": raw.get("TransitEncryptionEnabled"),
        "TransitEncryptionMode": raw.get("TransitEncryptionMode"),
        "AuthTokenEnabled": raw.get("AuthTokenEnabled"),
        "UserGroupIds": list(raw.get("UserGroupIds") or []),
        "AutomaticFailover": raw.get("AutomaticFailover"),
        "MultiAZ": raw.get("MultiAZ"),
        "SnapshotRetentionLimit": raw.get("SnapshotRetentionLimit"),
        "AutoMinorVersionUpgrade": raw.get("AutoMinorVersionUpgrade"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "ClusterEnabled": raw.get("ClusterEnabled"),
        "MemberClusters": list(raw.get("MemberClusters") or []),
        "Tags": None if tags is None else tag_dict(tags),
    }


def normalize_cache_cluster(raw: Mapping[str, Any], *,
                            tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "CacheClusterId": raw["CacheClusterId"],
        "ARN": raw["ARN"],
        "CacheClusterStatus": raw.get("CacheClusterStatus"),
        "Engine": raw.get("Engine"),
        "EngineVersion": raw.get("EngineVersion"),
        "CacheNodeType": raw.get("CacheNodeType"),
        "ReplicationGroupId": raw.get("ReplicationGroupId"),
        "AtRestEncryptionEnabled": raw.get("AtRestEncryptionEnabled"),
        "TransitEncryptionEnabled": raw.get("TransitEncryptionEnabled"),
        "AuthTokenEnabled": raw.get("AuthTokenEnabled"),
        "AutoMinorVersionUpgrade": raw.get("AutoMinorVersionUpgrade"),
        "SnapshotRetentionLimit": raw.get("SnapshotRetentionLimit"),
        "CacheSubnetGroupName": raw.get("CacheSubnetGroupName"),
        "SecurityGroups": [g.get("SecurityGroupId") for g in raw.get("SecurityGroups") or []],
        "Tags": None if tags is None else tag_dict(tags),
    }


def _tags(api: Api, arn: str) -> Fetched[list[Any]]:
    return api.fetch_pages("list_tags_for_resource", "TagList", ResourceName=arn)


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("elasticache", region)
    assets = []
    clusters = api.pages("describe_cache_clusters", "CacheClusters") or []
    versions = {c["CacheClusterId"]: c.get("EngineVersion") for c in clusters}
    for raw in clusters:
        fetched = {"Tags": _tags(api, raw["ARN"])}
        doc = normalize_cache_cluster(raw, tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.elasticache.cache_cluster",
                                 raw["ARN"], raw["CacheClusterId"], doc, failures(fetched)))
    for raw in api.pages("describe_replication_groups", "ReplicationGroups") or []:
        members = raw.get("MemberClusters") or []
        version = next((versions[m] for m in members if versions.get(m)), None)
        fetched = {"Tags": _tags(api, raw["ARN"])}
        doc = normalize_replication_group(raw, engine_version=version,
                                          tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.elasticache.replication_group",
                                 raw["ARN"], raw["ReplicationGroupId"], doc, failures(fetched)))
    return assets
