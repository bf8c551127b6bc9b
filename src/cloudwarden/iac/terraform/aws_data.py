"""Data services: RDS instances (also Aurora cluster instances) and clusters, DynamoDB tables,
SQS queues (with `aws_sqs_queue_policy`) and SNS topics (with their policy and subscriptions).

Defaults applied where the code is silent are the ones the AWS APIs and the provider document:
RDS keeps 1 day of automated backups, leaves storage unencrypted, the instance private and
minor upgrades on; Aurora clusters in `serverless` mode are encrypted; DynamoDB tables are
encrypted with an AWS owned key (no `SSEDescription`); new SQS queues use SSE-SQS unless a KMS
key is given.
"""

from __future__ import annotations

import json
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_bool,
    as_int,
    block,
    build_asset,
    literal_str,
    own,
    tags_of,
)
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_cluster", "map_db_instance", "map_queue", "map_table", "map_topic"]

_CLUSTER = "aws_rds_cluster"
_CLUSTER_INSTANCE = "aws_rds_cluster_instance"
_QUEUE_POLICY = "aws_sqs_queue_policy"
_QUEUE = "aws_sqs_queue"
_TOPIC_POLICY = "aws_sns_topic_policy"
_SUBSCRIPTION = "aws_sns_topic_subscription"
_SCALING = "aws_appautoscaling_target"
JOINED: dict[str, str] = {_QUEUE_POLICY: "aws.sqs.queue", _TOPIC_POLICY: "aws.sns.topic",
                          _SUBSCRIPTION: "aws.sns.topic", _SCALING: "aws.dynamodb.table"}


def _identifier(doc: Doc, res: TfResource, field: str, arg: str) -> None:
    value = res.values.get(arg)
    if value is None:
        doc.open(field, f"no `{arg}`: the identifier is generated on apply")
    else:
        doc.set(field, value)


def _cluster_of(index: Index, inst: TfResource) -> TfResource | None:
    found = index.targets(inst, "cluster_identifier", _CLUSTER, ("cluster_identifier",))
    return found[0] if len(found) == 1 else None


def map_db_instance(index: Index, inst: TfResource) -> list[Asset]:
    doc = Doc()
    v = inst.values
    _identifier(doc, inst, "DBInstanceIdentifier", "identifier")
    doc.set("DBInstanceArn", own(inst, "arn"))
    doc.set("DBInstanceClass", v.get("instance_class"))
    doc.set("DBInstanceStatus", "available")
    cluster = _cluster_of(index, inst) if inst.type == _CLUSTER_INSTANCE else None
    engine = v.get("engine") or (cluster.values.get("engine") if cluster else None)
    doc.set("Engine", engine)
    doc.set("EngineVersion", v.get("engine_version"))
    doc.set("DBClusterIdentifier", index.ident(inst, v.get("cluster_identifier")))
    doc.set("MasterUsername", v.get("username") if cluster is None
            else cluster.values.get("master_username"))
    doc.after_apply("Endpoint")
    doc.set("DbInstancePort", as_int(v.get("port")))
    doc.set("PubliclyAccessible", as_bool(v.get("publicly_accessible"), False))
    if inst.type == _CLUSTER_INSTANCE:
        # Aurora storage is the cluster's
        if cluster is None:
            doc.open("StorageEncrypted", "the instance's cluster is not in the code")
            doc.open("KmsKeyId", "the instance's cluster is not in the code")
        else:
            doc.set("StorageEncrypted", _cluster_encrypted(cluster))
            doc.set("KmsKeyId", index.ident(cluster, cluster.values.get("kms_key_id")) or None)
        doc.set("BackupRetentionPeriod", as_int(
            cluster.values.get("backup_retention_period"), 1) if cluster else None)
    else:
        doc.set("StorageEncrypted", as_bool(v.get("storage_encrypted"), False))
        doc.set("KmsKeyId", index.ident(inst, v.get("kms_key_id")) or None)
        doc.set("BackupRetentionPeriod", as_int(v.get("backup_retention_period"), 1))
    doc.set("MultiAZ", as_bool(v.get("multi_az"), False))
    doc.set("DeletionProtection", as_bool(v.get("deletion_protection"), False))
    doc.set("AutoMinorVersionUpgrade", as_bool(v.get("auto_minor_version_upgrade"), True))
    doc.set("IAMDatabaseAuthenticationEnabled",
            as_bool(v.get("iam_database_authentication_enabled"), False))
    doc.set("EnabledCloudwatchLogsExports", v.get("enabled_cloudwatch_logs_exports") or [])
    doc.set("MonitoringInterval", as_int(v.get("monitoring_interval"), 0))
    doc.set("PerformanceInsightsEnabled", as_bool(v.get("performance_insights_enabled"), False))
    doc.set("CopyTagsToSnapshot", as_bool(v.get("copy_tags_to_snapshot"), False))
    if v.get("ca_cert_identifier") is None:
        doc.open("CACertificateIdentifier", "no ca_cert_identifier: the region's default CA")
    else:
        doc.set("CACertificateIdentifier", v.get("ca_cert_identifier"))
    group = v.get("parameter_group_name") or v.get("db_parameter_group_name")
    if group is None:
        doc.open("DBParameterGroups", "no parameter group: the engine's default group")
    else:
        doc.set("DBParameterGroups", [{"DBParameterGroupName": index.ident(inst, group),
                                       "ParameterApplyStatus": "in-sync"}])
    doc.set("VpcSecurityGroups", index.ident_list(inst, v.get("vpc_security_group_ids")))
    doc.set("DBSubnetGroupName", index.ident(inst, v.get("db_subnet_group_name")))
    doc.open("VpcId", "the VPC of the DB subnet group is known only after apply")
    doc.after_apply("InstanceCreateTime")
    doc.set("Tags", tags_of(inst))
    return [build_asset(index, inst, "aws.rds.db_instance", doc, name_args=("identifier",))]


