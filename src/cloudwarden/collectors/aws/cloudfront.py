"""CloudFront distributions (a global service): viewer and origin TLS, logging, WAF, origin
access for S3 origins."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import GLOBAL, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset

#: fields only the full distribution config carries (the list summary lacks them)
_CONFIG_ONLY = ("DefaultRootObject", "Logging")
#: an S3 REST endpoint (bucket.s3.amazonaws.com, bucket.s3.<region>.amazonaws.com); website
#: endpoints (s3-website) are custom origins
_S3_REST = re.compile(r"\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$")


def _items(container: Mapping[str, Any] | None) -> list[Any]:
    """CloudFront wraps lists as {Quantity, Items}; Items is absent when Quantity is 0."""
    return list((container or {}).get("Items") or [])


def _behavior(raw: Mapping[str, Any] | None, *, path: bool) -> dict[str, Any] | None:
    if raw is None:
        return None
    out = {
        "TargetOriginId": raw.get("TargetOriginId"),
        "ViewerProtocolPolicy": raw.get("ViewerProtocolPolicy"),
        "FieldLevelEncryptionId": raw.get("FieldLevelEncryptionId") or None,
    }
    return {"PathPattern": raw.get("PathPattern"), **out} if path else out


def normalize_origin(raw: Mapping[str, Any]) -> dict[str, Any]:
    s3 = raw.get("S3OriginConfig")
    custom = raw.get("CustomOriginConfig")
    return {
        "Id": raw.get("Id"),
        "DomainName": raw.get("DomainName"),
        # an S3 origin whose OriginAccessIdentity is "" may come back without S3OriginConfig
        "S3Origin": s3 is not None or (
            custom is None and bool(_S3_REST.search(raw.get("DomainName") or ""))),
        "OriginAccessIdentity": (s3 or {}).get("OriginAccessIdentity") or None,
        "OriginAccessControlId": raw.get("OriginAccessControlId") or None,
        "OriginProtocolPolicy": None if custom is None else custom.get("OriginProtocolPolicy"),
        "OriginSslProtocols": [] if custom is None else _items(custom.get("OriginSslProtocols")),
    }


def normalize_distribution(summary: Mapping[str, Any], *, config: Mapping[str, Any] | None,
                           tags: Mapping[str, Any] | None) -> dict[str, Any]:
    """`summary`: a ListDistributions item; `config`: the DistributionConfig of GetDistribution
    (preferred where both say the same), None when it could not be read."""
    src: Mapping[str, Any] = config if config is not None else summary
    viewer = src.get("ViewerCertificate")
    logging = None if config is None else config.get("Logging")
    geo = ((src.get("Restrictions") or {}).get("GeoRestriction") or {}).get("RestrictionType")
    return {
        "Id": summary["Id"],
        "ARN": summary["ARN"],
        "DomainName": summary.get("DomainName"),
        "Status": summary.get("Status"),
        "Enabled": src.get("Enabled"),
        "Aliases": _items(src.get("Aliases")),
        "DefaultRootObject": None if config is None else config.get("DefaultRootObject") or None,
        "HttpVersion": src.get("HttpVersion"),
        "PriceClass": src.get("PriceClass"),
        "WebACLId": src.get("WebACLId") or None,
        "Logging": pick(logging, "Enabled", "Bucket", "Prefix", "IncludeCookies"),
        "ViewerCertificate": None if viewer is None else {
            "CloudFrontDefaultCertificate": bool(viewer.get("CloudFrontDefaultCertificate")),
            "ACMCertificateArn": viewer.get("ACMCertificateArn") or None,
            "IAMCertificateId": viewer.get("IAMCertificateId") or None,
            "SSLSupportMethod": viewer.get("SSLSupportMethod"),
            "MinimumProtocolVersion": viewer.get("MinimumProtocolVersion"),
        },
        "DefaultCacheBehavior": _behavior(src.get("DefaultCacheBehavior"), path=False),
        "CacheBehaviors": [_behavior(b, path=True) for b in _items(src.get("CacheBehaviors"))],
        "Origins": [normalize_origin(o) for o in _items(src.get("Origins"))],
        "OriginGroups": [{"Id": g.get("Id"),
                          "Members": [m.get("OriginId") for m in _items(g.get("Members"))]}
                         for g in _items(src.get("OriginGroups"))],
        "GeoRestrictionType": geo,
        "LastModifiedTime": iso(summary.get("LastModifiedTime")),
        "Tags": None if tags is None else tag_dict(_items(tags.get("Tags"))),
    }


def collect_global(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("cloudfront", GLOBAL)
    listed = api.call("list_distributions")
    if listed is None:
        return []
    summaries = _items(listed.get("DistributionList"))
    marker = (listed.get("DistributionList") or {}).get("NextMarker")
    while marker:
        more = api.call("list_distributions", Marker=marker)
        if more is None:
            break
        summaries += _items(more.get("DistributionList"))
        marker = (more.get("DistributionList") or {}).get("NextMarker")
    assets = []
    for summary in summaries:
        full = api.fetch("get_distribution", Id=summary["Id"])
        tags = api.fetch("list_tags_for_resource", Resource=summary["ARN"])
        config = None if full.value is None else (
            full.value.get("Distribution") or {}).get("DistributionConfig")
        fetched: dict[str, Fetched[Any]] = {
            **{f: full for f in _CONFIG_ONLY},
            "Tags": tags,
        }
        doc = normalize_distribution(summary, config=config,
                                     tags=None if tags.value is None else tags.value.get("Tags"))
        assets.append(make_asset(ctx.account, GLOBAL, "aws.cloudfront.distribution",
                                 summary["ARN"], summary.get("DomainName") or summary["Id"],
                                 doc, failures(fetched)))
    return assets
