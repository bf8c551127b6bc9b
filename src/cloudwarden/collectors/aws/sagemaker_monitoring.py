"""SageMaker model monitoring in one region: the four kinds of monitoring job definitions (data
quality, model quality, model bias, model explainability) and the monitoring schedules that run
them, with their network settings (network isolation, inter-container traffic encryption)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset

__all__ = ["JOB_KINDS", "collect_region", "described_assets", "normalize_job_definition",
           "normalize_schedule"]

#: JobType -> (list operation, describe operation, prefix of the kind's input/output keys)
JOB_KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("DataQuality", "list_data_quality_job_definitions", "describe_data_quality_job_definition",
     "DataQuality"),
    ("ModelQuality", "list_model_quality_job_definitions",
     "describe_model_quality_job_definition", "ModelQuality"),
    ("ModelBias", "list_model_bias_job_definitions", "describe_model_bias_job_definition",
     "ModelBias"),
    ("ModelExplainability", "list_model_explainability_job_definitions",
     "describe_model_explainability_job_definition", "ModelExplainability"),
)


def _network(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    config = raw or {}
    vpc = config.get("VpcConfig")
    return {
        # AWS leaves the flags out when they were never requested
        "EnableNetworkIsolation": bool(config.get("EnableNetworkIsolation", False)),
        "EnableInterContainerTrafficEncryption": bool(
            config.get("EnableInterContainerTrafficEncryption", False)),
        "VpcConfig": None if not vpc else {
            "Subnets": list(vpc.get("Subnets") or []),
            "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or [])},
    }


def normalize_job_definition(raw: Mapping[str, Any], job_type: str, prefix: str,
                             tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`raw` is the Describe<Kind>JobDefinition answer of `job_type`."""
    cluster = (raw.get("JobResources") or {}).get("ClusterConfig") or {}
    output = raw.get(f"{prefix}JobOutputConfig") or {}
    return {
        "JobDefinitionName": raw["JobDefinitionName"],
        "JobDefinitionArn": raw["JobDefinitionArn"],
        "JobType": job_type,
        "RoleArn": raw.get("RoleArn"),
        **_network(raw.get("NetworkConfig")),
        "InstanceCount": cluster.get("InstanceCount"),
        "InstanceType": cluster.get("InstanceType"),
        "VolumeKmsKeyId": cluster.get("VolumeKmsKeyId") or None,
        "OutputKmsKeyId": output.get("KmsKeyId") or None,
        "CreationTime": iso(raw.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def normalize_schedule(raw: Mapping[str, Any],
                       tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`raw` is DescribeMonitoringSchedule's answer."""
    config = raw.get("MonitoringScheduleConfig") or {}
    inline = config.get("MonitoringJobDefinition")
    network = _network(inline.get("NetworkConfig")) if inline else dict.fromkeys(
        ("EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "VpcConfig"))
    return {
        "MonitoringScheduleName": raw["MonitoringScheduleName"],
        "MonitoringScheduleArn": raw["MonitoringScheduleArn"],
        "MonitoringScheduleStatus": raw.get("MonitoringScheduleStatus"),
        "MonitoringType": raw.get("MonitoringType") or config.get("MonitoringType"),
        "EndpointName": raw.get("EndpointName"),
        "MonitoringJobDefinitionName": config.get("MonitoringJobDefinitionName") or None,
        "InlineJobDefinition": bool(inline),
        **network,
        "CreationTime": iso(raw.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def _job_definitions(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for job_type, list_op, describe_op, prefix in JOB_KINDS:
        # the closures are used at once, within their own iteration
        assets += described_assets(
            ctx, api, region, "aws.sagemaker.monitoring_job_definition",
            api.pages(list_op, "JobDefinitionSummaries") or [],
            lambda listed: api.call(
                describe_op,  # noqa: B023
                JobDefinitionName=listed["MonitoringJobDefinitionName"]),
            lambda raw, tags: normalize_job_definition(raw, job_type, prefix, tags),  # noqa: B023
            "JobDefinitionArn", "JobDefinitionName")
    return assets


def _schedules(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    return described_assets(
        ctx, api, region, "aws.sagemaker.monitoring_schedule",
        api.pages("list_monitoring_schedules", "MonitoringScheduleSummaries") or [],
        lambda listed: api.call("describe_monitoring_schedule",
                                MonitoringScheduleName=listed["MonitoringScheduleName"]),
        normalize_schedule, "MonitoringScheduleArn", "MonitoringScheduleName")


def collect_region(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    """Called by the SageMaker collector with its client."""
    return _job_definitions(ctx, api, region) + _schedules(ctx, api, region)


def described_assets(ctx: ScanContext, api: Api, region: str, asset_type: str,
                     listed: Iterable[Mapping[str, Any]],
                     describe: Callable[[Mapping[str, Any]], Mapping[str, Any] | None],
                     normalize: Callable[[Mapping[str, Any], Any], dict[str, Any]],
                     arn_key: str, name_key: str) -> list[Asset]:
    """SageMaker's shape of collection: each listed item described, its tags listed by ARN,
    normalized into one asset (a failed tag listing marks `Tags` unknown)."""
    assets = []
    for item in listed:
        raw = describe(item)
        if raw is None:
            continue
        tags = api.fetch_pages("list_tags", "Tags", ResourceArn=raw[arn_key])
        doc = normalize(raw, tags.value)
        assets.append(make_asset(ctx.account, region, asset_type, doc[arn_key], doc[name_key],
                                 doc, failures({"Tags": tags})))
    return assets
