"""ElastiCache replication groups and cache clusters, and OpenSearch (and legacy Elasticsearch)
domains with their access policy.

Defaults are the provider's documented ones: a replication group runs Redis with at-rest
encryption off (on for Valkey), no TLS, no AUTH token, no automatic failover, Multi-AZ or
backups; a standalone cache cluster sits in the `default` subnet group when it names none; an
OpenSearch domain has one data node, no dedicated primary nodes, zone awareness, encryption,
fine-grained access control or log publishing. The AUTH token itself is never read into a
document: only whether one is set.
"""

from __future__ import annotations

import re
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    REF_PREFIX,
    Doc,
    Index,
    as_bool,
    as_int,
    block,
    blocks,
    build_asset,
    literal_str,
    own,
    tags_of,
)
from cloudwarden.iac.terraform.aws_compute import subnets_vpc
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.aws_storage import managed_key
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_cache_cluster", "map_domain", "map_replication_group"]

_GROUP = "aws_elasticache_replication_group"
_DOMAIN_POLICIES = ("aws_opensearch_domain_policy", "aws_elasticsearch_domain_policy")
JOINED: dict[str, str] = {t: "aws.opensearch.domain" for t in _DOMAIN_POLICIES}
_CLUSTER_MODE_GROUP = re.compile(r"cluster\.on$")


def _enabled(value: Any) -> Any:
    flag = as_bool(value, False)
    return flag if isinstance(flag, Unknown) else "enabled" if flag else "disabled"


def _engine_version(doc: Doc, v: dict[str, Any]) -> None:
    if v.get("engine_version") is None:
        doc.open("EngineVersion", "no engine_version: the engine's default at apply time")
    else:
        doc.set("EngineVersion", literal_str(v["engine_version"]) or v["engine_version"])


def _cluster_mode(v: dict[str, Any]) -> Any:
    mode = v.get("cluster_mode")
    if isinstance(mode, str):
        return mode == "enabled"
    group = literal_str(v.get("parameter_group_name"))
    if group and _CLUSTER_MODE_GROUP.search(group):
        return True
    groups = as_int(v.get("num_node_groups"))
    return groups if isinstance(groups, Unknown) else bool(groups and groups > 1)


def map_replication_group(index: Index, group: TfResource) -> list[Asset]:
    doc = Doc()
    v = group.values
    doc.set("ReplicationGroupId", v.get("replication_group_id"))
    doc.set("ARN", own(group, "arn"))
    doc.set("Description", v.get("description") or v.get("replication_group_description"))
    doc.set("Status", "available")
    engine = v.get("engine") or "redis"
    doc.set("Engine", engine)
    _engine_version(doc, v)
    doc.set("AtRestEncryptionEnabled", as_bool(v.get("at_rest_encryption_enabled"),
                                               engine == "valkey"))
    transit = as_bool(v.get("transit_encryption_enabled"), False)
    doc.set("TransitEncryptionEnabled", transit)
    doc.set("TransitEncryptionMode", (v.get("transit_encryption_mode") or "required")
            if transit is True else transit if isinstance(transit, Unknown) else None)
    token = v.get("auth_token")
    doc.set("AuthTokenEnabled", token if isinstance(token, Unknown) else bool(token))
    doc.set("UserGroupIds", index.ident_list(group, v.get("user_group_ids")))
    doc.set("AutomaticFailover", _enabled(v.get("automatic_failover_enabled")))
    doc.set("MultiAZ", _enabled(v.get("multi_az_enabled")))
    doc.set("SnapshotRetentionLimit", as_int(v.get("snapshot_retention_limit"), 0))
    doc.set("AutoMinorVersionUpgrade", as_bool(v.get("auto_minor_version_upgrade"), True))
    doc.set("KmsKeyId", index.ident(group, v.get("kms_key_id")) or None)
    doc.set("ClusterEnabled", _cluster_mode(v))
    doc.open("MemberClusters", "the member cluster ids are generated on apply")
    doc.set("Tags", tags_of(group))
    return [build_asset(index, group, "aws.elasticache.replication_group", doc,
                        name_args=("replication_group_id",))]


def map_cache_cluster(index: Index, cluster: TfResource) -> list[Asset]:
    doc = Doc()
    v = cluster.values
    doc.set("CacheClusterId", v.get("cluster_id"))
    doc.set("ARN", own(cluster, "arn"))
    doc.set("CacheClusterStatus", "available")
    found = index.targets(cluster, "replication_group_id", _GROUP, ("replication_group_id",))
    group = found[0] if len(found) == 1 else None
    doc.set("ReplicationGroupId", index.ident(cluster, v.get("replication_group_id")))
    if v.get("replication_group_id") is not None:
        # a member takes its engine, encryption and backups from its group
        if group is None:
            for field in ("Engine", "EngineVersion", "AtRestEncryptionEnabled",
                          "TransitEncryptionEnabled", "AuthTokenEnabled",
                          "SnapshotRetentionLimit"):
                doc.open(field, "set by a replication group that is not in the code")
        else:
            [parent] = map_replication_group(index, group)
            for field in ("Engine", "EngineVersion", "AtRestEncryptionEnabled",
                          "TransitEncryptionEnabled", "AuthTokenEnabled",
                          "SnapshotRetentionLimit"):
                if field in parent.unknown:
                    doc.open(field, parent.unknown[field])
                else:
                    doc.set(field, parent.properties[field])
    else:
        doc.set("Engine", v.get("engine"))
        _engine_version(doc, v)
        doc.set("AtRestEncryptionEnabled", False)  # only replication groups encrypt at rest
        doc.set("TransitEncryptionEnabled", as_bool(v.get("transit_encryption_enabled"),
                                                    False))
        doc.set("AuthTokenEnabled", False)
        doc.set("SnapshotRetentionLimit", as_int(v.get("snapshot_retention_limit"), 0))
    doc.set("CacheNodeType", v.get("node_type") or (
        group.values.get("node_type") if group else None))
    doc.set("AutoMinorVersionUpgrade", as_bool(v.get("auto_minor_version_upgrade"), True))
    subnet_group = v.get("subnet_group_name") or (
        group.values.get("subnet_group_name") if group else None)
    doc.set("CacheSubnetGroupName", index.ident(cluster, subnet_group) or "default")
    doc.set("SecurityGroups", index.ident_list(cluster, v.get("security_group_ids")))
    doc.set("Tags", tags_of(cluster))
    return [build_asset(index, cluster, "aws.elasticache.cache_cluster", doc,
                        name_args=("cluster_id",))]


