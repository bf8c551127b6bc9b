"""Secrets Manager secrets of one region: metadata and resource policy, never the value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, policy_doc, tag_dict
from cloudwarden.core.model import Asset


def normalize_secret(listed: Mapping[str, Any], policy: Mapping[str, Any] | None
                     ) -> dict[str, Any]:
    """`listed` is a ListSecrets entry; `policy` the GetResourcePolicy answer (None: failed)."""
    rules = listed.get("RotationRules")
    return {
        "Name": listed["Name"],
        "ARN": listed["ARN"],
        "Description": listed.get("Description"),
        "KmsKeyId": listed.get("KmsKeyId"),
        "RotationEnabled": bool(listed.get("RotationEnabled")),
        "RotationLambdaARN": listed.get("RotationLambdaARN"),
        "RotationRules": None if not rules else {
            "AutomaticallyAfterDays": rules.get("AutomaticallyAfterDays"),
            "ScheduleExpression": rules.get("ScheduleExpression"),
            "Duration": rules.get("Duration")},
        "LastRotatedDate": iso(listed.get("LastRotatedDate")),
        "LastChangedDate": iso(listed.get("LastChangedDate")),
        "LastAccessedDate": iso(listed.get("LastAccessedDate")),
        "CreatedDate": iso(listed.get("CreatedDate")),
        "DeletedDate": iso(listed.get("DeletedDate")),
        "PrimaryRegion": listed.get("PrimaryRegion"),
        "ResourcePolicy": None if policy is None else policy_doc(policy.get("ResourcePolicy")),
        "Tags": tag_dict(listed.get("Tags")),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("secretsmanager", region)
    assets = []
    # ListSecrets returns metadata only; GetSecretValue is never called.
    for listed in api.pages("list_secrets", "SecretList") or []:
        policy = api.fetch("get_resource_policy", SecretId=listed["ARN"])
        doc = normalize_secret(listed, policy.value)
        assets.append(make_asset(ctx.account, region, "aws.secretsmanager.secret",
                                 listed["ARN"], listed["Name"], doc,
                                 failures({"ResourcePolicy": policy})))
    return assets
