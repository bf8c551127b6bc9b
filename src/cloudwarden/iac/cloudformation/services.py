"""KMS keys, CloudTrail trails, SQS queues, SNS topics, DynamoDB tables and Secrets Manager
secrets (+ their policies, subscriptions and rotation schedules joined from their resources).

Defaults are the documented ones of each create call (CreateKey's key spec, CreateTrail's
global service events, ...), never a guess about the account the stack lands in.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.stack import (
    POLICY_STRICT,
    Doc,
    Resource,
    Stack,
    as_bool,
    as_int,
)

__all__ = ["map_key", "map_queue", "map_secret", "map_table", "map_topic", "map_trail"]


def _name_or_ref(doc: Doc, field: str, value: Any, attr: str = "") -> None:
    if value is None:
        doc.ref(field, attr)
    else:
        doc.set(field, value, symbolic_ok=True)


#: The key policy KMS gives a key created without one ("default key policy"): the account
#: may use IAM policies to allow access to the key.
_DEFAULT_KEY_POLICY = {
    "Version": "2012-10-17", "Id": "key-default-1",
    "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                   "Principal": {"AWS": "arn:aws:iam::${AWS::AccountId}:root"},
                   "Action": "kms:*", "Resource": "*"}]}


def map_key(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("KeyId")
    doc.ref("Arn", "Arn")
    doc.set("KeyManager", "CUSTOMER")
    enabled = as_bool(p.get("Enabled", True))
    doc.set("KeyState", "Enabled" if enabled is True else "Disabled" if enabled is False
            else enabled)
    spec = p.get("KeySpec", "SYMMETRIC_DEFAULT")
    doc.set("KeySpec", spec)
    doc.set("KeyUsage", p.get("KeyUsage", "ENCRYPT_DECRYPT"))
    doc.set("Origin", p.get("Origin", "AWS_KMS"))
    doc.set("Description", p.get("Description", ""), symbolic_ok=True)
    # only symmetric keys of KMS's own key material rotate; for the others rotation is null
    rotates = spec == "SYMMETRIC_DEFAULT" and p.get("Origin", "AWS_KMS") == "AWS_KMS"
    doc.set("KeyRotationEnabled", as_bool(p.get("EnableKeyRotation", False))
            if rotates else None)
    doc.set("DeletionDate", None)
    doc.set("Policy", p.get("KeyPolicy", _DEFAULT_KEY_POLICY), symbolic_ok=True,
            strict=POLICY_STRICT)
    doc.after_deploy("CreationDate")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.kms.key")


def _selectors(raw: Any) -> Any:
    if not isinstance(raw, list):
        return raw
    return [{"ReadWriteType": s.get("ReadWriteType", "All"),
             "IncludeManagementEvents": as_bool(s.get("IncludeManagementEvents", True)),
             "DataResources": [{"Type": d.get("Type"), "Values": list(d.get("Values") or [])}
                               for d in s.get("DataResources") or [] if isinstance(d, dict)],
             "ExcludeManagementEventSources": list(s.get("ExcludeManagementEventSources")
                                                   or [])}
            for s in raw if isinstance(s, dict)]


def map_trail(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    _name_or_ref(doc, "Name", p.get("TrailName"))
    doc.ref("TrailARN", "Arn")
    if stack.region:
        doc.set("HomeRegion", stack.region)
    else:
        doc.open("HomeRegion", "the stack's region is chosen at deploy time")
    doc.set("IsMultiRegionTrail", as_bool(p.get("IsMultiRegionTrail", False)))
    doc.set("IncludeGlobalServiceEvents", as_bool(p.get("IncludeGlobalServiceEvents", True)))
    doc.set("IsOrganizationTrail", as_bool(p.get("IsOrganizationTrail", False)))
    doc.set("LogFileValidationEnabled", as_bool(p.get("EnableLogFileValidation", False)))
    doc.set("KmsKeyId", p.get("KMSKeyId"), symbolic_ok=True)
    doc.set("S3BucketName", p.get("S3BucketName"), symbolic_ok=True)
    doc.set("CloudWatchLogsLogGroupArn", p.get("CloudWatchLogsLogGroupArn"), symbolic_ok=True)
    # IsLogging is in the template, but the delivery times that share this field (and that
    # the delivery rules judge) exist only once the trail runs
    doc.open("Status", "delivery status is known only after deploy")
    advanced = p.get("AdvancedEventSelectors")
    if advanced is not None:
        doc.set("EventSelectors", None)
        doc.set("AdvancedEventSelectors", advanced, symbolic_ok=True)
    else:
        # a trail created without selectors logs all management events
        doc.set("EventSelectors", _selectors(p.get("EventSelectors", [{}])), symbolic_ok=True)
        doc.set("AdvancedEventSelectors", None)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.cloudtrail.trail", "TrailName")


def map_queue(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    _name_or_ref(doc, "QueueName", p.get("QueueName"), "QueueName")
    doc.ref("QueueArn", "Arn")
    doc.ref("QueueUrl")  # `Ref` of a queue is its URL
    doc.set("FifoQueue", as_bool(p.get("FifoQueue", False)))
    kms = p.get("KmsMasterKeyId")
    # SSE-SQS is on for queues created without a KMS key (the default since October 2022)
    doc.set("SqsManagedSseEnabled", False if kms is not None
            else as_bool(p.get("SqsManagedSseEnabled", True)))
    doc.set("KmsMasterKeyId", kms, symbolic_ok=True)
    doc.set("MessageRetentionPeriod", as_int(p.get("MessageRetentionPeriod", 345600)))
    doc.set("VisibilityTimeout", as_int(p.get("VisibilityTimeout", 30)))
    policies = [q for q in stack.of_type("AWS::SQS::QueuePolicy")
                if stack.refers_to(q.props.get("Queues"), res)]
    doc.set("Policy", policies[0].props.get("PolicyDocument") if policies else None,
            symbolic_ok=True, strict=POLICY_STRICT)
    redrive = p.get("RedrivePolicy")
    doc.set("RedrivePolicy", None if redrive is None else {
        "deadLetterTargetArn": redrive.get("deadLetterTargetArn"),
        "maxReceiveCount": as_int(redrive.get("maxReceiveCount"))}
        if isinstance(redrive, dict) else redrive, symbolic_ok=True)
    doc.set("IsDeadLetterQueue", any(
        isinstance(q.props.get("RedrivePolicy"), dict)
        and stack.refers_to(q.props["RedrivePolicy"].get("deadLetterTargetArn"), res)
        for q in stack.of_type("AWS::SQS::Queue")))
    doc.after_deploy("CreatedTimestamp")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.sqs.queue", "QueueName")


def map_topic(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("TopicArn")  # `Ref` of a topic is its ARN
    subscriptions = [{"SubscriptionArn": None, "Protocol": s.get("Protocol"),
                      "Endpoint": s.get("Endpoint")}
                     for s in p.get("Subscription") or [] if isinstance(s, dict)]
    subscriptions += [{"SubscriptionArn": s.ref_text(), "Protocol": s.props.get("Protocol"),
                       "Endpoint": s.props.get("Endpoint")}
                      for s in stack.referrers(res, ("AWS::SNS::Subscription",), "TopicArn")]
    doc.set("Subscriptions", subscriptions, symbolic_ok=True)
    doc.set("KmsMasterKeyId", p.get("KmsMasterKeyId"), symbolic_ok=True)
    policies = [t for t in stack.of_type("AWS::SNS::TopicPolicy")
                if stack.refers_to(t.props.get("Topics"), res)]
    if policies:
        doc.set("Policy", policies[0].props.get("PolicyDocument"), symbolic_ok=True,
                strict=POLICY_STRICT)
    else:
        doc.open("Policy", "SNS's default topic policy names the deploying account")
    return doc.asset("aws.sns.topic", "TopicName")


def map_table(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    _name_or_ref(doc, "TableName", p.get("TableName"))
    doc.ref("TableArn", "Arn")
    doc.set("TableStatus", "ACTIVE")
    doc.set("BillingMode", p.get("BillingMode", "PROVISIONED"))
    sse = p.get("SSESpecification") or {}
    enabled = as_bool(sse.get("SSEEnabled", False)) if isinstance(sse, dict) else sse
    # without SSEEnabled the table is encrypted with an AWS owned key: no SSEDescription
    doc.set("SSEDescription", {"Status": "ENABLED", "SSEType": "KMS",
                               "KMSMasterKeyArn": sse.get("KMSMasterKeyId")}
            if enabled is True else None if enabled is False else enabled, symbolic_ok=True)
    doc.set("DeletionProtectionEnabled", as_bool(p.get("DeletionProtectionEnabled", False)))
    targets = [t for t in stack.of_type("AWS::ApplicationAutoScaling::ScalableTarget")
               if stack.refers_to(t.props.get("ResourceId"), res, "TableName")]
    doc.set("AutoScalingDimensions", sorted({str(t.props.get("ScalableDimension"))
                                             for t in targets}))
    pitr = p.get("PointInTimeRecoverySpecification") or {}
    on = as_bool(pitr.get("PointInTimeRecoveryEnabled", False)) if isinstance(pitr, dict) \
        else pitr
    doc.set("ContinuousBackupsStatus", "ENABLED")  # every new table has continuous backups
    doc.set("PointInTimeRecoveryDescription", {
        "PointInTimeRecoveryStatus": "ENABLED" if on is True else "DISABLED",
        "EarliestRestorableDateTime": None} if isinstance(on, bool) else on)
    doc.after_deploy("CreationDateTime")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.dynamodb.table", "TableName")


def map_secret(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    _name_or_ref(doc, "Name", p.get("Name"), "Name")
    doc.ref("ARN")  # `Ref` of a secret is its ARN
    doc.set("Description", p.get("Description"), symbolic_ok=True)
    doc.set("KmsKeyId", p.get("KmsKeyId"), symbolic_ok=True)
    schedules = stack.referrers(res, ("AWS::SecretsManager::RotationSchedule",), "SecretId",
                                "Name")
    schedule = schedules[0].props if schedules else None
    rules = (schedule or {}).get("RotationRules")
    doc.set("RotationEnabled", schedule is not None)
    doc.set("RotationLambdaARN", (schedule or {}).get("RotationLambdaARN"), symbolic_ok=True)
    doc.set("RotationRules", None if not isinstance(rules, dict) else {
        "AutomaticallyAfterDays": as_int(rules.get("AutomaticallyAfterDays")),
        "ScheduleExpression": rules.get("ScheduleExpression"),
        "Duration": rules.get("Duration")}, symbolic_ok=True)
    doc.after_deploy("LastRotatedDate", "LastChangedDate", "LastAccessedDate", "CreatedDate")
    doc.set("DeletedDate", None)
    doc.set("PrimaryRegion", stack.region or None)
    if not stack.region:
        doc.open("PrimaryRegion", "the stack's region is chosen at deploy time")
    policies = stack.referrers(res, ("AWS::SecretsManager::ResourcePolicy",), "SecretId",
                               "Name")
    doc.set("ResourcePolicy", policies[0].props.get("ResourcePolicy") if policies else None,
            symbolic_ok=True, strict=POLICY_STRICT)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.secretsmanager.secret", "Name")
