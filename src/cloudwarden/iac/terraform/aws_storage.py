"""EFS file systems (with their backup policy, file system policy and mount targets) and access
points, and Redshift provisioned clusters (with their parameter group and audit logging).

Defaults are the provider's and the create calls' documented ones: an EFS file system is
unencrypted, `generalPurpose`, `bursting`, without automatic backups; a Redshift cluster keeps
1 day of snapshots, allows version upgrades, has no enhanced VPC routing and no audit logging,
and its default parameter group leaves `require_ssl` off. A Redshift cluster without `encrypted`
is left unresolved: the default changed with the provider version and AWS's 2025 change.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_bool,
    as_int,
    block,
    blocks,
    build_asset,
    literal_str,
    own,
    str_list,
    tags_of,
)
from cloudwarden.iac.terraform.aws_elb import subnet_of
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "managed_key", "map_access_point", "map_file_system",
           "map_redshift_cluster"]

_BACKUP = "aws_efs_backup_policy"
_FS_POLICY = "aws_efs_file_system_policy"
_MOUNT_TARGET = "aws_efs_mount_target"
_REDSHIFT_LOGGING = "aws_redshift_logging"
_REDSHIFT_PARAMETERS = "aws_redshift_parameter_group"
JOINED: dict[str, str] = {_BACKUP: "aws.efs.file_system", _FS_POLICY: "aws.efs.file_system",
                          _MOUNT_TARGET: "aws.efs.file_system",
                          _REDSHIFT_LOGGING: "aws.redshift.cluster",
                          _REDSHIFT_PARAMETERS: "aws.redshift.cluster"}
_FS_ARGS = ("id",)
#: Redshift parameters the canonical document keeps, with the engine's defaults
_REDSHIFT_DEFAULTS = {"enable_user_activity_logging": "false", "require_ssl": "false",
                      "use_fips_ssl": "false"}
_DEFAULT_REDSHIFT_GROUP = "default.redshift-1.0"


def managed_key(key: Any, encrypted: Any, service: str) -> Any:
    """The key encrypting a resource: the one the code names, else the service's AWS managed
    key (`alias/aws/<service>`) when the resource is encrypted, else None; Unknown when it is
    not known whether it is encrypted."""
    if key:
        return key
    if encrypted is None or encrypted is False:
        return None
    return encrypted if isinstance(encrypted, Unknown) else f"alias/aws/{service}"


def _name_tag(res: TfResource) -> Any:
    tags = tags_of(res)
    return tags if isinstance(tags, Unknown) else tags.get("Name")


def _mount_target(index: Index, target: TfResource) -> dict[str, Any]:
    subnet_id = index.ident(target, target.values.get("subnet_id"))
    subnet = subnet_of(index, subnet_id)
    zone = literal_str(subnet.values.get("availability_zone")) if subnet else None
    return {"MountTargetId": own(target), "SubnetId": subnet_id,
            "AvailabilityZoneName": zone,
            "IpAddress": literal_str(target.values.get("ip_address"))}


def map_file_system(index: Index, fs: TfResource) -> list[Asset]:
    doc = Doc()
    v = fs.values
    doc.set("FileSystemId", own(fs))
    doc.set("FileSystemArn", own(fs, "arn"))
    doc.set("Name", _name_tag(fs))
    doc.set("LifeCycleState", "available")
    encrypted = as_bool(v.get("encrypted"), False)
    doc.set("Encrypted", encrypted)
    doc.set("KmsKeyId", managed_key(index.ident(fs, v.get("kms_key_id")), encrypted,
                                    "elasticfilesystem"))
    doc.set("PerformanceMode", v.get("performance_mode") or "generalPurpose")
    doc.set("ThroughputMode", v.get("throughput_mode") or "bursting")
    backups = index.children_of(fs, _BACKUP, "file_system_id", _FS_ARGS)
    policy = block(backups[-1].values.get("backup_policy")) if backups else None
    doc.set("BackupPolicy", policy if isinstance(policy, Unknown) else
            {"Status": (policy or {}).get("status") or "DISABLED"})
    policies = index.children_of(fs, _FS_POLICY, "file_system_id", _FS_ARGS)
    doc.set("FileSystemPolicy", policy_document(index, policies[-1], policies[-1].values.get(
        "policy")) if policies else None)
    doc.set("MountTargets", [_mount_target(index, t) for t in index.children_of(
        fs, _MOUNT_TARGET, "file_system_id", _FS_ARGS)])
    doc.after_apply("CreationTime")
    doc.set("Tags", tags_of(fs))
    return [build_asset(index, fs, "aws.efs.file_system", doc, name_args=("creation_token",))]


def map_access_point(index: Index, point: TfResource) -> list[Asset]:
    doc = Doc()
    v = point.values
    doc.set("AccessPointId", own(point))
    doc.set("AccessPointArn", own(point, "arn"))
    doc.set("FileSystemId", index.ident(point, v.get("file_system_id")))
    doc.set("Name", _name_tag(point))
    doc.set("LifeCycleState", "available")
    user = block(v.get("posix_user"))
    doc.set("PosixUser", user if isinstance(user, Unknown) else None if not user else {
        "Uid": as_int(user.get("uid")), "Gid": as_int(user.get("gid")),
        "SecondaryGids": [as_int(g) for g in str_list(user.get("secondary_gids"))]})
    root = block(v.get("root_directory"))
    doc.set("RootDirectory", root if isinstance(root, Unknown) else None if not root else {
        "Path": root.get("path") or "/"})
    doc.set("Tags", tags_of(point))
    return [build_asset(index, point, "aws.efs.access_point", doc)]


def _redshift_parameters(index: Index, cluster: TfResource, group: Any) -> Any:
    """The kept parameters of the cluster's parameter group: the engine's defaults for the
    default group, the group's own values over them for a group of this code."""
    values = dict(_REDSHIFT_DEFAULTS)
    sources = dict.fromkeys(values, "engine-default")
    if group != _DEFAULT_REDSHIFT_GROUP:
        found = index.targets(cluster, "cluster_parameter_group_name", _REDSHIFT_PARAMETERS,
                              ("name",))
        if len(found) != 1:
            return Unknown(f"the parameter group {group} is not in the code")
        params = blocks(found[0].values.get("parameter"))
        if isinstance(params, Unknown):
            return params
        for param in params:
            name = param.get("name")
            if name in values:
                values[name] = str(param.get("value")).lower() \
                    if isinstance(param.get("value"), bool) else param.get("value")
                sources[name] = "user"
    return [{"ParameterName": name, "ParameterValue": values[name], "Source": sources[name]}
            for name in sorted(values)]


