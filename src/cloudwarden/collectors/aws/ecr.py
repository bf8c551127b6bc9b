"""ECR private repositories of one region: scanning, tag mutability, encryption, policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, policy_doc, tag_dict
from cloudwarden.core.model import Asset


def normalize_scanning(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """GetRegistryScanningConfiguration's scanningConfiguration."""
    if raw is None:
        return None
    return {"scanType": raw.get("scanType"),
            "rules": [{"scanFrequency": r.get("scanFrequency"),
                       "repositoryFilters": [dict(f) for f in r.get("repositoryFilters") or []]}
                      for r in raw.get("rules") or []]}


def normalize_repository(repo: Mapping[str, Any], *, policy: Mapping[str, Any] | None,
                         lifecycle: Mapping[str, Any] | None,
                         scanning: Mapping[str, Any] | None,
                         tags: list[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`policy`, `lifecycle`: the call's answer ({} when none is set), None when it failed."""
    scan = repo.get("imageScanningConfiguration") or {}
    enc = repo.get("encryptionConfiguration") or {}
    return {
        "repositoryArn": repo["repositoryArn"],
        "repositoryName": repo["repositoryName"],
        "repositoryUri": repo.get("repositoryUri"),
        "registryId": repo.get("registryId"),
        "createdAt": iso(repo.get("createdAt")),
        "imageTagMutability": repo.get("imageTagMutability"),
        "imageScanningConfiguration": {"scanOnPush": scan.get("scanOnPush")},
        "encryptionConfiguration": {"encryptionType": enc.get("encryptionType"),
                                    "kmsKey": enc.get("kmsKey") or None},
        "RegistryScanningConfiguration": normalize_scanning(scanning),
        "Policy": None if policy is None else policy_doc(policy.get("policyText")),
        "LifecyclePolicy": None if lifecycle is None
        else policy_doc(lifecycle.get("lifecyclePolicyText")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("ecr", region)
    repos = api.pages("describe_repositories", "repositories") or []
    if not repos:
        return []
    registry = api.fetch("get_registry_scanning_configuration")
    scanning = Fetched(None if registry.value is None
                       else registry.value.get("scanningConfiguration") or {}, registry.failure)
    assets = []
    for repo in repos:
        name = repo["repositoryName"]
        fetched: dict[str, Fetched[Any]] = {
            "Policy": api.fetch("get_repository_policy", repositoryName=name,
                                absent=("RepositoryPolicyNotFoundException",)),
            "LifecyclePolicy": api.fetch("get_lifecycle_policy", repositoryName=name,
                                         absent=("LifecyclePolicyNotFoundException",)),
            "RegistryScanningConfiguration": scanning,
            "Tags": api.fetch_pages("list_tags_for_resource", "tags",
                                    resourceArn=repo["repositoryArn"]),
        }
        doc = normalize_repository(repo, policy=fetched["Policy"].value,
                                   lifecycle=fetched["LifecyclePolicy"].value,
                                   scanning=scanning.value, tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.ecr.repository",
                                 repo["repositoryArn"], name, doc, failures(fetched)))
    return assets
