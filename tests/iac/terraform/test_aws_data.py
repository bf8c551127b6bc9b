"""RDS, DynamoDB, SQS and SNS assets from Terraform."""

from __future__ import annotations

import json
from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown
from cloudwarden.inventory.snapshot import Inventory


def res(address: str, values: dict[str, Any]) -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name, "managed", values, {}, "data.tf", 1, 4, "", "aws",
                      "us-west-2")


def after(address: str, attr: str = "arn") -> Unknown:
    return Unknown(f"{address}.{attr} is known only after apply", (address,))


def mapped(*resources: TfResource) -> dict[str, Asset]:
    return {a.ref.id.split(":", 1)[1]: a
            for a in map_module(TfModule("data", list(resources))).assets}


def test_rds_instance_defaults_and_aurora_cluster_join(aws_engine: Engine) -> None:
    found = mapped(
        res("aws_db_instance.pg", {"identifier": "pg", "engine": "postgres",
                                   "instance_class": "db.t3.micro",
                                   "publicly_accessible": True}),
        res("aws_rds_cluster.aurora", {"cluster_identifier": "aurora",
                                       "engine": "aurora-postgresql",
                                       "storage_encrypted": True, "deletion_protection": True}),
        res("aws_rds_cluster_instance.a", {"identifier": "a", "cluster_identifier": after(
            "aws_rds_cluster.aurora", "id"), "instance_class": "db.r6g.large"}),
    )
    pg = found["aws_db_instance.pg"]
    assert pg.name == "pg"
    assert pg.properties["StorageEncrypted"] is False
    assert pg.properties["PubliclyAccessible"] is True
    assert pg.properties["BackupRetentionPeriod"] == 1
    assert pg.unknown["DBParameterGroups"].startswith(UNRESOLVED)
    member = found["aws_rds_cluster_instance.a"].properties
    assert member["StorageEncrypted"] is True and member["Engine"] == "aurora-postgresql"
    cluster = found["aws_rds_cluster.aurora"].properties
    assert cluster["DBClusterMembers"] == [{"DBInstanceIdentifier": "a",
                                            "IsClusterWriter": None}]
    results = {(f.rule_id, f.asset.id.split(":", 1)[1]): f.status
               for f in aws_engine.assess(Inventory(found.values()))}
    assert results[("aws.rds.instance_storage_encrypted", "aws_db_instance.pg")] is Status.FAIL
    assert results[("aws.rds.instance_not_publicly_accessible", "aws_db_instance.pg")] \
        is Status.FAIL


def test_dynamodb_sqs_sns() -> None:
    found = mapped(
        res("aws_dynamodb_table.t", {"name": "t", "point_in_time_recovery": [{"enabled": True}],
                                     "server_side_encryption": [{"enabled": True}]}),
        res("aws_dynamodb_table.plain", {"name": "plain"}),
        res("aws_sqs_queue.dlq", {"name": "dlq"}),
        res("aws_sqs_queue.jobs", {"name": "jobs", "kms_master_key_id": "alias/jobs",
                                   "redrive_policy": Unknown("jsonencode of after-apply",
                                                             ("aws_sqs_queue.dlq",))}),
        res("aws_sqs_queue_policy.p", {"queue_url": after("aws_sqs_queue.jobs", "url"),
                                       "policy": json.dumps({"Statement": []})}),
        res("aws_sns_topic.alerts", {"name": "alerts"}),
        res("aws_sns_topic_subscription.s", {"topic_arn": after("aws_sns_topic.alerts"),
                                             "protocol": "email", "endpoint": "ops@example.com"}),
    )
    table = found["aws_dynamodb_table.t"].properties
    assert table["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert table["SSEDescription"] == {"Status": "ENABLED", "SSEType": "KMS",
                                       "KMSMasterKeyArn": None}
    assert found["aws_dynamodb_table.plain"].properties["SSEDescription"] is None
    jobs = found["aws_sqs_queue.jobs"]
    assert jobs.properties["SqsManagedSseEnabled"] is False
    assert jobs.properties["Policy"] == {"Statement": []}
    assert jobs.unknown["RedrivePolicy"].startswith(UNRESOLVED)
    assert found["aws_sqs_queue.dlq"].properties["IsDeadLetterQueue"] is True
    assert found["aws_sqs_queue.dlq"].properties["SqsManagedSseEnabled"] is True
    topic = found["aws_sns_topic.alerts"]
    assert topic.properties["Subscriptions"][0]["Endpoint"] == "ops@example.com"
    assert topic.unknown["Policy"].startswith(UNRESOLVED)
    mapped_module = map_module(TfModule("data", [res("aws_sqs_queue.q", {"name": "q"})]))
    assert mapped_module.unjoined == 0