def _redshift_logging(index: Index, cluster: TfResource) -> Any:
    separate = index.children_of(cluster, _REDSHIFT_LOGGING, "cluster_identifier",
                                 ("cluster_identifier",))
    if separate:
        v = separate[-1].values
        destination = v.get("log_destination_type") or "s3"
        return {"LoggingEnabled": True, "BucketName": index.ident(separate[-1], v.get(
            "bucket_name")) or None, "LogDestinationType": destination,
            "LogExports": str_list(v.get("log_exports"))}
    inline = block(cluster.values.get("logging"))
    if isinstance(inline, Unknown):
        return inline
    inline = inline or {}
    enabled = as_bool(inline.get("enable"), False)
    if enabled is not True:
        return enabled if isinstance(enabled, Unknown) else {
            "LoggingEnabled": False, "BucketName": None, "LogDestinationType": None,
            "LogExports": []}
    return {"LoggingEnabled": True,
            "BucketName": index.ident(cluster, inline.get("bucket_name")) or None,
            "LogDestinationType": inline.get("log_destination_type") or "s3",
            "LogExports": str_list(inline.get("log_exports"))}


def map_redshift_cluster(index: Index, cluster: TfResource) -> list[Asset]:
    doc = Doc()
    v = cluster.values
    doc.set("ClusterIdentifier", v.get("cluster_identifier"))
    doc.set("ClusterArn", own(cluster, "arn"))
    doc.set("ClusterStatus", "available")
    doc.set("NodeType", v.get("node_type"))
    doc.set("MasterUsername", v.get("master_username"))
    doc.set("DBName", v.get("database_name") or "dev")
    doc.set("Endpoint", {"Address": own(cluster, "dns_name"),
                         "Port": as_int(v.get("port"), 5439)})
    doc.open("VpcId", "the VPC of the cluster's subnet group is known only after apply")
    doc.set("PubliclyAccessible", as_bool(v.get("publicly_accessible"), False))
    encrypted = as_bool(v.get("encrypted"))
    if encrypted is None:
        doc.open("Encrypted", "no `encrypted`: the default depends on the provider version "
                              "(AWS encrypts clusters created since January 2025)")
    else:
        doc.set("Encrypted", encrypted)
    doc.set("KmsKeyId", managed_key(index.ident(cluster, v.get("kms_key_id")), encrypted,
                                    "redshift"))
    doc.set("AutomatedSnapshotRetentionPeriod",
            as_int(v.get("automated_snapshot_retention_period"), 1))
    doc.set("EnhancedVpcRouting", as_bool(v.get("enhanced_vpc_routing"), False))
    multi_az = as_bool(v.get("multi_az"), False)
    doc.set("MultiAZ", multi_az if isinstance(multi_az, Unknown)
            else "Enabled" if multi_az else "Disabled")
    doc.set("AllowVersionUpgrade", as_bool(v.get("allow_version_upgrade"), True))
    group = index.ident(cluster, v.get("cluster_parameter_group_name")) or \
        _DEFAULT_REDSHIFT_GROUP
    doc.set("ClusterParameterGroups", [group])
    doc.set("ClusterParameters", _redshift_parameters(index, cluster, group))
    doc.set("LoggingStatus", _redshift_logging(index, cluster))
    doc.after_apply("ClusterCreateTime")
    doc.set("Tags", tags_of(cluster))
    return [build_asset(index, cluster, "aws.redshift.cluster", doc,
                        name_args=("cluster_identifier",))]
