"""Canonical document shapes of AWS data asset types, declared once (see `aws.py` for the
conventions: AWS API field names, ISO-8601 UTC timestamps, parsed policies, null when absent).

Databases, caches, search domains, file systems and backups: RDS, DynamoDB, Redshift,
ElastiCache, OpenSearch, EFS and AWS Backup.
"""

from __future__ import annotations

from cloudwarden.assets.aws_data_ext import ALL as _MORE
from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")
_LOG_EXPORTS = F("list[str]", "log types exported to CloudWatch Logs (e.g. audit, error, "
                 "general, slowquery, postgresql, upgrade); empty when none")


def _sub(prefix: str, fields: dict[str, F]) -> dict[str, F]:
    return {prefix + name: spec for name, spec in fields.items()}


#: The security-relevant parameters kept from a parameter group (not all ~400 of them).
_PARAMETERS = {
    "Parameters": F("list", "the security-relevant parameters explicitly present in the group "
                    "[{ParameterName, ParameterValue, Source}] (rds.force_ssl, "
                    "require_secure_transport, log_* ...); null for default groups, whose "
                    "parameters are not read"),
    "Parameters[].ParameterName": F("str", "e.g. rds.force_ssl, require_secure_transport"),
    "Parameters[].ParameterValue": F("str", "value as text (1, ON, true...), null when unset"),
    "Parameters[].Source": F("str", "user, engine-default or system"),
}

