"""AWS WAF (v2) web ACLs of one region, with rules, metrics and logging. Web ACLs of CloudFront
(scope CLOUDFRONT) live in us-east-1 and are collected with that region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, pick, tag_dict
from cloudwarden.core.model import Asset

_CLOUDFRONT_REGION = "us-east-1"
_VISIBILITY = ("CloudWatchMetricsEnabled", "SampledRequestsEnabled", "MetricName")


def _key(choice: Mapping[str, Any] | None) -> str | None:
    """WAF actions are objects with one key ({"Block": {}}): the key names the action."""
    return next(iter(choice), None) if choice else None


def normalize_web_acl(raw: Mapping[str, Any], scope: str, *,
                      logging: Mapping[str, Any] | None,
                      tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "Name": raw["Name"],
        "Id": raw["Id"],
        "ARN": raw["ARN"],
        "Scope": scope,
        "Description": raw.get("Description") or None,
        "DefaultAction": _key(raw.get("DefaultAction")),
        "Capacity": raw.get("Capacity"),
        "Rules": [{
            "Name": r.get("Name"),
            "Priority": r.get("Priority"),
            "Action": _key(r.get("Action")),
            "OverrideAction": _key(r.get("OverrideAction")),
            "Statement": r.get("Statement"),
            "VisibilityConfig": pick(r.get("VisibilityConfig"), *_VISIBILITY),
        } for r in raw.get("Rules") or []],
        "VisibilityConfig": pick(raw.get("VisibilityConfig"), *_VISIBILITY),
        "LoggingConfiguration": None if not logging else {
            "LogDestinationConfigs": list(logging.get("LogDestinationConfigs") or []),
            "RedactedFields": list(logging.get("RedactedFields") or []),
        },
        "Tags": None if tags is None else tag_dict(tags),
    }


def _scope(ctx: ScanContext, region: str, scope: str) -> list[Asset]:
    api = ctx.api("wafv2", region)
    listed = api.call("list_web_acls", Scope=scope)
    summaries = list((listed or {}).get("WebACLs") or [])
    marker = (listed or {}).get("NextMarker")
    while marker:
        more = api.call("list_web_acls", Scope=scope, NextMarker=marker)
        if more is None:
            break
        summaries += more.get("WebACLs") or []
        marker = more.get("NextMarker")
    assets = []
    for summary in summaries:
        got = api.call("get_web_acl", Name=summary["Name"], Id=summary["Id"], Scope=scope)
        if got is None:
            continue  # the error is recorded; without the ACL there is no document
        raw = got["WebACL"]
        logging = api.fetch("get_logging_configuration", ResourceArn=raw["ARN"],
                            absent=("WAFNonexistentItemException",))
        tags = api.fetch("list_tags_for_resource", ResourceARN=raw["ARN"])
        fetched: dict[str, Fetched[Any]] = {"LoggingConfiguration": logging, "Tags": tags}
        doc = normalize_web_acl(
            raw, scope,
            logging=None if logging.value is None else logging.value.get("LoggingConfiguration"),
            tags=None if tags.value is None else (tags.value.get("TagInfoForResource") or {}).get(
                "TagList") or [])
        assets.append(make_asset(ctx.account, region, "aws.wafv2.web_acl", raw["ARN"],
                                 raw["Name"], doc, failures(fetched)))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    assets = _scope(ctx, region, "REGIONAL")
    if region == _CLOUDFRONT_REGION:
        assets += _scope(ctx, region, "CLOUDFRONT")
    return assets