def _flag_block(raw: Any, *keys: tuple[str, str, Any]) -> Any:
    """A nested options block as {Field: value}, each from its argument or its default."""
    found = block(raw)
    if isinstance(found, Unknown):
        return found
    found = found or {}
    return {field: as_bool(found.get(arg), default) if isinstance(default, bool)
            else found.get(arg) for field, arg, default in keys}


def _vpc_options(index: Index, domain: TfResource) -> Any:
    vpc = block(domain.values.get("vpc_options"))
    if not isinstance(vpc, dict):
        return vpc  # None (a public domain) or Unknown
    subnets = index.ident_list(domain, vpc.get("subnet_ids"))
    return {"VPCId": subnets_vpc(index, subnets) or f"{REF_PREFIX}{domain.address}#vpc",
            "SubnetIds": subnets,
            "SecurityGroupIds": index.ident_list(domain, vpc.get("security_group_ids"))}


def _log_options(domain: TfResource, index: Index) -> Any:
    options = blocks(domain.values.get("log_publishing_options"))
    if isinstance(options, Unknown):
        return options
    return {str(o.get("log_type")): {
        "Enabled": as_bool(o.get("enabled"), True),
        "CloudWatchLogsLogGroupArn": index.ident(domain, o.get("cloudwatch_log_group_arn"))}
        for o in options}


def _endpoint_options(domain: TfResource) -> Any:
    options = block(domain.values.get("domain_endpoint_options"))
    if isinstance(options, Unknown):
        return options
    if not options or options.get("tls_security_policy") is None:
        return Unknown("no tls_security_policy: the domain's TLS policy is AWS's default at "
                       "creation")
    return {"EnforceHTTPS": as_bool(options.get("enforce_https"), True),
            "TLSSecurityPolicy": options["tls_security_policy"]}


def map_domain(index: Index, domain: TfResource) -> list[Asset]:
    doc = Doc()
    v = domain.values
    doc.set("DomainName", v.get("domain_name"))
    doc.set("ARN", own(domain, "arn"))
    if domain.type == "aws_elasticsearch_domain":
        doc.set("EngineVersion", "Elasticsearch_" + str(v.get("elasticsearch_version") or "1.5")
                if not isinstance(v.get("elasticsearch_version"), Unknown)
                else v["elasticsearch_version"])
    elif v.get("engine_version") is None:
        doc.open("EngineVersion", "no engine_version: OpenSearch's default at apply time")
    else:
        doc.set("EngineVersion", v["engine_version"])
    vpc = _vpc_options(index, domain)
    doc.set("VPCOptions", vpc)
    doc.set("Endpoint", None if vpc is not None else own(domain, "endpoint"))
    rest = block(v.get("encrypt_at_rest"))
    enabled = rest if isinstance(rest, Unknown) else as_bool((rest or {}).get("enabled"), False)
    doc.set("EncryptionAtRestOptions", rest if isinstance(rest, Unknown) else {
        "Enabled": enabled, "KmsKeyId": managed_key(
            index.ident(domain, (rest or {}).get("kms_key_id")), enabled, "es")})
    doc.set("NodeToNodeEncryptionOptions", _flag_block(
        v.get("node_to_node_encryption"), ("Enabled", "enabled", False)))
    doc.set("DomainEndpointOptions", _endpoint_options(domain))
    doc.set("AdvancedSecurityOptions", _flag_block(
        v.get("advanced_security_options"), ("Enabled", "enabled", False),
        ("InternalUserDatabaseEnabled", "internal_user_database_enabled", False),
        ("AnonymousAuthEnabled", "anonymous_auth_enabled", False)))
    policies = [p for t in _DOMAIN_POLICIES
                for p in index.children_of(domain, t, "domain_name", ("domain_name",))]
    owner, policy = (policies[-1], policies[-1].values.get("access_policies")) if policies \
        else (domain, v.get("access_policies"))
    doc.set("AccessPolicies", None if policy is None else policy_document(index, owner, policy))
    doc.set("LogPublishingOptions", _log_options(domain, index))
    cluster = block(v.get("cluster_config") or v.get("elasticsearch_cluster_config"))
    doc.set("ClusterConfig", cluster if isinstance(cluster, Unknown) else {
        "InstanceType": (cluster or {}).get("instance_type"),
        "InstanceCount": as_int((cluster or {}).get("instance_count"), 1),
        "DedicatedMasterEnabled": as_bool((cluster or {}).get("dedicated_master_enabled"),
                                          False),
        "DedicatedMasterCount": as_int((cluster or {}).get("dedicated_master_count")),
        "ZoneAwarenessEnabled": as_bool((cluster or {}).get("zone_awareness_enabled"), False)})
    doc.open("ServiceSoftwareOptions", "service software updates exist only in the live "
                                       "account")
    doc.set("Tags", tags_of(domain))
    return [build_asset(index, domain, "aws.opensearch.domain", doc,
                        name_args=("domain_name",))]
