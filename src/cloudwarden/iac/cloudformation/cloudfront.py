"""CloudFront distributions (`AWS::CloudFront::Distribution`): viewer certificate and protocol
policies, origins, origin groups, logging and the WAF web ACL.

Defaults are CreateDistribution's: HTTP/2, every price class, no logging, no geo restriction,
the `*.cloudfront.net` certificate when `ViewerCertificate` names no other, and `TLSv1` as the
minimum viewer protocol of a custom certificate. A custom origin without `OriginSSLProtocols`
leaves the origins unresolved: the template does not say which versions CloudFront offers.
"""

from __future__ import annotations

import re
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.ec2 import id_text
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import Doc, Resource, Stack, as_bool

__all__ = ["map_distribution"]

_S3_REST = re.compile(r"\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$")
_BUCKET_DOMAIN = re.compile(r"^\$\{([A-Za-z0-9]+)\.(?:Regional)?DomainName\}$")
#: keys whose value must be known for the rules to judge them (never `${...}` text)
_STRICT = frozenset({"ViewerProtocolPolicy", "OriginProtocolPolicy", "OriginSslProtocols",
                     "MinimumProtocolVersion", "S3Origin", "Enabled"})


def _bucket_domain(value: Any, stack: Stack) -> Any:
    """`GetAtt Bucket.RegionalDomainName` (or `.DomainName`) of a template bucket with a
    literal name as the endpoint it stands for; other values unchanged."""
    if not isinstance(value, Unresolved) or value.text is None:
        return value
    m = _BUCKET_DOMAIN.match(value.text)
    bucket = stack.resources.get(m[1]) if m else None
    if bucket is None or bucket.type != "AWS::S3::Bucket":
        return value
    name = bucket.props.get("BucketName")
    if not isinstance(name, str) or not name:
        return value
    if value.text.endswith(".RegionalDomainName}"):
        if not stack.region:
            return value
        return f"{name}.s3.{stack.region}.amazonaws.com"
    return f"{name}.s3.amazonaws.com"


def _is_bucket_domain(domain: Any, stack: Stack) -> Any:
    if isinstance(domain, str):
        return bool(_S3_REST.search(domain))
    if isinstance(domain, Unresolved) and domain.text is not None:
        m = _BUCKET_DOMAIN.match(domain.text)
        bucket = stack.resources.get(m[1]) if m else None
        if bucket is not None:
            return bucket.type == "AWS::S3::Bucket"
    return Unresolved("the origin's domain name is known only after deploy")


def _origin(raw: Any, stack: Stack) -> Any:
    if not isinstance(raw, dict):
        return raw
    s3 = raw.get("S3OriginConfig")
    custom = raw.get("CustomOriginConfig")
    domain = _bucket_domain(raw.get("DomainName"), stack)
    s3_origin = True if s3 is not None else False if custom is not None else \
        _is_bucket_domain(domain, stack)
    protocols: Any = []
    if isinstance(custom, dict):
        protocols = custom.get("OriginSSLProtocols")
        if protocols is None:
            protocols = Unresolved("a custom origin without OriginSSLProtocols")
    return {
        "Id": raw.get("Id"), "DomainName": domain, "S3Origin": s3_origin,
        "OriginAccessIdentity": (s3.get("OriginAccessIdentity") or None)
        if isinstance(s3, dict) else None,
        "OriginAccessControlId": id_text(raw.get("OriginAccessControlId")) or None,
        "OriginProtocolPolicy": custom.get("OriginProtocolPolicy")
        if isinstance(custom, dict) else None,
        "OriginSslProtocols": protocols}


def _behavior(raw: Any, *, path: bool) -> Any:
    if not isinstance(raw, dict):
        return raw
    out = {"TargetOriginId": raw.get("TargetOriginId"),
           "ViewerProtocolPolicy": raw.get("ViewerProtocolPolicy"),
           "FieldLevelEncryptionId": id_text(raw.get("FieldLevelEncryptionId")) or None}
    return {"PathPattern": raw.get("PathPattern"), **out} if path else out


