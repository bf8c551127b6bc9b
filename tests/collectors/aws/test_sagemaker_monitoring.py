"""SageMaker model monitoring job definitions and schedules, collected from a real moto server.

moto implements the data quality, model quality, model bias and model explainability job
definitions (create, list, describe); it lacks monitoring schedules, so ListMonitoringSchedules
and DescribeMonitoringSchedule answer with canned replies (botocore `before-send`, see
`conftest.py`) written as AWS documents them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from tests.collectors.aws.conftest import canned

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.sagemaker_monitoring import normalize_schedule
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/monitor"
IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
RULES = ("aws.sagemaker.data_quality_job_network_isolation",
         "aws.sagemaker.model_bias_job_network_isolation",
         "aws.sagemaker.model_quality_job_intercontainer_encryption",
         "aws.sagemaker.monitoring_schedule_network_isolation")
_OUTPUT = {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://monitor/out",
                                               "LocalPath": "/opt/ml/processing/output"}}]}
_RESOURCES = {"ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.large",
                                "VolumeSizeInGB": 20}}
_ENDPOINT_INPUT = {"EndpointName": "ep", "LocalPath": "/opt/ml/processing/input"}


def seed(c: Callable[..., Any]) -> None:
    sm = c("sagemaker")
    for name, isolated in (("dq-isolated", True), ("dq-open", False)):
        sm.create_data_quality_job_definition(
            JobDefinitionName=name, RoleArn=ROLE, JobResources=_RESOURCES,
            DataQualityAppSpecification={"ImageUri": IMAGE},
            DataQualityJobInput={"EndpointInput": _ENDPOINT_INPUT},
            DataQualityJobOutputConfig=_OUTPUT,
            NetworkConfig={"EnableNetworkIsolation": isolated})
    sm.create_model_bias_job_definition(
        JobDefinitionName="bias-open", RoleArn=ROLE, JobResources=_RESOURCES,
        ModelBiasAppSpecification={"ImageUri": IMAGE, "ConfigUri": "s3://monitor/bias.json"},
        ModelBiasJobInput={"EndpointInput": _ENDPOINT_INPUT,
                           "GroundTruthS3Input": {"S3Uri": "s3://monitor/truth"}},
        ModelBiasJobOutputConfig=_OUTPUT)
    sm.create_model_quality_job_definition(
        JobDefinitionName="quality-encrypted", RoleArn=ROLE, JobResources=_RESOURCES,
        ModelQualityAppSpecification={"ImageUri": IMAGE, "ProblemType": "BinaryClassification"},
        ModelQualityJobInput={"EndpointInput": _ENDPOINT_INPUT,
                              "GroundTruthS3Input": {"S3Uri": "s3://monitor/truth"}},
        ModelQualityJobOutputConfig=_OUTPUT,
        NetworkConfig={"EnableInterContainerTrafficEncryption": True})


def _schedule(name: str, config: dict[str, Any]) -> dict[str, Any]:
    return {"MonitoringScheduleArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:"
                                     f"monitoring-schedule/{name}",
            "MonitoringScheduleName": name, "MonitoringScheduleStatus": "Scheduled",
            "MonitoringType": config.get("MonitoringType", "DataQuality"),
            "CreationTime": 1767225600.0, "EndpointName": "ep",
            "MonitoringScheduleConfig": config}


SCHEDULES = {
    # runs the data quality definition created without network isolation
    "by-name": _schedule("by-name", {"MonitoringJobDefinitionName": "dq-open",
                                     "MonitoringType": "DataQuality"}),
    "inline-isolated": _schedule("inline-isolated", {"MonitoringJobDefinition": {
        "RoleArn": ROLE, "NetworkConfig": {"EnableNetworkIsolation": True}}}),
}


def _json(payload: dict[str, Any]) -> AWSResponse:
    return canned(200, json.dumps(payload), "application/x-amz-json-1.1")


def _register_schedules(session: boto3.Session) -> None:
    def listed(**_: Any) -> AWSResponse:
        return _json({"MonitoringScheduleSummaries": [
            {k: s[k] for k in ("MonitoringScheduleName", "MonitoringScheduleArn",
                               "CreationTime", "MonitoringScheduleStatus")}
            for s in SCHEDULES.values()]})

    def described(request: Any, **_: Any) -> AWSResponse:
        name = json.loads(request.body)["MonitoringScheduleName"]
        return _json(SCHEDULES[name])

    def no_tags(**_: Any) -> AWSResponse:
        return _json({"Tags": []})

    def tags_of_schedules(request: Any, **_: Any) -> AWSResponse | None:
        # moto cannot resolve the ARN of a schedule it does not hold; other ARNs go to moto
        arn = json.loads(request.body)["ResourceArn"]
        return no_tags() if ":monitoring-schedule/" in arn else None

    session.events.register_first("before-send.sagemaker.ListMonitoringSchedules", listed)
    session.events.register("before-send.sagemaker.DescribeMonitoringSchedule", described)
    session.events.register("before-send.sagemaker.ListTags", tags_of_schedules)


@pytest.fixture
def inv(aws_session: boto3.Session, make_client: Callable[..., Any],
        aws_endpoint: str) -> Inventory:
    seed(make_client)
    _register_schedules(aws_session)
    return collect(AwsScanOptions(regions=(REGION,), services=("sagemaker",),
                                  endpoint_url=aws_endpoint), session=aws_session)


def test_documents_have_exactly_the_declared_fields(inv: Inventory) -> None:
    assert inv.errors == []
    registry = default_registry()
    for type_ in ("aws.sagemaker.monitoring_job_definition", "aws.sagemaker.monitoring_schedule"):
        spec = registry[type_]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        assets = inv.of_type(type_)
        assert assets, type_
        for asset in assets:
            assert set(asset.properties) == top, asset.ref
            assert asset.ref.id == asset.properties[spec.id_field]
            assert asset.unknown == {}


def test_collected_values(inv: Inventory) -> None:
    defs = {a.name: a.properties for a in inv.of_type("aws.sagemaker.monitoring_job_definition")}
    assert {n: d["JobType"] for n, d in defs.items()} == {
        "dq-isolated": "DataQuality", "dq-open": "DataQuality", "bias-open": "ModelBias",
        "quality-encrypted": "ModelQuality"}
    assert defs["dq-isolated"]["EnableNetworkIsolation"] is True
    assert defs["bias-open"]["EnableNetworkIsolation"] is False
    assert defs["quality-encrypted"]["EnableInterContainerTrafficEncryption"] is True
    assert defs["dq-open"]["InstanceCount"] == 2
    schedules = {a.name: a.properties for a in inv.of_type("aws.sagemaker.monitoring_schedule")}
    assert schedules["by-name"]["MonitoringJobDefinitionName"] == "dq-open"
    assert schedules["by-name"]["EnableNetworkIsolation"] is None
    assert schedules["inline-isolated"]["InlineJobDefinition"] is True
    assert schedules["inline-isolated"]["CreationTime"] == "2026-01-01T00:00:00+00:00"


def test_rules_judge_the_collected_resources(inv: Inventory) -> None:
    specs, problems = load_rules(known_types=default_registry().names())
    assert problems == []
    findings = Engine([s for s in specs if s.id in RULES]).assess(inv)
    statuses = {(f.rule_id, inv.get(f.asset).name): f.status  # type: ignore[union-attr]
                for f in findings}
    dq, bias, quality, schedule = RULES
    assert statuses[(dq, "dq-isolated")] is Status.PASS
    assert statuses[(dq, "dq-open")] is Status.FAIL
    assert statuses[(dq, "bias-open")] is Status.NOT_APPLICABLE
    assert statuses[(bias, "bias-open")] is Status.FAIL
    assert statuses[(quality, "quality-encrypted")] is Status.PASS
    assert statuses[(schedule, "by-name")] is Status.FAIL
    assert statuses[(schedule, "inline-isolated")] is Status.PASS


def test_normalize_schedule_minimal_answer() -> None:
    doc = normalize_schedule({"MonitoringScheduleName": "s", "MonitoringScheduleArn": "arn:s"},
                             None)
    assert doc["InlineJobDefinition"] is False and doc["Tags"] is None
    assert doc["VpcConfig"] is None and doc["EnableNetworkIsolation"] is None
