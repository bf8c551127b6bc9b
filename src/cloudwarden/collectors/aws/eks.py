"""EKS clusters of one region: API endpoint access, control plane logging, secrets encryption."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset


def normalize_cluster(cluster: Mapping[str, Any]) -> dict[str, Any]:
    vpc = cluster.get("resourcesVpcConfig") or {}
    logging = (cluster.get("logging") or {}).get("clusterLogging") or []
    return {
        "name": cluster["name"],
        "arn": cluster["arn"],
        "version": cluster.get("version"),
        "platformVersion": cluster.get("platformVersion"),
        "status": cluster.get("status"),
        "roleArn": cluster.get("roleArn"),
        "createdAt": iso(cluster.get("createdAt")),
        "resourcesVpcConfig": {
            "vpcId": vpc.get("vpcId"),
            "subnetIds": list(vpc.get("subnetIds") or []),
            "securityGroupIds": list(vpc.get("securityGroupIds") or []),
            "endpointPublicAccess": vpc.get("endpointPublicAccess"),
            "endpointPrivateAccess": vpc.get("endpointPrivateAccess"),
            "publicAccessCidrs": list(vpc.get("publicAccessCidrs") or []),
        },
        "logging": {"clusterLogging": [
            {"types": list(entry.get("types") or []), "enabled": entry.get("enabled")}
            for entry in logging]},
        "encryptionConfig": [
            {"resources": list(e.get("resources") or []),
             "provider": {"keyArn": (e.get("provider") or {}).get("keyArn")}}
            for e in cluster.get("encryptionConfig") or []],
        "Tags": tag_dict(cluster.get("tags")),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("eks", region)
    assets = []
    for name in api.pages("list_clusters", "clusters") or []:
        described = api.call("describe_cluster", name=name)
        if described is None:
            continue
        cluster = described["cluster"]
        assets.append(make_asset(ctx.account, region, "aws.eks.cluster", cluster["arn"], name,
                                 normalize_cluster(cluster)))
    return assets
