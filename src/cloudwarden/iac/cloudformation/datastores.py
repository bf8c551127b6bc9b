"""ElastiCache replication groups and cache clusters, Redshift clusters (+ their parameter
group) and OpenSearch (and legacy Elasticsearch) domains.

Defaults are the create calls' documented ones: a replication group runs Redis without at-rest
or in-transit encryption, AUTH, failover, Multi-AZ or backups; a cache cluster without a subnet
group sits in `default`; a Redshift cluster keeps 1 day of snapshots, allows version upgrades,
and its default parameter group leaves `require_ssl` off; an OpenSearch domain has one data
node and no encryption, fine-grained access control or log publishing. A Redshift cluster
without `Encrypted`, and a domain without a TLS policy, are left unresolved: AWS's defaults for
them changed over time. An AUTH token is never read into a document, only whether one is set.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.ec2 import id_text
from cloudwarden.iac.cloudformation.eks_efs import vpc_of_subnets
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import (
    POLICY_STRICT,
    Doc,
    Resource,
    Stack,
    as_bool,
    as_int,
)

__all__ = ["managed_key", "map_cache_cluster", "map_domain", "map_redshift_cluster",
           "map_replication_group"]

_REDSHIFT_PARAMETERS = "AWS::Redshift::ClusterParameterGroup"
_REDSHIFT_DEFAULTS = {"enable_user_activity_logging": "false", "require_ssl": "false",
                      "use_fips_ssl": "false"}
_DEFAULT_REDSHIFT_GROUP = "default.redshift-1.0"


def managed_key(key: Any, encrypted: Any, service: str) -> Any:
    """The key encrypting a resource: the one the template names, else the service's AWS
    managed key (`alias/aws/<service>`) when the resource is encrypted, else None."""
    if key:
        return key
    if encrypted is None or encrypted is False:
        return None
    return encrypted if isinstance(encrypted, Unresolved) else f"alias/aws/{service}"


def _name(doc: Doc, field: str, value: Any) -> None:
    if value is None:
        doc.ref(field)
    else:
        doc.set(field, value, symbolic_ok=True)


def _enabled(value: Any) -> Any:
    flag = as_bool(value)
    return flag if isinstance(flag, Unresolved) else "enabled" if flag else "disabled"


def _engine_version(doc: Doc, value: Any) -> None:
    if value is None:
        doc.open("EngineVersion", "the engine's default version at deploy time")
    else:
        doc.set("EngineVersion", str(value) if isinstance(value, int | float) else value)


def map_replication_group(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    _name(doc, "ReplicationGroupId", p.get("ReplicationGroupId"))
    doc.open("ARN")
    doc.set("Description", p.get("ReplicationGroupDescription"), symbolic_ok=True)
    doc.set("Status", "available")
    engine = p.get("Engine", "redis")
    doc.set("Engine", engine)
    _engine_version(doc, p.get("EngineVersion"))
    doc.set("AtRestEncryptionEnabled", as_bool(p.get("AtRestEncryptionEnabled",
                                                     engine == "valkey")))
    transit = as_bool(p.get("TransitEncryptionEnabled", False))
    doc.set("TransitEncryptionEnabled", transit)
    doc.set("TransitEncryptionMode", p.get("TransitEncryptionMode", "required")
            if transit is True else transit if isinstance(transit, Unresolved) else None)
    token = p.get("AuthToken")
    doc.set("AuthTokenEnabled", token is not None)
    doc.set("UserGroupIds", id_text(list(p.get("UserGroupIds") or [])), symbolic_ok=True)
    doc.set("AutomaticFailover", _enabled(p.get("AutomaticFailoverEnabled", False)))
    doc.set("MultiAZ", _enabled(p.get("MultiAZEnabled", False)))
    doc.set("SnapshotRetentionLimit", as_int(p.get("SnapshotRetentionLimit", 0)))
    doc.set("AutoMinorVersionUpgrade", as_bool(p.get("AutoMinorVersionUpgrade", True)))
    doc.set("KmsKeyId", id_text(p.get("KmsKeyId")), symbolic_ok=True)
    mode = p.get("ClusterMode")
    groups = as_int(p.get("NumNodeGroups", 1))
    group_name = p.get("CacheParameterGroupName")
    doc.set("ClusterEnabled", mode == "enabled" if isinstance(mode, str) else
            True if isinstance(group_name, str) and group_name.endswith("cluster.on")
            else groups if isinstance(groups, Unresolved) else groups > 1)
    doc.open("MemberClusters", "the member cluster ids are generated on deploy")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.elasticache.replication_group", "ReplicationGroupId")


def map_cache_cluster(res: Resource, stack: Stack) -> Asset:
    """A standalone cache cluster (CloudFormation creates group members with the group)."""
    p = res.props
    doc = Doc(res, stack)
    _name(doc, "CacheClusterId", p.get("ClusterName"))
    doc.open("ARN")
    doc.set("CacheClusterStatus", "available")
    doc.set("ReplicationGroupId", None)
    doc.set("Engine", p.get("Engine"))
    _engine_version(doc, p.get("EngineVersion"))
    doc.set("CacheNodeType", p.get("CacheNodeType"))
    doc.set("AtRestEncryptionEnabled", False)  # only replication groups encrypt at rest
    doc.set("TransitEncryptionEnabled", as_bool(p.get("TransitEncryptionEnabled", False)))
    doc.set("AuthTokenEnabled", False)
    doc.set("AutoMinorVersionUpgrade", as_bool(p.get("AutoMinorVersionUpgrade", True)))
    doc.set("SnapshotRetentionLimit", as_int(p.get("SnapshotRetentionLimit", 0)))
    doc.set("CacheSubnetGroupName", id_text(p.get("CacheSubnetGroupName", "default")),
            symbolic_ok=True)
    doc.set("SecurityGroups", id_text(list(p.get("VpcSecurityGroupIds") or [])),
            symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.elasticache.cache_cluster", "ClusterName")


def _parameter_group(group: Any, stack: Stack) -> list[Resource]:
    """The template's parameter group a cluster names: by `Ref` (a lookup), else by its
    literal `ParameterGroupName` (the few groups of the template)."""
    refs = group.refs if isinstance(group, Unresolved) else ()
    if refs:
        found = stack.resources.get(refs[0])
        return [found] if found is not None and found.type == _REDSHIFT_PARAMETERS else []
    return [g for g in stack.of_type(_REDSHIFT_PARAMETERS)
            if stack.refers_to(group, g, "ParameterGroupName")]


def _redshift_parameters(group: Any, stack: Stack) -> Any:
    values = dict(_REDSHIFT_DEFAULTS)
    sources = dict.fromkeys(values, "engine-default")
    if group != _DEFAULT_REDSHIFT_GROUP:
        found = _parameter_group(group, stack)
        if len(found) != 1:
            return Unresolved("the cluster's parameter group is not in the template")
        params = found[0].props.get("Parameters") or []
        if not isinstance(params, list):
            return params
        for param in params:
            if isinstance(param, dict) and param.get("ParameterName") in values:
                value = as_bool(param.get("ParameterValue"))
                values[param["ParameterName"]] = str(value).lower() if isinstance(
                    value, bool) else value
                sources[param["ParameterName"]] = "user"
    return [{"ParameterName": n, "ParameterValue": values[n], "Source": sources[n]}
            for n in sorted(values)]


def map_redshift_cluster(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    _name(doc, "ClusterIdentifier", p.get("ClusterIdentifier"))
    doc.open("ClusterArn")
    doc.set("ClusterStatus", "available")
    doc.set("NodeType", p.get("NodeType"))
    doc.set("MasterUsername", p.get("MasterUsername"))
    doc.set("DBName", p.get("DBName", "dev"))
    doc.set("Endpoint", {"Address": res.ref_text("Endpoint.Address"),
                         "Port": as_int(p.get("Port", 5439))})
    doc.open("VpcId", "the VPC of the cluster's subnet group")
    doc.set("PubliclyAccessible", as_bool(p.get("PubliclyAccessible", False)))
    encrypted = as_bool(p.get("Encrypted"))
    if encrypted is None:
        doc.open("Encrypted", "no Encrypted: AWS encrypts clusters created since January "
                              "2025, older stacks were not")
    else:
        doc.set("Encrypted", encrypted)
    doc.set("KmsKeyId", managed_key(id_text(p.get("KmsKeyId")), encrypted, "redshift"),
            symbolic_ok=True)
    doc.set("AutomatedSnapshotRetentionPeriod",
            as_int(p.get("AutomatedSnapshotRetentionPeriod", 1)))
    doc.set("EnhancedVpcRouting", as_bool(p.get("EnhancedVpcRouting", False)))
    multi_az = as_bool(p.get("MultiAZ", False))
    doc.set("MultiAZ", multi_az if isinstance(multi_az, Unresolved)
            else "Enabled" if multi_az else "Disabled")
    doc.set("AllowVersionUpgrade", as_bool(p.get("AllowVersionUpgrade", True)))
    group = id_text(p.get("ClusterParameterGroupName", _DEFAULT_REDSHIFT_GROUP))
    doc.set("ClusterParameterGroups", [group], symbolic_ok=True)
    doc.set("ClusterParameters", _redshift_parameters(group, stack))
    logging = p.get("LoggingProperties")
    doc.set("LoggingStatus", {"LoggingEnabled": False, "BucketName": None,
                              "LogDestinationType": None, "LogExports": []}
            if logging is None else logging if not isinstance(logging, dict) else {
                "LoggingEnabled": True, "BucketName": id_text(logging.get("BucketName")),
                "LogDestinationType": logging.get("LogDestinationType", "s3"),
                "LogExports": list(logging.get("LogExports") or [])}, symbolic_ok=True)
    doc.after_deploy("ClusterCreateTime")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.redshift.cluster", "ClusterIdentifier")


def _options(raw: Any, *keys: tuple[str, Any]) -> Any:
    if raw is not None and not isinstance(raw, dict):
        return raw
    found = raw or {}
    return {key: as_bool(found.get(key, default)) if isinstance(default, bool)
            else found.get(key, default) for key, default in keys}


def _endpoint_options(raw: Any) -> Any:
    if raw is not None and not isinstance(raw, dict):
        return raw
    if not raw or raw.get("TLSSecurityPolicy") is None:
        return Unresolved("no TLSSecurityPolicy: the domain's TLS policy is AWS's default at "
                          "creation")
    return {"EnforceHTTPS": as_bool(raw.get("EnforceHTTPS", False)),
            "TLSSecurityPolicy": raw["TLSSecurityPolicy"]}


def map_domain(res: Resource, stack: Stack) -> Asset:
    p = res.props
    legacy = res.type == "AWS::Elasticsearch::Domain"
    doc = Doc(res, stack)
    _name(doc, "DomainName", p.get("DomainName"))
    doc.ref("ARN", "Arn")
    version = p.get("ElasticsearchVersion") if legacy else p.get("EngineVersion")
    if version is None:
        doc.open("EngineVersion", "the service's default engine version at deploy time")
    else:
        doc.set("EngineVersion", f"Elasticsearch_{version}" if legacy and isinstance(
            version, str | int | float) else version)
    vpc = p.get("VPCOptions")
    if isinstance(vpc, dict):
        subnets = vpc.get("SubnetIds") or []
        doc.set("VPCOptions", {"VPCId": vpc_of_subnets(subnets, stack),
                               "SubnetIds": id_text(list(subnets)),
                               "SecurityGroupIds": id_text(list(vpc.get("SecurityGroupIds")
                                                                or []))}, symbolic_ok=True)
        doc.set("Endpoint", None)
    else:
        doc.set("VPCOptions", vpc)
        doc.ref("Endpoint", "DomainEndpoint")
    rest = _options(p.get("EncryptionAtRestOptions"), ("Enabled", False), ("KmsKeyId", None))
    if isinstance(rest, dict):
        rest["KmsKeyId"] = managed_key(id_text(rest["KmsKeyId"]), rest["Enabled"], "es")
    doc.set("EncryptionAtRestOptions", rest, symbolic_ok=True, strict=frozenset({"Enabled"}))
    doc.set("NodeToNodeEncryptionOptions",
            _options(p.get("NodeToNodeEncryptionOptions"), ("Enabled", False)))
    doc.set("DomainEndpointOptions", _endpoint_options(p.get("DomainEndpointOptions")))
    doc.set("AdvancedSecurityOptions", _options(
        p.get("AdvancedSecurityOptions"), ("Enabled", False),
        ("InternalUserDatabaseEnabled", False), ("AnonymousAuthEnabled", False)))
    doc.set("AccessPolicies", p.get("AccessPolicies"), symbolic_ok=True, strict=POLICY_STRICT)
    logs = p.get("LogPublishingOptions") or {}
    doc.set("LogPublishingOptions", {str(k): {
        "Enabled": as_bool(o.get("Enabled", True)),
        "CloudWatchLogsLogGroupArn": id_text(o.get("CloudWatchLogsLogGroupArn"))}
        for k, o in logs.items() if isinstance(o, dict)} if isinstance(logs, dict) else logs,
        symbolic_ok=True, strict=frozenset({"Enabled"}))
    cluster = p.get("ElasticsearchClusterConfig" if legacy else "ClusterConfig")
    config = _options(cluster, ("InstanceType", None), ("InstanceCount", 1),
                      ("DedicatedMasterEnabled", False), ("DedicatedMasterCount", None),
                      ("ZoneAwarenessEnabled", False))
    if isinstance(config, dict):
        config["InstanceCount"] = as_int(config["InstanceCount"])
        config["DedicatedMasterCount"] = as_int(config["DedicatedMasterCount"])
    doc.set("ClusterConfig", config)
    doc.open("ServiceSoftwareOptions", "service software updates exist only in the live "
                                       "account")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.opensearch.domain", "DomainName")
