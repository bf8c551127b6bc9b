"""Security and audit services: KMS keys (with `aws_kms_key_policy`), CloudTrail trails,
CloudWatch Logs log groups (with their metric filters) and Secrets Manager secrets (with
`aws_secretsmanager_secret_rotation` and `aws_secretsmanager_secret_policy`)."""

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
    own,
    tags_of,
)
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_key", "map_log_group", "map_secret", "map_trail"]

_KEY_POLICY = "aws_kms_key_policy"
_METRIC_FILTER = "aws_cloudwatch_log_metric_filter"
_ROTATION = "aws_secretsmanager_secret_rotation"
_SECRET_POLICY = "aws_secretsmanager_secret_policy"  # noqa: S105 - a type name
JOINED: dict[str, str] = {_KEY_POLICY: "aws.kms.key", _METRIC_FILTER: "aws.logs.log_group",
                          _ROTATION: "aws.secretsmanager.secret",
                          _SECRET_POLICY: "aws.secretsmanager.secret"}
_LIVE_DATES = "exists only in the live account"


def map_key(index: Index, key: TfResource) -> list[Asset]:
    doc = Doc()
    v = key.values
    doc.set("KeyId", own(key, "key_id") if v.get("key_id") else own(key))
    doc.set("Arn", own(key, "arn"))
    doc.set("KeyManager", "CUSTOMER")
    enabled = as_bool(v.get("is_enabled"), True)
    doc.set("KeyState", enabled if isinstance(enabled, Unknown)
            else ("Enabled" if enabled else "Disabled"))
    spec = v.get("customer_master_key_spec") or "SYMMETRIC_DEFAULT"
    doc.set("KeySpec", spec)
    doc.set("KeyUsage", v.get("key_usage") or "ENCRYPT_DECRYPT")
    doc.set("Origin", "AWS_KMS")
    doc.set("Description", v.get("description") or "")
    # only symmetric encryption keys rotate; the provider's default is no rotation
    doc.set("KeyRotationEnabled", as_bool(v.get("enable_key_rotation"), False)
            if spec == "SYMMETRIC_DEFAULT" else None)
    doc.set("DeletionDate", None)
    policies = index.children_of(key, _KEY_POLICY, "key_id", ("key_id",))
    policy = policies[-1].values.get("policy") if policies else v.get("policy")
    if policy is None:
        doc.open("Policy", "no key policy in the code: AWS applies the default key policy, "
                           "which names the account")
    else:
        doc.set("Policy", policy_document(index, policies[-1] if policies else key, policy))
    doc.after_apply("CreationDate")
    doc.set("Tags", tags_of(key))
    return [build_asset(index, key, "aws.kms.key", doc, name_args=("description",))]


def _selectors(trail: TfResource) -> tuple[Any, Any]:
    """(EventSelectors, AdvancedEventSelectors) as GetEventSelectors returns them; a trail
    without selectors logs every management event (AWS's default selector)."""
    advanced = blocks(trail.values.get("advanced_event_selector"))
    if isinstance(advanced, Unknown):
        return None, advanced
    if advanced:
        return None, [{"Name": a.get("name"), "FieldSelectors": [
            {"Field": f.get("field"), **{key: f.get(arg) for key, arg in (
                ("Equals", "equals"), ("NotEquals", "not_equals"), ("StartsWith", "starts_with"),
                ("NotStartsWith", "not_starts_with"), ("EndsWith", "ends_with"),
                ("NotEndsWith", "not_ends_with")) if f.get(arg)}}
            for f in blocks(a.get("field_selector")) or []]} for a in advanced]
    classic = blocks(trail.values.get("event_selector"))
    if isinstance(classic, Unknown):
        return classic, None
    if not classic:
        return [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                 "ExcludeManagementEventSources": []}], None
    return [{"ReadWriteType": s.get("read_write_type") or "All",
             "IncludeManagementEvents": as_bool(s.get("include_management_events"), True),
             "DataResources": [{"Type": d.get("type"), "Values": d.get("values") or []}
                               for d in blocks(s.get("data_resource")) or []],
             "ExcludeManagementEventSources": s.get("exclude_management_event_sources") or []}
            for s in classic], None