def _viewer_certificate(raw: Any) -> Any:
    if raw is not None and not isinstance(raw, dict):
        return raw
    cert = raw or {}
    acm = id_text(cert.get("AcmCertificateArn")) or None
    iam = cert.get("IamCertificateId") or None
    default = as_bool(cert.get("CloudFrontDefaultCertificate", False)) or (not acm and not iam)
    return {"CloudFrontDefaultCertificate": default, "ACMCertificateArn": acm,
            "IAMCertificateId": iam,
            "SSLSupportMethod": cert.get("SslSupportMethod") or ("vip" if default is True
                                                                  else None),
            "MinimumProtocolVersion": cert.get("MinimumProtocolVersion") or "TLSv1"}


def _logging(raw: Any, stack: Stack) -> Any:
    if raw is None:
        return {"Enabled": False, "Bucket": "", "Prefix": "", "IncludeCookies": False}
    if not isinstance(raw, dict):
        return raw
    return {"Enabled": True, "Bucket": _bucket_domain(raw.get("Bucket"), stack),
            "Prefix": raw.get("Prefix") or "",
            "IncludeCookies": as_bool(raw.get("IncludeCookies", False))}


def _groups(raw: Any) -> Any:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return raw
    items = raw.get("Items") or []
    if not isinstance(items, list):
        return items
    return [{"Id": g.get("Id"), "Members": [
        m.get("OriginId") for m in (g.get("Members") or {}).get("Items") or []
        if isinstance(m, dict)]} for g in items if isinstance(g, dict)]


def _list(value: Any) -> Any:
    return value if isinstance(value, list | Unresolved) else [] if value is None else [value]


def map_distribution(res: Resource, stack: Stack) -> Asset:
    doc = Doc(res, stack)
    config = res.props.get("DistributionConfig")
    c: dict[str, Any] = config if isinstance(config, dict) else {}
    doc.ref("Id")
    doc.set("ARN", f"arn:{stack.partition}:cloudfront::${{AWS::AccountId}}:distribution/"
                   f"${{{res.logical_id}}}")
    doc.after_deploy("DomainName", "LastModifiedTime")
    doc.set("Status", "Deployed")
    doc.set("Enabled", as_bool(c.get("Enabled")))
    doc.set("Aliases", _list(c.get("Aliases")), symbolic_ok=True)
    doc.set("DefaultRootObject", c.get("DefaultRootObject") or None, symbolic_ok=True)
    doc.set("HttpVersion", c.get("HttpVersion", "http2"))
    doc.set("PriceClass", c.get("PriceClass", "PriceClass_All"))
    doc.set("WebACLId", id_text(c.get("WebACLId")) or None, symbolic_ok=True)
    doc.set("Logging", _logging(c.get("Logging"), stack), symbolic_ok=True,
            strict=_STRICT)
    doc.set("ViewerCertificate", _viewer_certificate(c.get("ViewerCertificate")),
            symbolic_ok=True, strict=_STRICT)
    doc.set("DefaultCacheBehavior", _behavior(c.get("DefaultCacheBehavior"), path=False),
            symbolic_ok=True, strict=_STRICT)
    behaviors = _list(c.get("CacheBehaviors"))
    doc.set("CacheBehaviors", [_behavior(b, path=True) for b in behaviors]
            if isinstance(behaviors, list) else behaviors, symbolic_ok=True, strict=_STRICT)
    origins = _list(c.get("Origins"))
    doc.set("Origins", [_origin(o, stack) for o in origins] if isinstance(origins, list)
            else origins, symbolic_ok=True, strict=_STRICT)
    doc.set("OriginGroups", _groups(c.get("OriginGroups")), symbolic_ok=True)
    geo = ((c.get("Restrictions") or {}).get("GeoRestriction") or {}) \
        if isinstance(c.get("Restrictions"), dict) else c.get("Restrictions")
    doc.set("GeoRestrictionType", geo.get("RestrictionType", "none")
            if isinstance(geo, dict) else geo)
    doc.tags(res.props.get("Tags"))
    return doc.asset("aws.cloudfront.distribution")
