"""KMS keys, CloudTrail trails, log groups and secrets from Terraform."""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown
from cloudwarden.inventory.snapshot import Inventory


def res(address: str, values: dict[str, Any]) -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name, "managed", values, {}, "sec.tf", 1, 4, "", "aws",
                      "eu-central-1")


def after(address: str, attr: str = "arn") -> Unknown:
    return Unknown(f"{address}.{attr} is known only after apply", (address,))


def mapped(*resources: TfResource) -> dict[str, Asset]:
    return {a.ref.id.split(":", 1)[1]: a
            for a in map_module(TfModule("sec", list(resources))).assets}


def test_kms_keys_and_rotation_rule(aws_engine: Engine) -> None:
    found = mapped(
        res("aws_kms_key.rotated", {"description": "logs", "enable_key_rotation": True,
                                    "policy": '{"Statement": []}'}),
        res("aws_kms_key.plain", {}),
        res("aws_kms_key.signing", {"customer_master_key_spec": "RSA_2048",
                                    "key_usage": "SIGN_VERIFY"}),
        res("aws_kms_key_policy.p", {"key_id": after("aws_kms_key.plain", "id"),
                                     "policy": '{"Statement": [{"Effect": "Allow"}]}'}),
    )
    rotated = found["aws_kms_key.rotated"]
    assert rotated.name == "logs"
    assert rotated.properties["KeyRotationEnabled"] is True
    assert rotated.properties["KeyState"] == "Enabled"
    assert found["aws_kms_key.plain"].properties["Policy"] == {
        "Statement": [{"Effect": "Allow"}]}
    assert found["aws_kms_key.signing"].properties["KeyRotationEnabled"] is None
    results = {f.asset.id.split(":", 1)[1]: f.status
               for f in aws_engine.assess(Inventory(found.values()))
               if f.rule_id == "aws.kms.key_rotation_enabled"}
    assert results == {"aws_kms_key.rotated": Status.PASS, "aws_kms_key.plain": Status.FAIL,
                       "aws_kms_key.signing": Status.NOT_APPLICABLE}


def test_trail_defaults_and_log_group(aws_engine: Engine) -> None:
    found = mapped(
        res("aws_cloudtrail.main", {
            "name": "main", "s3_bucket_name": after("aws_s3_bucket.trail", "id"),
            "is_multi_region_trail": True, "enable_log_file_validation": True,
            "kms_key_id": after("aws_kms_key.k"),
            "cloud_watch_logs_group_arn": after("aws_cloudwatch_log_group.trail")}),
        res("aws_s3_bucket.trail", {"bucket_prefix": "trail-"}),
        res("aws_kms_key.k", {}),
        res("aws_cloudwatch_log_group.trail", {"name": "trail", "retention_in_days": 365}),
        res("aws_cloudwatch_log_metric_filter.root", {
            "log_group_name": after("aws_cloudwatch_log_group.trail", "name"),
            "name": "root", "pattern": "{ $.userIdentity.type = \"Root\" }",
            "metric_transformation": [{"name": "RootUse", "namespace": "CIS"}]}),
        res("aws_cloudtrail.off", {"name": "off", "s3_bucket_name": "b",
                                   "enable_logging": False}),
    )
    trail = found["aws_cloudtrail.main"]
    p = trail.properties
    assert p["S3BucketName"] == "tf:aws_s3_bucket.trail"
    assert p["KmsKeyId"] == "tf:aws_kms_key.k"
    assert p["IncludeGlobalServiceEvents"] is True
    assert p["EventSelectors"][0]["IncludeManagementEvents"] is True
    assert p["AdvancedEventSelectors"] is None
    assert trail.unknown["Status"].startswith(UNRESOLVED)
    assert found["aws_cloudtrail.off"].properties["Status"]["IsLogging"] is False
    group = found["aws_cloudwatch_log_group.trail"].properties
    assert group["retentionInDays"] == 365
    assert group["MetricFilters"][0]["metricTransformations"] == [
        {"metricName": "RootUse", "metricNamespace": "CIS"}]
    results = {(f.rule_id, f.asset.id.split(":", 1)[1]): f.status
               for f in aws_engine.assess(Inventory(found.values()))}
    assert results[("aws.cloudtrail.log_file_validation_enabled",
                    "aws_cloudtrail.main")] is Status.PASS
    assert results[("aws.cloudtrail.log_file_validation_enabled",
                    "aws_cloudtrail.off")] is Status.FAIL
    assert results[("aws.cloudtrail.kms_encryption_enabled", "aws_cloudtrail.off")] \
        is Status.FAIL
    assert results[("aws.cloudtrail.trail_logging", "aws_cloudtrail.off")] is Status.FAIL


def test_secret_rotation_join() -> None:
    found = mapped(
        res("aws_secretsmanager_secret.db", {"name": "db"}),
        res("aws_secretsmanager_secret_rotation.r", {
            "secret_id": after("aws_secretsmanager_secret.db", "id"),
            "rotation_lambda_arn": "arn:aws:lambda:eu-central-1:1:function:rotate",
            "rotation_rules": [{"automatically_after_days": 30}]}),
        res("aws_secretsmanager_secret.plain", {"name": "plain"}),
    )
    db = found["aws_secretsmanager_secret.db"].properties
    assert db["RotationEnabled"] is True
    assert db["RotationRules"]["AutomaticallyAfterDays"] == 30
    assert found["aws_secretsmanager_secret.plain"].properties["RotationEnabled"] is False