def map_trail(index: Index, trail: TfResource) -> list[Asset]:
    doc = Doc()
    v = trail.values
    doc.set("Name", v.get("name"))
    doc.set("TrailARN", own(trail, "arn"))
    if trail.region:
        doc.set("HomeRegion", trail.region)
    else:
        doc.open("HomeRegion", "the provider's region is not fixed in the code")
    doc.set("IsMultiRegionTrail", as_bool(v.get("is_multi_region_trail"), False))
    doc.set("IncludeGlobalServiceEvents", as_bool(v.get("include_global_service_events"), True))
    doc.set("IsOrganizationTrail", as_bool(v.get("is_organization_trail"), False))
    doc.set("LogFileValidationEnabled", as_bool(v.get("enable_log_file_validation"), False))
    doc.set("KmsKeyId", index.ident(trail, v.get("kms_key_id")) or None)
    doc.set("S3BucketName", index.ident(trail, v.get("s3_bucket_name")))
    doc.set("CloudWatchLogsLogGroupArn",
            index.ident(trail, v.get("cloud_watch_logs_group_arn")) or None)
    logging = as_bool(v.get("enable_logging"), True)
    if logging is False:
        doc.set("Status", {"IsLogging": False, "LatestDeliveryTime": None,
                           "LatestCloudWatchLogsDeliveryTime": None})
    elif isinstance(logging, Unknown):
        doc.set("Status", logging)
    else:
        doc.open("Status", "the trail logs (enable_logging); its delivery times " + _LIVE_DATES)
    selectors, advanced = _selectors(trail)
    doc.set("EventSelectors", selectors)
    doc.set("AdvancedEventSelectors", advanced)
    doc.set("Tags", tags_of(trail))
    return [build_asset(index, trail, "aws.cloudtrail.trail", doc)]


def map_log_group(index: Index, group: TfResource) -> list[Asset]:
    doc = Doc()
    v = group.values
    if v.get("name") is None:
        doc.open("logGroupName", "the log group name is generated on apply")
    else:
        doc.set("logGroupName", v.get("name"))
    doc.set("Arn", own(group, "arn"))
    retention = as_int(v.get("retention_in_days"), 0)
    doc.set("retentionInDays", retention or None)  # 0 (the default) means never expire
    doc.set("kmsKeyId", index.ident(group, v.get("kms_key_id")) or None)
    filters = index.children_of(group, _METRIC_FILTER, "log_group_name")
    doc.set("MetricFilters", [{
        "filterName": f.values.get("name"), "filterPattern": f.values.get("pattern"),
        "metricTransformations": [{"metricName": t.get("name"),
                                   "metricNamespace": t.get("namespace")}
                                  for t in blocks(f.values.get("metric_transformation")) or []]}
        for f in filters])
    return [build_asset(index, group, "aws.logs.log_group", doc)]


def map_secret(index: Index, secret: TfResource) -> list[Asset]:
    doc = Doc()
    v = secret.values
    if v.get("name") is None:
        doc.open("Name", "the secret name is generated on apply")
    else:
        doc.set("Name", v.get("name"))
    doc.set("ARN", own(secret, "arn"))
    doc.set("Description", v.get("description"))
    doc.set("KmsKeyId", index.ident(secret, v.get("kms_key_id")) or None)
    rotations = index.children_of(secret, _ROTATION, "secret_id", ("arn",))
    if rotations:
        rotation = rotations[-1].values
        rules = block(rotation.get("rotation_rules"))
        doc.set("RotationEnabled", True)
        doc.set("RotationLambdaARN",
                index.ident(rotations[-1], rotation.get("rotation_lambda_arn")) or None)
        doc.set("RotationRules", rules if isinstance(rules, Unknown) else None if not rules
                else {"AutomaticallyAfterDays": as_int(rules.get("automatically_after_days")),
                      "ScheduleExpression": rules.get("schedule_expression"),
                      "Duration": rules.get("duration")})
    else:
        doc.set("RotationEnabled", False)
        doc.set("RotationLambdaARN", None)
        doc.set("RotationRules", None)
    for live in ("LastRotatedDate", "LastChangedDate", "LastAccessedDate", "CreatedDate"):
        doc.open(live, "secret activity " + _LIVE_DATES)
    doc.set("DeletedDate", None)
    doc.set("PrimaryRegion", None)  # set only on replicas, which this code does not create
    policies = index.children_of(secret, _SECRET_POLICY, "secret_arn", ("arn",))
    policy = policies[-1].values.get("policy") if policies else v.get("policy")
    doc.set("ResourcePolicy", policy_document(index, policies[-1] if policies else secret,
                                              policy) if policy is not None else None)
    doc.set("Tags", tags_of(secret))
    return [build_asset(index, secret, "aws.secretsmanager.secret", doc)]
