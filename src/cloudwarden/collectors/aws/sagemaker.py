"""SageMaker in one region: notebook instances, endpoint configurations and models, and (in
`sagemaker_monitoring`) model monitoring job definitions and schedules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws import sagemaker_monitoring
from cloudwarden.collectors.aws._context import Api, ScanContext
from cloudwarden.collectors.aws._shapes import iso, tag_dict
from cloudwarden.collectors.aws.sagemaker_monitoring import described_assets
from cloudwarden.core.model import Asset


def normalize_notebook(nb: Mapping[str, Any],
                       tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`nb` is DescribeNotebookInstance's answer."""
    return {
        "NotebookInstanceName": nb["NotebookInstanceName"],
        "NotebookInstanceArn": nb["NotebookInstanceArn"],
        "NotebookInstanceStatus": nb.get("NotebookInstanceStatus"),
        "InstanceType": nb.get("InstanceType"),
        "DirectInternetAccess": nb.get("DirectInternetAccess"),
        "RootAccess": nb.get("RootAccess"),
        "KmsKeyId": nb.get("KmsKeyId") or None,
        "SubnetId": nb.get("SubnetId") or None,
        "SecurityGroups": list(nb.get("SecurityGroups") or []),
        "PlatformIdentifier": nb.get("PlatformIdentifier"),
        "RoleArn": nb.get("RoleArn"),
        "CreationTime": iso(nb.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def normalize_endpoint_config(raw: Mapping[str, Any],
                              tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`raw` is DescribeEndpointConfig's answer."""
    return {
        "EndpointConfigName": raw["EndpointConfigName"],
        "EndpointConfigArn": raw["EndpointConfigArn"],
        "ProductionVariants": [{
            "VariantName": v.get("VariantName"),
            "ModelName": v.get("ModelName"),
            "InstanceType": v.get("InstanceType"),
            "InitialInstanceCount": v.get("InitialInstanceCount"),
            "Serverless": bool(v.get("ServerlessConfig")),
        } for v in raw.get("ProductionVariants") or []],
        "KmsKeyId": raw.get("KmsKeyId") or None,
        "CreationTime": iso(raw.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def normalize_model(raw: Mapping[str, Any],
                    tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`raw` is DescribeModel's answer."""
    vpc = raw.get("VpcConfig")
    return {
        "ModelName": raw["ModelName"],
        "ModelArn": raw["ModelArn"],
        "ExecutionRoleArn": raw.get("ExecutionRoleArn"),
        # AWS leaves the flag out when isolation was never requested
        "EnableNetworkIsolation": bool(raw.get("EnableNetworkIsolation", False)),
        "VpcConfig": None if not vpc else {
            "Subnets": list(vpc.get("Subnets") or []),
            "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or [])},
        "CreationTime": iso(raw.get("CreationTime")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def _notebooks(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    return described_assets(
        ctx, api, region, "aws.sagemaker.notebook_instance",
        api.pages("list_notebook_instances", "NotebookInstances") or [],
        lambda listed: api.call("describe_notebook_instance",
                                NotebookInstanceName=listed["NotebookInstanceName"]),
        normalize_notebook, "NotebookInstanceArn", "NotebookInstanceName")


def _endpoint_configs(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    return described_assets(
        ctx, api, region, "aws.sagemaker.endpoint_config",
        api.pages("list_endpoint_configs", "EndpointConfigs") or [],
        lambda listed: api.call("describe_endpoint_config",
                                EndpointConfigName=listed["EndpointConfigName"]),
        normalize_endpoint_config, "EndpointConfigArn", "EndpointConfigName")


def _models(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    return described_assets(
        ctx, api, region, "aws.sagemaker.model", api.pages("list_models", "Models") or [],
        lambda listed: api.call("describe_model", ModelName=listed["ModelName"]),
        normalize_model, "ModelArn", "ModelName")


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("sagemaker", region)
    return (_notebooks(ctx, api, region) + _endpoint_configs(ctx, api, region)
            + _models(ctx, api, region) + sagemaker_monitoring.collect_region(ctx, api, region))
