"""Lambda functions of one region: configuration, resource policy, function URL, code signing.

Environment variable values are never kept, only their names (and those that look like secrets).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, policy_doc, tag_dict
from cloudwarden.core.model import Asset
from cloudwarden.core.secretnames import secret_like

_NOT_FOUND = ("ResourceNotFoundException",)


def vpc_config(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """AWS reports an empty VpcConfig for functions outside any VPC: that is null here."""
    if not raw or not raw.get("SubnetIds"):
        return None
    return {"SubnetIds": list(raw.get("SubnetIds") or []),
            "SecurityGroupIds": list(raw.get("SecurityGroupIds") or []),
            "VpcId": raw.get("VpcId") or None}


def url_config(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    cors = raw.get("Cors")
    return {"FunctionUrl": raw.get("FunctionUrl"), "AuthType": raw.get("AuthType"),
            "Cors": dict(cors) if cors else None}


def normalize_function(fn: Mapping[str, Any], *, policy: Mapping[str, Any] | None,
                       url: Mapping[str, Any] | None, signing: Mapping[str, Any] | None,
                       tags: Mapping[str, Any] | None) -> dict[str, Any]:
    """`policy`, `url`, `signing`: the call's answer ({} when none is configured), None when
    the call failed; `tags` the ListTags Tags map."""
    names = sorted((fn.get("Environment") or {}).get("Variables") or {})
    tracing = fn.get("TracingConfig")
    dlq = fn.get("DeadLetterConfig") or {}
    return {
        "FunctionName": fn["FunctionName"],
        "FunctionArn": fn["FunctionArn"],
        "Runtime": fn.get("Runtime"),
        "PackageType": fn.get("PackageType"),
        "Handler": fn.get("Handler"),
        "Role": fn.get("Role"),
        "Architectures": list(fn.get("Architectures") or []),
        "LastModified": iso(fn.get("LastModified")),
        "Timeout": fn.get("Timeout"),
        "MemorySize": fn.get("MemorySize"),
        "KMSKeyArn": fn.get("KMSKeyArn") or None,
        "EnvironmentVariableNames": names,
        "SecretLikeEnvironmentVariableNames": secret_like(names),
        "VpcConfig": vpc_config(fn.get("VpcConfig")),
        "TracingConfig": pick(tracing, "Mode") if tracing else None,
        "DeadLetterConfig": {"TargetArn": dlq["TargetArn"]} if dlq.get("TargetArn") else None,
        "Policy": None if policy is None else policy_doc(policy.get("Policy")),
        "FunctionUrlConfig": url_config(url),
        "CodeSigningConfigArn": None if signing is None
        else signing.get("CodeSigningConfigArn") or None,
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("lambda", region)
    assets = []
    for fn in api.pages("list_functions", "Functions") or []:
        name, arn = fn["FunctionName"], fn["FunctionArn"]
        tags = api.fetch("list_tags", Resource=arn)
        fetched: dict[str, Fetched[Any]] = {
            "Policy": api.fetch("get_policy", FunctionName=name, absent=_NOT_FOUND),
            "FunctionUrlConfig": api.fetch("get_function_url_config", FunctionName=name,
                                           absent=_NOT_FOUND),
            "CodeSigningConfigArn": api.fetch("get_function_code_signing_config",
                                              FunctionName=name),
            "Tags": Fetched(None if tags.value is None else tags.value.get("Tags") or {},
                            tags.failure),
        }
        doc = normalize_function(fn, policy=fetched["Policy"].value,
                                 url=fetched["FunctionUrlConfig"].value,
                                 signing=fetched["CodeSigningConfigArn"].value,
                                 tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.lambda.function", arn, name, doc,
                                 failures(fetched)))
    return assets
