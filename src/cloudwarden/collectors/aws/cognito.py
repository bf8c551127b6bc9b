"""Cognito in one region: user pools (MFA, threat protection, password policy) and identity
pools (unauthenticated access)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset

_PASSWORD_KEYS = ("MinimumLength", "RequireUppercase", "RequireLowercase", "RequireNumbers",
                  "RequireSymbols", "PasswordHistorySize", "TemporaryPasswordValidityDays")


def normalize_user_pool(pool: Mapping[str, Any]) -> dict[str, Any]:
    """`pool` is DescribeUserPool's UserPool."""
    password = (pool.get("Policies") or {}).get("PasswordPolicy")
    addons = pool.get("UserPoolAddOns")
    return {
        "Id": pool["Id"],
        "Name": pool["Name"],
        "Arn": pool["Arn"],
        "MfaConfiguration": pool.get("MfaConfiguration") or "OFF",
        "AdvancedSecurityMode": None if not addons else addons.get("AdvancedSecurityMode"),
        "AdvancedSecurityCustomAuthMode": ((addons or {}).get("AdvancedSecurityAdditionalFlows")
                                           or {}).get("CustomAuthMode"),
        "PasswordPolicy": None if password is None
        else {k: password.get(k) for k in _PASSWORD_KEYS},
        "DeletionProtection": pool.get("DeletionProtection"),
        "EstimatedNumberOfUsers": pool.get("EstimatedNumberOfUsers"),
        "CreationDate": iso(pool.get("CreationDate")),
        "Tags": tag_dict(pool.get("UserPoolTags")),
    }


def normalize_identity_pool(arn: str, pool: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "IdentityPoolId": pool["IdentityPoolId"],
        "IdentityPoolName": pool["IdentityPoolName"],
        "Arn": arn,
        "AllowUnauthenticatedIdentities": bool(pool.get("AllowUnauthenticatedIdentities")),
        "AllowClassicFlow": bool(pool.get("AllowClassicFlow")),
        "Tags": tag_dict(pool.get("IdentityPoolTags")),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    idp = ctx.api("cognito-idp", region)
    assets = []
    for listed in idp.pages("list_user_pools", "UserPools", MaxResults=60) or []:
        described = idp.call("describe_user_pool", UserPoolId=listed["Id"])
        if described is None:
            continue
        doc = normalize_user_pool(described["UserPool"])
        assets.append(make_asset(ctx.account, region, "aws.cognito.user_pool", doc["Arn"],
                                 doc["Name"], doc))
    identity = ctx.api("cognito-identity", region)
    for listed in identity.pages("list_identity_pools", "IdentityPools", MaxResults=60) or []:
        pool = identity.call("describe_identity_pool", IdentityPoolId=listed["IdentityPoolId"])
        if pool is None:
            continue
        arn = ctx.arn("cognito-identity", region, f"identitypool/{pool['IdentityPoolId']}")
        doc = normalize_identity_pool(arn, pool)
        assets.append(make_asset(ctx.account, region, "aws.cognito.identity_pool", arn,
                                 doc["IdentityPoolName"], doc))
    return assets