RDS_DB_INSTANCE = AssetType(
    name="aws.rds.db_instance",
    provider="aws",
    title="RDS DB instance",
    id_field="DBInstanceArn",
    fields={
        "DBInstanceIdentifier": F("str", "instance identifier", nullable=False),
        "DBInstanceArn": F("str", "ARN", nullable=False),
        "DBInstanceClass": F("str", "e.g. db.t3.micro"),
        "DBInstanceStatus": F("str", "available, stopped, ..."),
        "Engine": F("str", "mysql, postgres, aurora-mysql, sqlserver-ee, ..."),
        "EngineVersion": F("str", "engine version"),
        "DBClusterIdentifier": F("str", "cluster the instance belongs to, null when none"),
        "MasterUsername": F("str", "master (admin) user name"),
        "Endpoint": F("dict", "{Address, Port}, null while creating"),
        "Endpoint.Address": F("str", "DNS name"),
        "Endpoint.Port": F("int", "listening port"),
        "DbInstancePort": F("int", "port of the instance (0 for cluster members)"),
        "PubliclyAccessible": F("bool", "the endpoint resolves to a public IP"),
        "StorageEncrypted": F("bool", "storage encrypted at rest"),
        "KmsKeyId": F("str", "KMS key ARN of the storage encryption"),
        "BackupRetentionPeriod": F("int", "days automated backups are kept, 0 = disabled"),
        "MultiAZ": F("bool", "a standby in another Availability Zone"),
        "DeletionProtection": F("bool", "the instance cannot be deleted"),
        "AutoMinorVersionUpgrade": F("bool", "minor engine upgrades applied automatically"),
        "IAMDatabaseAuthenticationEnabled": F("bool", "IAM database authentication on"),
        "EnabledCloudwatchLogsExports": _LOG_EXPORTS,
        "MonitoringInterval": F("int", "enhanced monitoring seconds, 0 = off"),
        "PerformanceInsightsEnabled": F("bool", "Performance Insights on"),
        "CopyTagsToSnapshot": F("bool", "tags copied to snapshots"),
        "CACertificateIdentifier": F("str", "server certificate CA, e.g. rds-ca-rsa2048-g1"),
        "DBParameterGroups": F("list", "[{DBParameterGroupName, ParameterApplyStatus}]"),
        "DBParameterGroups[].DBParameterGroupName": F("str", "parameter group name"),
        "DBParameterGroups[].ParameterApplyStatus": F("str", "in-sync, pending-reboot, ..."),
        "VpcSecurityGroups": F("list[str]", "VPC security group ids"),
        "DBSubnetGroupName": F("str", "subnet group name"),
        "VpcId": F("str", "VPC of the instance's DB subnet group; null when the instance is not "
                   "in a VPC (EC2-Classic)"),
        "InstanceCreateTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

RDS_DB_CLUSTER = AssetType(
    name="aws.rds.db_cluster",
    provider="aws",
    title="RDS DB cluster (Aurora or Multi-AZ cluster)",
    id_field="DBClusterArn",
    fields={
        "DBClusterIdentifier": F("str", "cluster identifier", nullable=False),
        "DBClusterArn": F("str", "ARN", nullable=False),
        "Status": F("str", "available, stopped, ..."),
        "Engine": F("str", "aurora-mysql, aurora-postgresql, mysql, postgres"),
        "EngineVersion": F("str", "engine version"),
        "EngineMode": F("str", "provisioned, serverless, ..."),
        "MasterUsername": F("str", "master (admin) user name"),
        "Port": F("int", "listening port"),
        "PubliclyAccessible": F("bool", "Multi-AZ DB clusters only; null for Aurora"),
        "StorageEncrypted": F("bool", "storage encrypted at rest"),
        "KmsKeyId": F("str", "KMS key ARN of the storage encryption"),
        "BackupRetentionPeriod": F("int", "days automated backups are kept"),
        "MultiAZ": F("bool", "members in more than one Availability Zone"),
        "AvailabilityZones": F("list[str]", "Availability Zones of the cluster's storage"),
        "DeletionProtection": F("bool", "the cluster cannot be deleted"),
        "AutoMinorVersionUpgrade": F("bool", "minor upgrades applied automatically (Multi-AZ "
                                     "DB clusters; null for Aurora)"),
        "IAMDatabaseAuthenticationEnabled": F("bool", "IAM database authentication on"),
        "EnabledCloudwatchLogsExports": _LOG_EXPORTS,
        "CopyTagsToSnapshot": F("bool", "tags copied to snapshots"),
        "DBClusterParameterGroup": F("str", "cluster parameter group name"),
        "BacktrackWindow": F("int", "target backtrack window in seconds (Aurora MySQL); 0 or null "
                             "when backtracking is off"),
        "DBClusterMembers": F("list", "[{DBInstanceIdentifier, IsClusterWriter}]"),
        "DBClusterMembers[].DBInstanceIdentifier": F("str", "member instance"),
        "DBClusterMembers[].IsClusterWriter": F("bool", "the writer instance"),
        "ClusterCreateTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

_RESTORE = ("list", "DescribeDB(Cluster)SnapshotAttributes result [{AttributeName: restore, "
            "AttributeValues: [account ids | all]}]; 'all' in AttributeValues = public; empty "
            "for automated snapshots (they cannot be shared)")

RDS_DB_SNAPSHOT = AssetType(
    name="aws.rds.db_snapshot",
    provider="aws",
    title="RDS DB snapshot",
    id_field="DBSnapshotArn",
    fields={
        "DBSnapshotIdentifier": F("str", "snapshot identifier", nullable=False),
        "DBSnapshotArn": F("str", "ARN", nullable=False),
        "DBInstanceIdentifier": F("str", "source instance"),
        "SnapshotType": F("str", "manual, automated, shared, ..."),
        "Engine": F("str", "engine"),
        "Status": F("str", "available, creating, ..."),
        "Encrypted": F("bool", "encrypted at rest"),
        "KmsKeyId": F("str", "KMS key ARN"),
        "SnapshotCreateTime": F("datetime", "taken at"),
        "DBSnapshotAttributes": F(*_RESTORE),
        "DBSnapshotAttributes[].AttributeName": F("str", "restore"),
        "DBSnapshotAttributes[].AttributeValues": F("list[str]", "account ids, or all"),
        "Tags": _TAGS,
    },
)

RDS_DB_CLUSTER_SNAPSHOT = AssetType(
    name="aws.rds.db_cluster_snapshot",
    provider="aws",
    title="RDS DB cluster snapshot",
    id_field="DBClusterSnapshotArn",
    fields={
        "DBClusterSnapshotIdentifier": F("str", "snapshot identifier", nullable=False),
        "DBClusterSnapshotArn": F("str", "ARN", nullable=False),
        "DBClusterIdentifier": F("str", "source cluster"),
        "SnapshotType": F("str", "manual, automated, ..."),
        "Engine": F("str", "engine"),
        "Status": F("str", "available, creating, ..."),
        "StorageEncrypted": F("bool", "encrypted at rest"),
        "KmsKeyId": F("str", "KMS key ARN"),
        "SnapshotCreateTime": F("datetime", "taken at"),
        "DBClusterSnapshotAttributes": F(*_RESTORE),
        "DBClusterSnapshotAttributes[].AttributeName": F("str", "restore"),
        "DBClusterSnapshotAttributes[].AttributeValues": F("list[str]", "account ids, or all"),
        "Tags": _TAGS,
    },
)

RDS_DB_PARAMETER_GROUP = AssetType(
    name="aws.rds.db_parameter_group",
    provider="aws",
    title="RDS DB parameter group",
    id_field="DBParameterGroupArn",
    fields={
        "DBParameterGroupName": F("str", "name", nullable=False),
        "DBParameterGroupArn": F("str", "ARN", nullable=False),
        "DBParameterGroupFamily": F("str", "e.g. postgres16, mysql8.0"),
        "Description": F("str", "description"),
        "IsDefault": F("bool", "an RDS default group (name starts with default.)"),
        **_PARAMETERS,
    },
)

RDS_DB_CLUSTER_PARAMETER_GROUP = AssetType(
    name="aws.rds.db_cluster_parameter_group",
    provider="aws",
    title="RDS DB cluster parameter group",
    id_field="DBClusterParameterGroupArn",
    fields={
        "DBClusterParameterGroupName": F("str", "name", nullable=False),
        "DBClusterParameterGroupArn": F("str", "ARN", nullable=False),
        "DBParameterGroupFamily": F("str", "e.g. aurora-postgresql16, aurora-mysql8.0"),
        "Description": F("str", "description"),
        "IsDefault": F("bool", "an RDS default group (name starts with default.)"),
        **_PARAMETERS,
    },
)

DYNAMODB_TABLE = AssetType(
    name="aws.dynamodb.table",
    provider="aws",
    title="DynamoDB table",
    id_field="TableArn",
    fields={
        "TableName": F("str", "table name", nullable=False),
        "TableArn": F("str", "ARN", nullable=False),
        "TableStatus": F("str", "ACTIVE, ..."),
        "BillingMode": F("str", "PROVISIONED or PAY_PER_REQUEST"),
        "SSEDescription": F("dict", "{Status, SSEType KMS, KMSMasterKeyArn}; null when the "
                            "table uses the default AWS owned key"),
        "SSEDescription.Status": F("str", "ENABLED, UPDATING, ..."),
        "SSEDescription.SSEType": F("str", "KMS"),
        "SSEDescription.KMSMasterKeyArn": F("str", "KMS key ARN (AWS managed aws/dynamodb or a "
                                            "customer managed key)"),
        "DeletionProtectionEnabled": F("bool", "the table cannot be deleted"),
        "AutoScalingDimensions": F("list[str]", "dimensions of the table with an Application "
                                   "Auto Scaling target (dynamodb:table:ReadCapacityUnits, "
                                   "dynamodb:table:WriteCapacityUnits); empty when none"),
        "ContinuousBackupsStatus": F("str", "ENABLED or DISABLED"),
        "PointInTimeRecoveryDescription": F("dict", "{PointInTimeRecoveryStatus, "
                                            "EarliestRestorableDateTime}"),
        "PointInTimeRecoveryDescription.PointInTimeRecoveryStatus": F("str", "ENABLED or "
                                                                      "DISABLED"),
        "PointInTimeRecoveryDescription.EarliestRestorableDateTime": F("datetime", "earliest "
                                                                       "restorable time"),
        "CreationDateTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

REDSHIFT_CLUSTER = AssetType(
    name="aws.redshift.cluster",
    provider="aws",
    title="Redshift provisioned cluster",
    id_field="ClusterArn",
    fields={
        "ClusterIdentifier": F("str", "cluster identifier", nullable=False),
        "ClusterArn": F("str", "arn:aws:redshift:region:account:cluster:id", nullable=False),
        "ClusterStatus": F("str", "available, paused, ..."),
        "NodeType": F("str", "node type"),
        "MasterUsername": F("str", "admin user name"),
        "DBName": F("str", "initial database name"),
        "Endpoint": F("dict", "{Address, Port}"),
        "Endpoint.Address": F("str", "DNS name"),
        "Endpoint.Port": F("int", "port"),
        "VpcId": F("str", "VPC id"),
        "PubliclyAccessible": F("bool", "reachable from the internet"),
        "Encrypted": F("bool", "encrypted at rest"),
        "KmsKeyId": F("str", "KMS key ARN, null when not encrypted with KMS"),
        "AutomatedSnapshotRetentionPeriod": F("int", "days automated snapshots are kept"),
        "EnhancedVpcRouting": F("bool", "COPY/UNLOAD traffic forced through the VPC"),
        "MultiAZ": F("str", "Enabled or Disabled: compute in a second Availability Zone (RA3); "
                     "null when the API does not report it"),
        "AllowVersionUpgrade": F("bool", "major version upgrades applied in maintenance"),
        "ClusterParameterGroups": F("list[str]", "parameter group names"),
        "LoggingStatus": F("dict", "DescribeLoggingStatus {LoggingEnabled, BucketName, "
                           "LogDestinationType, LogExports}"),
        "LoggingStatus.LoggingEnabled": F("bool", "audit logging on"),
        "LoggingStatus.BucketName": F("str", "S3 bucket of the logs"),
        "LoggingStatus.LogDestinationType": F("str", "s3 or cloudwatch"),
        "LoggingStatus.LogExports": F("list[str]", "connectionlog, userlog, useractivitylog"),
        "ClusterParameters": F("list", "security-relevant parameters of the cluster's first "
                               "parameter group [{ParameterName, ParameterValue, Source}] "
                               "(require_ssl, enable_user_activity_logging)"),
        "ClusterParameters[].ParameterName": F("str", "require_ssl, ..."),
        "ClusterParameters[].ParameterValue": F("str", "true / false as text"),
        "ClusterParameters[].Source": F("str", "user or engine-default"),
        "ClusterCreateTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

ELASTICACHE_REPLICATION_GROUP = AssetType(
    name="aws.elasticache.replication_group",
    provider="aws",
    title="ElastiCache replication group (Redis OSS / Valkey)",
    id_field="ARN",
    fields={
        "ReplicationGroupId": F("str", "group id", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "Description": F("str", "description"),
        "Status": F("str", "available, ..."),
        "Engine": F("str", "redis or valkey"),
        "EngineVersion": F("str", "engine version of the member clusters"),
        "AtRestEncryptionEnabled": F("bool", "data encrypted at rest"),
        "TransitEncryptionEnabled": F("bool", "TLS between clients and nodes"),
        "TransitEncryptionMode": F("str", "preferred or required"),
        "AuthTokenEnabled": F("bool", "Redis AUTH token required"),
        "UserGroupIds": F("list[str]", "RBAC user groups"),
        "AutomaticFailover": F("str", "enabled, disabled, enabling, disabling"),
        "MultiAZ": F("str", "enabled or disabled"),
        "SnapshotRetentionLimit": F("int", "days automatic backups are kept, 0 = off"),
        "AutoMinorVersionUpgrade": F("bool", "minor upgrades applied automatically"),
        "KmsKeyId": F("str", "KMS key of the at-rest encryption"),
        "ClusterEnabled": F("bool", "cluster mode on"),
        "MemberClusters": F("list[str]", "member cache cluster ids"),
        "Tags": _TAGS,
    },
)

ELASTICACHE_CACHE_CLUSTER = AssetType(
    name="aws.elasticache.cache_cluster",
    provider="aws",
    title="ElastiCache cache cluster (node group member or standalone)",
    id_field="ARN",
    fields={
        "CacheClusterId": F("str", "cluster id", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "CacheClusterStatus": F("str", "available, ..."),
        "Engine": F("str", "redis, valkey or memcached"),
        "EngineVersion": F("str", "engine version"),
        "CacheNodeType": F("str", "node type"),
        "ReplicationGroupId": F("str", "replication group, null for a standalone cluster"),
        "AtRestEncryptionEnabled": F("bool", "data encrypted at rest"),
        "TransitEncryptionEnabled": F("bool", "TLS in transit"),
        "AuthTokenEnabled": F("bool", "Redis AUTH token required"),
        "AutoMinorVersionUpgrade": F("bool", "minor upgrades applied automatically"),
        "SnapshotRetentionLimit": F("int", "days automatic backups are kept, 0 = off"),
        "CacheSubnetGroupName": F("str", "subnet group; 'default' is the default VPC's one"),
        "SecurityGroups": F("list[str]", "VPC security group ids"),
        "Tags": _TAGS,
    },
)

_LOG_OPTION = {
    "Enabled": F("bool", "publishing on"),
    "CloudWatchLogsLogGroupArn": F("str", "destination log group"),
}

OPENSEARCH_DOMAIN = AssetType(
    name="aws.opensearch.domain",
    provider="aws",
    title="OpenSearch Service domain",
    id_field="ARN",
    fields={
        "DomainName": F("str", "domain name", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "EngineVersion": F("str", "OpenSearch_2.11, Elasticsearch_7.10, ..."),
        "Endpoint": F("str", "public endpoint, null for a VPC domain"),
        "VPCOptions": F("dict", "{VPCId, SubnetIds, SecurityGroupIds}, null for a public domain"),
        "VPCOptions.VPCId": F("str", "VPC id"),
        "VPCOptions.SubnetIds": F("list[str]", "subnets"),
        "VPCOptions.SecurityGroupIds": F("list[str]", "security groups"),
        "EncryptionAtRestOptions": F("dict", "{Enabled, KmsKeyId}"),
        "EncryptionAtRestOptions.Enabled": F("bool", "encrypted at rest"),
        "EncryptionAtRestOptions.KmsKeyId": F("str", "KMS key"),
        "NodeToNodeEncryptionOptions": F("dict", "{Enabled}"),
        "NodeToNodeEncryptionOptions.Enabled": F("bool", "TLS between nodes"),
        "DomainEndpointOptions": F("dict", "{EnforceHTTPS, TLSSecurityPolicy}"),
        "DomainEndpointOptions.EnforceHTTPS": F("bool", "plain HTTP refused"),
        "DomainEndpointOptions.TLSSecurityPolicy": F("str", "Policy-Min-TLS-1-0-2019-07, "
                                                     "Policy-Min-TLS-1-2-2019-07, "
                                                     "Policy-Min-TLS-1-2-PFS-2023-10"),
        "AdvancedSecurityOptions": F("dict", "fine-grained access control {Enabled, "
                                     "InternalUserDatabaseEnabled, AnonymousAuthEnabled}"),
        "AdvancedSecurityOptions.Enabled": F("bool", "fine-grained access control on"),
        "AdvancedSecurityOptions.InternalUserDatabaseEnabled": F("bool", "internal users"),
        "AdvancedSecurityOptions.AnonymousAuthEnabled": F("bool", "anonymous access allowed"),
        "AccessPolicies": F("json", "domain access policy, null when none"),
        "LogPublishingOptions": F("dict", "log type -> {Enabled, CloudWatchLogsLogGroupArn}; "
                                  "types: AUDIT_LOGS, ES_APPLICATION_LOGS, SEARCH_SLOW_LOGS, "
                                  "INDEX_SLOW_LOGS; {} when none"),
        **_sub("LogPublishingOptions.AUDIT_LOGS.", _LOG_OPTION),
        **_sub("LogPublishingOptions.ES_APPLICATION_LOGS.", _LOG_OPTION),
        **_sub("LogPublishingOptions.SEARCH_SLOW_LOGS.", _LOG_OPTION),
        **_sub("LogPublishingOptions.INDEX_SLOW_LOGS.", _LOG_OPTION),
        "ClusterConfig": F("dict", "{InstanceType, InstanceCount, DedicatedMasterEnabled, "
                           "DedicatedMasterCount, ZoneAwarenessEnabled}"),
        "ClusterConfig.InstanceType": F("str", "data node type"),
        "ClusterConfig.InstanceCount": F("int", "data nodes"),
        "ClusterConfig.DedicatedMasterEnabled": F("bool", "dedicated primary nodes"),
        "ClusterConfig.DedicatedMasterCount": F("int", "dedicated primary nodes"),
        "ClusterConfig.ZoneAwarenessEnabled": F("bool", "spread across Availability Zones"),
        "ServiceSoftwareOptions": F("dict", "{UpdateAvailable, UpdateStatus, CurrentVersion}"),
        "ServiceSoftwareOptions.UpdateAvailable": F("bool", "a service software update waits"),
        "ServiceSoftwareOptions.UpdateStatus": F("str", "ELIGIBLE, NOT_ELIGIBLE, COMPLETED, ..."),
        "ServiceSoftwareOptions.CurrentVersion": F("str", "service software version"),
        "Tags": _TAGS,
    },
)

EFS_FILE_SYSTEM = AssetType(
    name="aws.efs.file_system",
    provider="aws",
    title="EFS file system",
    id_field="FileSystemArn",
    fields={
        "FileSystemId": F("str", "fs id", nullable=False),
        "FileSystemArn": F("str", "ARN", nullable=False),
        "Name": F("str", "Name tag"),
        "LifeCycleState": F("str", "available, ..."),
        "Encrypted": F("bool", "encrypted at rest"),
        "KmsKeyId": F("str", "KMS key ARN"),
        "PerformanceMode": F("str", "generalPurpose or maxIO"),
        "ThroughputMode": F("str", "bursting, provisioned, elastic"),
        "BackupPolicy": F("dict", "{Status: ENABLED|ENABLING|DISABLED|DISABLING}"),
        "BackupPolicy.Status": F("str", "automatic backups status"),
        "FileSystemPolicy": F("json", "resource policy, null when none"),
        "MountTargets": F("list", "[{MountTargetId, SubnetId, AvailabilityZoneName, "
                          "IpAddress}]"),
        "MountTargets[].MountTargetId": F("str", "mount target id"),
        "MountTargets[].SubnetId": F("str", "subnet"),
        "MountTargets[].AvailabilityZoneName": F("str", "Availability Zone"),
        "MountTargets[].IpAddress": F("str", "private IP"),
        "CreationTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

EFS_ACCESS_POINT = AssetType(
    name="aws.efs.access_point",
    provider="aws",
    title="EFS access point",
    id_field="AccessPointArn",
    fields={
        "AccessPointId": F("str", "access point id", nullable=False),
        "AccessPointArn": F("str", "ARN", nullable=False),
        "FileSystemId": F("str", "file system"),
        "Name": F("str", "name"),
        "LifeCycleState": F("str", "available, ..."),
        "PosixUser": F("dict", "{Uid, Gid, SecondaryGids} enforced on every request, null when "
                       "the client's identity is used"),
        "PosixUser.Uid": F("int", "user id"),
        "PosixUser.Gid": F("int", "group id"),
        "PosixUser.SecondaryGids": F("list[int]", "secondary group ids"),
        "RootDirectory": F("dict", "{Path} the clients see as /, null for the file system root"),
        "RootDirectory.Path": F("str", "directory exposed as the root, / for the fs root"),
        "Tags": _TAGS,
    },
)

BACKUP_VAULT = AssetType(
    name="aws.backup.vault",
    provider="aws",
    title="AWS Backup vault",
    id_field="BackupVaultArn",
    fields={
        "BackupVaultName": F("str", "vault name", nullable=False),
        "BackupVaultArn": F("str", "ARN", nullable=False),
        "EncryptionKeyArn": F("str", "KMS key encrypting the recovery points"),
        "CreationDate": F("datetime", "creation time"),
        "NumberOfRecoveryPoints": F("int", "recovery points stored"),
        "Locked": F("bool", "vault lock applied"),
        "AccessPolicy": F("json", "vault access policy, null when none"),
        "Tags": _TAGS,
    },
)

BACKUP_PLAN = AssetType(
    name="aws.backup.plan",
    provider="aws",
    title="AWS Backup plan",
    id_field="BackupPlanArn",
    fields={
        "BackupPlanId": F("str", "plan id", nullable=False),
        "BackupPlanArn": F("str", "ARN", nullable=False),
        "BackupPlanName": F("str", "plan name"),
        "VersionId": F("str", "version"),
        "CreationDate": F("datetime", "creation time"),
        "LastExecutionDate": F("datetime", "last run, null if never"),
        "Rules": F("list", "[{RuleName, TargetBackupVaultName, ScheduleExpression, "
                   "Lifecycle: {DeleteAfterDays, MoveToColdStorageAfterDays}}]"),
        "Rules[].RuleName": F("str", "rule name"),
        "Rules[].TargetBackupVaultName": F("str", "vault receiving the backups"),
        "Rules[].ScheduleExpression": F("str", "cron expression"),
        "Rules[].Lifecycle": F("dict", "{DeleteAfterDays, MoveToColdStorageAfterDays}, null "
                               "when kept forever"),
        "Rules[].Lifecycle.DeleteAfterDays": F("int", "days before deletion"),
        "Rules[].Lifecycle.MoveToColdStorageAfterDays": F("int", "days before cold storage"),
        "Selections": F("list", "resource assignments of the plan [{SelectionId, SelectionName, "
                        "Resources, NotResources, ListOfTags, Conditions}]"),
        "Selections[].SelectionId": F("str", "selection id"),
        "Selections[].SelectionName": F("str", "selection name"),
        "Selections[].Resources": F("list[str]", "ARNs or ARN patterns with * selected"),
        "Selections[].NotResources": F("list[str]", "ARNs or ARN patterns excluded"),
        "Selections[].ListOfTags": F("list", "[{ConditionType STRINGEQUALS, ConditionKey, "
                                     "ConditionValue}]: a resource with any of these tags is "
                                     "selected"),
        "Selections[].Conditions": F("dict", "{StringEquals, StringNotEquals, StringLike, "
                                     "StringNotLike: [{ConditionKey aws:ResourceTag/<key>, "
                                     "ConditionValue}]}: all must hold for Resources to be "
                                     "selected; null when none"),
    },
)

BACKUP_RECOVERY_POINT = AssetType(
    name="aws.backup.recovery_point",
    provider="aws",
    title="AWS Backup recovery point",
    id_field="RecoveryPointArn",
    fields={
        "RecoveryPointArn": F("str", "ARN", nullable=False),
        "BackupVaultName": F("str", "vault holding it"),
        "ResourceArn": F("str", "protected resource"),
        "ResourceType": F("str", "EBS, RDS, DynamoDB, EFS, ..."),
        "Status": F("str", "COMPLETED, PARTIAL, EXPIRED, ..."),
        "IsEncrypted": F("bool", "encrypted at rest"),
        "EncryptionKeyArn": F("str", "KMS key"),
        "CreationDate": F("datetime", "creation time"),
    },
)

ALL: tuple[AssetType, ...] = (
    RDS_DB_INSTANCE, RDS_DB_CLUSTER, RDS_DB_SNAPSHOT, RDS_DB_CLUSTER_SNAPSHOT,
    RDS_DB_PARAMETER_GROUP, RDS_DB_CLUSTER_PARAMETER_GROUP, DYNAMODB_TABLE, REDSHIFT_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP, ELASTICACHE_CACHE_CLUSTER, OPENSEARCH_DOMAIN,
    EFS_FILE_SYSTEM, EFS_ACCESS_POINT, BACKUP_VAULT, BACKUP_PLAN, BACKUP_RECOVERY_POINT,
    *_MORE,
)
