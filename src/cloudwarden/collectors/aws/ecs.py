"""ECS of one region: the latest active revision of every task definition family, capacity
providers, clusters and their services (with their task sets). Container environment variable
values are never kept, only their names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Api, ScanContext
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset
from cloudwarden.core.secretnames import secret_like

_CLUSTER_BATCH = 100  # DescribeClusters takes at most 100 clusters
_SERVICE_BATCH = 10  # DescribeServices takes at most 10 services


def normalize_container(raw: Mapping[str, Any]) -> dict[str, Any]:
    names = [str(v.get("name")) for v in raw.get("environment") or [] if v.get("name")]
    log = raw.get("logConfiguration")
    return {
        "name": raw.get("name"),
        "image": raw.get("image"),
        "privileged": raw.get("privileged"),
        "readonlyRootFilesystem": raw.get("readonlyRootFilesystem"),
        "user": raw.get("user") or None,
        "environmentVariableNames": names,
        "secretLikeEnvironmentVariableNames": secret_like(names),
        "environmentFiles": [dict(f) for f in raw.get("environmentFiles") or []],
        "secrets": [{"name": s.get("name"), "valueFrom": s.get("valueFrom")}
                    for s in raw.get("secrets") or []],
        "logConfiguration": {"logDriver": log.get("logDriver"),
                             "options": dict(log.get("options") or {})} if log else None,
        "linuxParameters": dict(raw["linuxParameters"]) if raw.get("linuxParameters") else None,
        "essential": raw.get("essential"),
    }


def normalize_volume(raw: Mapping[str, Any]) -> dict[str, Any]:
    efs = raw.get("efsVolumeConfiguration")
    return {
        "name": raw.get("name"),
        "efsVolumeConfiguration": None if not efs else {
            "fileSystemId": efs.get("fileSystemId"),
            "rootDirectory": efs.get("rootDirectory"),
            "transitEncryption": efs.get("transitEncryption")},
    }


def normalize_task_definition(td: Mapping[str, Any],
                              tags: list[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "taskDefinitionArn": td["taskDefinitionArn"],
        "family": td["family"],
        "revision": td.get("revision"),
        "status": td.get("status"),
        "networkMode": td.get("networkMode"),
        "pidMode": td.get("pidMode"),
        "ipcMode": td.get("ipcMode"),
        "requiresCompatibilities": list(td.get("requiresCompatibilities") or []),
        "taskRoleArn": td.get("taskRoleArn"),
        "executionRoleArn": td.get("executionRoleArn"),
        "registeredAt": iso(td.get("registeredAt")),
        "containerDefinitions": [normalize_container(c)
                                 for c in td.get("containerDefinitions") or []],
        "runtimePlatform": pick(td.get("runtimePlatform"), "operatingSystemFamily",
                                "cpuArchitecture"),
        "volumes": [normalize_volume(v) for v in td.get("volumes") or []],
        "Tags": None if tags is None else tag_dict(tags),
    }


def normalize_cluster(cluster: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "clusterArn": cluster["clusterArn"],
        "clusterName": cluster["clusterName"],
        "status": cluster.get("status"),
        "settings": [{"name": s.get("name"), "value": s.get("value")}
                     for s in cluster.get("settings") or []],
        "configuration": dict(cluster["configuration"]) if cluster.get("configuration")
        else None,
        "activeServicesCount": cluster.get("activeServicesCount"),
        "registeredContainerInstancesCount": cluster.get("registeredContainerInstancesCount"),
        "Tags": tag_dict(cluster.get("tags")),
    }


def normalize_service(service: Mapping[str, Any]) -> dict[str, Any]:
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    return {
        "serviceArn": service["serviceArn"],
        "serviceName": service["serviceName"],
        "clusterArn": service.get("clusterArn"),
        "status": service.get("status"),
        "launchType": service.get("launchType"),
        "platformVersion": service.get("platformVersion"),
        "taskDefinition": service.get("taskDefinition"),
        "networkConfiguration": None if not vpc else {"awsvpcConfiguration": {
            "subnets": list(vpc.get("subnets") or []),
            "securityGroups": list(vpc.get("securityGroups") or []),
            "assignPublicIp": vpc.get("assignPublicIp")}},
        "taskSets": [normalize_task_set(t) for t in service.get("taskSets") or []],
        "Tags": tag_dict(service.get("tags")),
    }


def normalize_task_set(raw: Mapping[str, Any]) -> dict[str, Any]:
    vpc = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return {
        "id": raw.get("id"),
        "taskSetArn": raw.get("taskSetArn"),
        "status": raw.get("status"),
        "assignPublicIp": vpc.get("assignPublicIp"),
    }


def normalize_capacity_provider(raw: Mapping[str, Any]) -> dict[str, Any]:
    asg = raw.get("autoScalingGroupProvider")
    return {
        "capacityProviderArn": raw["capacityProviderArn"],
        "name": raw["name"],
        "status": raw.get("status"),
        "autoScalingGroupProvider": None if not asg else {
            "autoScalingGroupArn": asg.get("autoScalingGroupArn"),
            "managedScaling": pick(asg.get("managedScaling"), "status", "targetCapacity"),
            "managedTerminationProtection": asg.get("managedTerminationProtection"),
            "managedDraining": asg.get("managedDraining")},
        "Tags": tag_dict(raw.get("tags")),
    }


def _task_definitions(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for family in api.pages("list_task_definition_families", "families", status="ACTIVE") or []:
        # Describing a family name returns its latest ACTIVE revision, the one new tasks use.
        described = api.call("describe_task_definition", taskDefinition=family, include=["TAGS"])
        if described is None:
            continue
        td = described["taskDefinition"]
        doc = normalize_task_definition(td, described.get("tags") or [])
        assets.append(make_asset(ctx.account, region, "aws.ecs.task_definition",
                                 td["taskDefinitionArn"], f"{family}:{td.get('revision')}", doc))
    return assets


def _services(ctx: ScanContext, api: Api, region: str, cluster_arn: str) -> list[Asset]:
    arns = api.pages("list_services", "serviceArns", cluster=cluster_arn) or []
    assets = []
    for i in range(0, len(arns), _SERVICE_BATCH):
        described = api.call("describe_services", cluster=cluster_arn,
                             services=arns[i:i + _SERVICE_BATCH], include=["TAGS"])
        for service in (described or {}).get("services") or []:
            assets.append(make_asset(ctx.account, region, "aws.ecs.service",
                                     service["serviceArn"], service["serviceName"],
                                     normalize_service(service)))
    return assets


def _capacity_providers(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    """Every capacity provider of the region (no names = all, AWS's FARGATE ones included);
    DescribeCapacityProviders pages with nextToken but has no botocore paginator."""
    assets = []
    token: str | None = None
    while True:
        page = api.call("describe_capacity_providers", include=["TAGS"],
                        **({"nextToken": token} if token else {}))
        for raw in (page or {}).get("capacityProviders") or []:
            doc = normalize_capacity_provider(raw)
            assets.append(make_asset(ctx.account, region, "aws.ecs.capacity_provider",
                                     doc["capacityProviderArn"], doc["name"], doc))
        token = (page or {}).get("nextToken")
        if not token:
            return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("ecs", region)
    assets = _task_definitions(ctx, api, region) + _capacity_providers(ctx, api, region)
    arns = api.pages("list_clusters", "clusterArns") or []
    for i in range(0, len(arns), _CLUSTER_BATCH):
        described = api.call("describe_clusters", clusters=arns[i:i + _CLUSTER_BATCH],
                             include=["SETTINGS", "CONFIGURATIONS", "TAGS"])
        for cluster in (described or {}).get("clusters") or []:
            assets.append(make_asset(ctx.account, region, "aws.ecs.cluster",
                                     cluster["clusterArn"], cluster["clusterName"],
                                     normalize_cluster(cluster)))
            assets += _services(ctx, api, region, cluster["clusterArn"])
    return assets
