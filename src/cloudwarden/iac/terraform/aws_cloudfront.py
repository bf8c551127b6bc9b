"""CloudFront distributions: viewer certificate and protocol policies, origins (S3 with an
origin access identity or control, custom with their protocol policy and TLS versions), origin
groups, logging and the WAF web ACL.

Defaults are the provider's and CreateDistribution's: HTTP/2, every price class, no logging, no
geo restriction, the `*.cloudfront.net` certificate when `viewer_certificate` names no other,
and `TLSv1` as the minimum viewer protocol of a custom certificate.
"""

from __future__ import annotations

import re
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_bool,
    block,
    blocks,
    build_asset,
    literal_str,
    own,
    str_list,
    tags_of,
)
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["S3_REST", "map_distribution", "s3_origin"]

#: an S3 REST endpoint (bucket.s3[.region].amazonaws.com[.cn]), as the collector matches it
S3_REST = re.compile(r"\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$")

#: S3 bucket attributes an origin's domain name is read from -> the domain they hold
_BUCKET_DOMAINS = {
    "bucket_regional_domain_name": "{bucket}.s3.{region}.amazonaws.com",
    "bucket_domain_name": "{bucket}.s3.amazonaws.com",
}


def _domain(index: Index, dist: TfResource, value: Any) -> Any:
    """An origin's domain name; `aws_s3_bucket.x.bucket_regional_domain_name` of a bucket with
    a literal name is that name's endpoint; another value known only after apply is the
    symbolic identity of the one resource it comes from."""
    if not isinstance(value, Unknown) or len(value.refs) != 1:
        return value
    ref = value.refs[0]
    found = index.resolve(dist, ref)
    if len(found) == 1 and found[0].type == "aws_s3_bucket" and value.reason.startswith(
            ref + "."):
        attr = value.reason[len(ref) + 1:].split(" ", 1)[0]
        bucket = literal_str(found[0].values.get("bucket"))
        template = _BUCKET_DOMAINS.get(attr)
        if bucket and template and (found[0].region or "{region}" not in template):
            return template.format(bucket=bucket, region=found[0].region)
    return index.ident(dist, value)


def s3_origin(s3_config: Any, custom_config: Any, domain: Any) -> Any:
    """Whether an origin is an S3 REST origin, as the collector tells: an S3 origin config, or
    no custom one and an S3 REST endpoint as domain (the API gives such an origin, one with
    an origin access control, an S3 config with an empty identity)."""
    if s3_config is not None:
        return True
    if custom_config is not None:
        return False
    if isinstance(domain, str):
        return bool(S3_REST.search(domain))
    return Unknown("the origin's domain name is known only after apply")


def _origin(index: Index, dist: TfResource, raw: dict[str, Any]) -> dict[str, Any]:
    s3 = block(raw.get("s3_origin_config"))
    custom = block(raw.get("custom_origin_config"))
    domain = _domain(index, dist, raw.get("domain_name"))
    return {
        "Id": raw.get("origin_id"),
        "DomainName": domain,
        "S3Origin": s3_origin(s3, custom, domain),
        "OriginAccessIdentity": index.ident(dist, s3.get("origin_access_identity")) or None
        if isinstance(s3, dict) else None,
        "OriginAccessControlId": index.ident(dist, raw.get("origin_access_control_id"))
        or None,
        "OriginProtocolPolicy": custom.get("origin_protocol_policy")
        if isinstance(custom, dict) else None,
        "OriginSslProtocols": str_list(custom.get("origin_ssl_protocols"))
        if isinstance(custom, dict) else [],
    }


def _behavior(index: Index, dist: TfResource, raw: Any, *, path: bool) -> Any:
    if not isinstance(raw, dict):
        return raw
    out = {"TargetOriginId": raw.get("target_origin_id"),
           "ViewerProtocolPolicy": raw.get("viewer_protocol_policy"),
           "FieldLevelEncryptionId": index.ident(dist, raw.get("field_level_encryption_id"))
           or None}
    return {"PathPattern": raw.get("path_pattern"), **out} if path else out


def _viewer_certificate(index: Index, dist: TfResource) -> Any:
    cert = block(dist.values.get("viewer_certificate"))
    if isinstance(cert, Unknown):
        return cert
    cert = cert or {}
    default = as_bool(cert.get("cloudfront_default_certificate"), False)
    acm = index.ident(dist, cert.get("acm_certificate_arn")) or None
    iam = index.ident(dist, cert.get("iam_certificate_id")) or None
    if not acm and not iam:
        default = True
    return {"CloudFrontDefaultCertificate": default, "ACMCertificateArn": acm,
            "IAMCertificateId": iam,
            "SSLSupportMethod": cert.get("ssl_support_method") or (
                "vip" if default is True else None),
            "MinimumProtocolVersion": cert.get("minimum_protocol_version") or "TLSv1"}


def _logging(index: Index, dist: TfResource) -> Any:
    config = block(dist.values.get("logging_config"))
    if isinstance(config, Unknown):
        return config
    if not config:
        return {"Enabled": False, "Bucket": "", "Prefix": "", "IncludeCookies": False}
    return {"Enabled": True, "Bucket": _domain(index, dist, config.get("bucket")),
            "Prefix": config.get("prefix") or "",
            "IncludeCookies": as_bool(config.get("include_cookies"), False)}


def _geo(dist: TfResource) -> Any:
    restrictions = block(dist.values.get("restrictions"))
    if isinstance(restrictions, Unknown):
        return restrictions
    geo = block((restrictions or {}).get("geo_restriction"))
    if isinstance(geo, Unknown):
        return geo
    return (geo or {}).get("restriction_type") or "none"


def _members(group: dict[str, Any]) -> Any:
    members = blocks(group.get("member"))
    return members if isinstance(members, Unknown) else [m.get("origin_id") for m in members]


def map_distribution(index: Index, dist: TfResource) -> list[Asset]:
    doc = Doc()
    v = dist.values
    doc.set("Id", own(dist))
    doc.set("ARN", own(dist, "arn"))
    doc.after_apply("DomainName", "LastModifiedTime")
    doc.set("Status", "Deployed")
    doc.set("Enabled", as_bool(v.get("enabled")))
    doc.set("Aliases", str_list(v.get("aliases")))
    doc.set("DefaultRootObject", v.get("default_root_object") or None)
    doc.set("HttpVersion", v.get("http_version") or "http2")
    doc.set("PriceClass", v.get("price_class") or "PriceClass_All")
    doc.set("WebACLId", index.ident(dist, v.get("web_acl_id")) or None)
    doc.set("Logging", _logging(index, dist))
    doc.set("ViewerCertificate", _viewer_certificate(index, dist))
    doc.set("DefaultCacheBehavior", _behavior(
        index, dist, block(v.get("default_cache_behavior")), path=False))
    ordered = blocks(v.get("ordered_cache_behavior"))
    doc.set("CacheBehaviors", ordered if isinstance(ordered, Unknown) else [
        _behavior(index, dist, b, path=True) for b in ordered])
    origins = blocks(v.get("origin"))
    doc.set("Origins", origins if isinstance(origins, Unknown) else [
        _origin(index, dist, o) for o in origins])
    groups = blocks(v.get("origin_group"))
    doc.set("OriginGroups", groups if isinstance(groups, Unknown) else [
        {"Id": g.get("origin_id"), "Members": _members(g)} for g in groups])
    doc.set("GeoRestrictionType", _geo(dist))
    doc.set("Tags", tags_of(dist))
    return [build_asset(index, dist, "aws.cloudfront.distribution", doc)]