def _cluster_encrypted(cluster: TfResource) -> Any:
    """The provider's default: encrypted in `serverless` engine mode, else not."""
    mode = cluster.values.get("engine_mode") or "provisioned"
    if isinstance(mode, Unknown):
        return as_bool(cluster.values.get("storage_encrypted"), mode)
    return as_bool(cluster.values.get("storage_encrypted"), mode == "serverless")


def map_cluster(index: Index, cluster: TfResource) -> list[Asset]:
    doc = Doc()
    v = cluster.values
    _identifier(doc, cluster, "DBClusterIdentifier", "cluster_identifier")
    doc.set("DBClusterArn", own(cluster, "arn"))
    doc.set("Status", "available")
    doc.set("Engine", v.get("engine") or "aurora")
    doc.set("EngineVersion", v.get("engine_version"))
    doc.set("EngineMode", v.get("engine_mode") or "provisioned")
    doc.set("MasterUsername", v.get("master_username"))
    doc.set("Port", as_int(v.get("port")))
    doc.set("PubliclyAccessible", as_bool(v.get("publicly_accessible")))
    doc.set("StorageEncrypted", _cluster_encrypted(cluster))
    doc.set("KmsKeyId", index.ident(cluster, v.get("kms_key_id")) or None)
    doc.set("BackupRetentionPeriod", as_int(v.get("backup_retention_period"), 1))
    members = index.children_of(cluster, _CLUSTER_INSTANCE, "cluster_identifier",
                                ("cluster_identifier",))
    doc.set("MultiAZ", len(members) > 1)
    zones = v.get("availability_zones")
    if zones is None:
        doc.open("AvailabilityZones", "no availability_zones: AWS picks them on apply")
    else:
        doc.set("AvailabilityZones", zones)
    doc.set("DeletionProtection", as_bool(v.get("deletion_protection"), False))
    doc.set("AutoMinorVersionUpgrade", True)
    doc.set("IAMDatabaseAuthenticationEnabled",
            as_bool(v.get("iam_database_authentication_enabled"), False))
    doc.set("EnabledCloudwatchLogsExports", v.get("enabled_cloudwatch_logs_exports") or [])
    doc.set("CopyTagsToSnapshot", as_bool(v.get("copy_tags_to_snapshot"), False))
    group = v.get("db_cluster_parameter_group_name")
    if group is None:
        doc.open("DBClusterParameterGroup", "no parameter group: the engine's default group")
    else:
        doc.set("DBClusterParameterGroup", index.ident(cluster, group))
    doc.set("BacktrackWindow", as_int(v.get("backtrack_window"), 0))
    doc.set("DBClusterMembers", [{
        "DBInstanceIdentifier": m.values.get("identifier") or own(m),
        "IsClusterWriter": None} for m in members])
    doc.after_apply("ClusterCreateTime")
    doc.set("Tags", tags_of(cluster))
    return [build_asset(index, cluster, "aws.rds.db_cluster", doc,
                        name_args=("cluster_identifier",))]


def map_table(index: Index, table: TfResource) -> list[Asset]:
    doc = Doc()
    v = table.values
    doc.set("TableName", v.get("name"))
    doc.set("TableArn", own(table, "arn"))
    doc.set("TableStatus", "ACTIVE")
    doc.set("BillingMode", v.get("billing_mode") or "PROVISIONED")
    sse = block(v.get("server_side_encryption"))
    if isinstance(sse, Unknown):
        doc.set("SSEDescription", sse)
    elif sse is None or as_bool(sse.get("enabled"), False) is False:
        doc.set("SSEDescription", None)  # encrypted with an AWS owned key
    else:
        doc.set("SSEDescription", {"Status": "ENABLED", "SSEType": "KMS",
                                   "KMSMasterKeyArn": index.ident(table, sse.get("kms_key_arn"))})
    doc.set("DeletionProtectionEnabled", as_bool(v.get("deletion_protection_enabled"), False))
    name = literal_str(v.get("name"))
    targets = index.children_of(table, _SCALING, "resource_id", ("resource_id",)) or (
        index.named(_SCALING, "resource_id").get(f"table/{name}", []) if name else [])
    doc.set("AutoScalingDimensions", sorted({t.values.get("scalable_dimension")
                                             for t in targets
                                             if t.values.get("scalable_dimension")}))
    pitr = block(v.get("point_in_time_recovery"))
    enabled = pitr if isinstance(pitr, Unknown) else (
        False if pitr is None else as_bool(pitr.get("enabled"), False))
    if isinstance(enabled, Unknown):
        doc.set("ContinuousBackupsStatus", enabled)
        doc.set("PointInTimeRecoveryDescription", enabled)
    else:
        doc.set("ContinuousBackupsStatus", "ENABLED")
        doc.set("PointInTimeRecoveryDescription", {
            "PointInTimeRecoveryStatus": "ENABLED" if enabled else "DISABLED",
            "EarliestRestorableDateTime": None})
    doc.after_apply("CreationDateTime")
    doc.set("Tags", tags_of(table))
    return [build_asset(index, table, "aws.dynamodb.table", doc)]


def _redrive(value: Any) -> Any:
    if not value or isinstance(value, Unknown):
        return value or None
    raw = json.loads(value) if isinstance(value, str) else value
    if not isinstance(raw, dict):
        return None
    return {"deadLetterTargetArn": raw.get("deadLetterTargetArn"),
            "maxReceiveCount": as_int(raw.get("maxReceiveCount"))}


def map_queue(index: Index, queue: TfResource) -> list[Asset]:
    doc = Doc()
    v = queue.values
    if v.get("name") is None:
        doc.open("QueueName", "the queue name is generated on apply")
    else:
        doc.set("QueueName", v.get("name"))
    arn = own(queue, "arn")
    doc.set("QueueArn", arn)
    doc.set("QueueUrl", own(queue, "url"))
    doc.set("FifoQueue", as_bool(v.get("fifo_queue"), False))
    key = index.ident(queue, v.get("kms_master_key_id"))
    doc.set("KmsMasterKeyId", key or None)
    doc.set("SqsManagedSseEnabled", as_bool(v.get("sqs_managed_sse_enabled"), not key))
    doc.set("MessageRetentionPeriod", as_int(v.get("message_retention_seconds"), 345600))
    doc.set("VisibilityTimeout", as_int(v.get("visibility_timeout_seconds"), 30))
    policies = index.children_of(queue, _QUEUE_POLICY, "queue_url", ("url",))
    policy = policies[-1].values.get("policy") if policies else v.get("policy")
    doc.set("Policy", None if policy is None else policy_document(
        index, policies[-1] if policies else queue, policy))
    redrive = _redrive(v.get("redrive_policy"))
    if isinstance(redrive, dict):
        redrive["deadLetterTargetArn"] = index.ident(queue, redrive["deadLetterTargetArn"])
    doc.set("RedrivePolicy", redrive)
    doc.set("IsDeadLetterQueue", bool(index.children_of(queue, _QUEUE, "redrive_policy",
                                                        ("arn",))))
    doc.after_apply("CreatedTimestamp")
    doc.set("Tags", tags_of(queue))
    return [build_asset(index, queue, "aws.sqs.queue", doc)]


def map_topic(index: Index, topic: TfResource) -> list[Asset]:
    doc = Doc()
    v = topic.values
    doc.set("TopicArn", own(topic, "arn"))
    doc.set("Subscriptions", [{
        "SubscriptionArn": own(s, "arn"), "Protocol": s.values.get("protocol"),
        "Endpoint": index.ident(s, s.values.get("endpoint"))}
        for s in index.children_of(topic, _SUBSCRIPTION, "topic_arn", ("arn",))])
    doc.set("KmsMasterKeyId", index.ident(topic, v.get("kms_master_key_id")) or None)
    policies = index.children_of(topic, _TOPIC_POLICY, "arn", ("arn",))
    policy = policies[-1].values.get("policy") if policies else v.get("policy")
    if policy is None:
        doc.open("Policy", "no topic policy in the code: AWS applies the default policy, "
                           "which names the account")
    else:
        doc.set("Policy", policy_document(index, policies[-1] if policies else topic, policy))
    return [build_asset(index, topic, "aws.sns.topic", doc)]
