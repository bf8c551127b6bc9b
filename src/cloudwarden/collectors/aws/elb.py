"""Elastic Load Balancing in one region: Classic Load Balancers (`elb`) and Application,
Network and Gateway Load Balancers (`elbv2`), with listeners, attributes and tags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset

#: ELBv2 attribute key -> canonical field, and whether the value is a boolean
_V2_ATTRIBUTES: dict[str, tuple[str, bool]] = {
    "access_logs.s3.enabled": ("AccessLogsS3Enabled", True),
    "access_logs.s3.bucket": ("AccessLogsS3Bucket", False),
    "deletion_protection.enabled": ("DeletionProtectionEnabled", True),
    "routing.http.drop_invalid_header_fields.enabled": ("DropInvalidHeaderFieldsEnabled", True),
    "routing.http.desync_mitigation_mode": ("DesyncMitigationMode", False),
    "load_balancing.cross_zone.enabled": ("CrossZoneEnabled", True),
}
_ATTRIBUTE_FIELDS = tuple(field for field, _ in _V2_ATTRIBUTES.values())
_TLS_PROTOCOLS = ("HTTPS", "TLS")
_TAG_BATCH = 20  # DescribeTags takes at most 20 names or ARNs


def _bool(text: Any) -> bool | None:
    if isinstance(text, bool) or text is None:
        return text
    return str(text).lower() == "true"


# -- classic -------------------------------------------------------------------------------------

def reference_policies(policies: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    """Policy name -> predefined security policy, for SSL negotiation policies that name one."""
    out: dict[str, str] = {}
    for policy in policies or []:
        for attr in policy.get("PolicyAttributeDescriptions") or []:
            if attr.get("AttributeName") == "Reference-Security-Policy" and attr.get(
                    "AttributeValue"):
                out[policy["PolicyName"]] = attr["AttributeValue"]
    return out


def normalize_classic(raw: Mapping[str, Any], arn: str, *,
                      attributes: Mapping[str, Any] | None,
                      policies: Mapping[str, str] | None,
                      tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    listeners = []
    for item in raw.get("ListenerDescriptions") or []:
        listener = item.get("Listener") or {}
        names = list(item.get("PolicyNames") or [])
        reference = next((policies[n] for n in names if policies and n in policies), None)
        listeners.append({
            "Protocol": (listener.get("Protocol") or "").upper() or None,
            "LoadBalancerPort": listener.get("LoadBalancerPort"),
            "InstanceProtocol": (listener.get("InstanceProtocol") or "").upper() or None,
            "InstancePort": listener.get("InstancePort"),
            "SSLCertificateId": listener.get("SSLCertificateId") or None,
            "PolicyNames": names,
            "ReferenceSecurityPolicy": reference,
        })
    attrs = attributes or {}
    additional = {a.get("Key"): a.get("Value") for a in attrs.get("AdditionalAttributes") or []}
    return {
        "LoadBalancerName": raw["LoadBalancerName"],
        "Arn": arn,
        "DNSName": raw.get("DNSName"),
        "Scheme": raw.get("Scheme"),
        "VpcId": raw.get("VPCId") or None,
        "AvailabilityZones": list(raw.get("AvailabilityZones") or []),
        "Subnets": list(raw.get("Subnets") or []),
        "SecurityGroups": list(raw.get("SecurityGroups") or []),
        "CreatedTime": iso(raw.get("CreatedTime")),
        "Listeners": listeners,
        "CrossZoneLoadBalancing": None if attributes is None else _bool(
            (attrs.get("CrossZoneLoadBalancing") or {}).get("Enabled")),
        "AccessLog": None if attributes is None else pick(
            attrs.get("AccessLog") or {"Enabled": False}, "Enabled", "S3BucketName",
            "S3BucketPrefix", "EmitInterval"),
        "ConnectionDraining": None if attributes is None else pick(
            attrs.get("ConnectionDraining") or {"Enabled": False}, "Enabled", "Timeout"),
        "DesyncMitigationMode": additional.get("elb.http.desyncmitigationmode"),
        "Tags": None if tags is None else tag_dict(tags),
    }


def _tags(api: Api, key: str, names: Sequence[str]) -> Fetched[dict[str, list[Any]]]:
    """Tags of many load balancers in batches of 20: name or ARN -> tag list."""
    out: dict[str, list[Any]] = {}
    for start in range(0, len(names), _TAG_BATCH):
        batch = list(names[start:start + _TAG_BATCH])
        got = api.fetch("describe_tags", **{key: batch})
        if got.value is None:
            return Fetched(None, got.failure)
        for item in got.value.get("TagDescriptions") or []:
            out[item.get("LoadBalancerName") or item.get("ResourceArn")] = item.get("Tags") or []
    return Fetched(out)


def collect_classic(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("elb", region)
    described = api.pages("describe_load_balancers", "LoadBalancerDescriptions") or []
    tags = _tags(api, "LoadBalancerNames", [lb["LoadBalancerName"] for lb in described])
    assets = []
    for raw in described:
        name = raw["LoadBalancerName"]
        attributes = api.fetch("describe_load_balancer_attributes", LoadBalancerName=name)
        policies = api.fetch("describe_load_balancer_policies", LoadBalancerName=name)
        fetched: dict[str, Fetched[Any] | str] = {
            **{f: attributes for f in ("CrossZoneLoadBalancing", "AccessLog",
                                       "ConnectionDraining", "DesyncMitigationMode")},
            "Listeners": policies.failure,
            "Tags": tags.failure,
        }
        doc = normalize_classic(
            raw, ctx.arn("elasticloadbalancing", region, f"loadbalancer/{name}"),
            attributes=None if attributes.value is None
            else attributes.value.get("LoadBalancerAttributes") or {},
            policies=None if policies.value is None
            else reference_policies(policies.value.get("PolicyDescriptions")),
            tags=None if tags.value is None else tags.value.get(name, []))
        if policies.value is None:
            doc["Listeners"] = []  # unknown: which policy a listener uses was not collected
        assets.append(make_asset(ctx.account, region, "aws.elb.classic_load_balancer",
                                 doc["Arn"], name, doc, failures(fetched)))
    return assets


# -- v2 ------------------------------------------------------------------------------------------

def normalize_listener(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "ListenerArn": raw.get("ListenerArn"),
        "Protocol": raw.get("Protocol"),
        "Port": raw.get("Port"),
        # only HTTPS and TLS listeners negotiate TLS (some endpoints echo a policy on others)
        "SslPolicy": raw.get("SslPolicy") if raw.get("Protocol") in _TLS_PROTOCOLS else None,
        "Certificates": [c["CertificateArn"] for c in raw.get("Certificates") or []
                         if c.get("CertificateArn")],
        "DefaultActions": [{
            "Type": a.get("Type"),
            "RedirectConfig": pick(a.get("RedirectConfig"), "Protocol", "Port", "StatusCode"),
        } for a in raw.get("DefaultActions") or []],
    }


def normalize_load_balancer(raw: Mapping[str, Any], *,
                            listeners: Sequence[Mapping[str, Any]] | None,
                            attributes: Sequence[Mapping[str, Any]] | None,
                            web_acl: Mapping[str, Any] | None,
                            tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    values = {a.get("Key"): a.get("Value") for a in attributes or []}
    doc: dict[str, Any] = {
        "LoadBalancerName": raw["LoadBalancerName"],
        "LoadBalancerArn": raw["LoadBalancerArn"],
        "Type": raw.get("Type"),
        "Scheme": raw.get("Scheme"),
        "DNSName": raw.get("DNSName"),
        "VpcId": raw.get("VpcId"),
        "State": (raw.get("State") or {}).get("Code"),
        "AvailabilityZones": [z["ZoneName"] for z in raw.get("AvailabilityZones") or []
                              if z.get("ZoneName")],
        "SecurityGroups": list(raw.get("SecurityGroups") or []),
        "CreatedTime": iso(raw.get("CreatedTime")),
        "Listeners": [normalize_listener(item) for item in listeners or []],
    }
    for key, (field, boolean) in _V2_ATTRIBUTES.items():
        value = values.get(key)
        doc[field] = _bool(value) if boolean else (value or None)
    doc["WebACLArn"] = None if web_acl is None else (web_acl.get("WebACL") or {}).get("ARN")
    doc["Tags"] = None if tags is None else tag_dict(tags)
    return doc


def collect_v2(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("elbv2", region)
    described = api.pages("describe_load_balancers", "LoadBalancers") or []
    tags = _tags(api, "ResourceArns", [lb["LoadBalancerArn"] for lb in described])
    assets = []
    for raw in described:
        arn = raw["LoadBalancerArn"]
        listeners = api.fetch_pages("describe_listeners", "Listeners", LoadBalancerArn=arn)
        attributes = api.fetch("describe_load_balancer_attributes", LoadBalancerArn=arn)
        web_acl: Fetched[Any] = Fetched(None)
        if raw.get("Type") == "application":
            web_acl = ctx.api("wafv2", region).fetch(
                "get_web_acl_for_resource", ResourceArn=arn,
                absent=("WAFNonexistentItemException",))
        fetched: dict[str, Fetched[Any] | str] = {
            "Listeners": listeners,
            **{f: attributes for f in _ATTRIBUTE_FIELDS},
            "WebACLArn": web_acl,
            "Tags": tags.failure,
        }
        doc = normalize_load_balancer(
            raw, listeners=listeners.value,
            attributes=None if attributes.value is None else attributes.value.get("Attributes"),
            web_acl=web_acl.value,
            tags=None if tags.value is None else tags.value.get(arn, []))
        if attributes.value is None:
            doc.update(dict.fromkeys(_ATTRIBUTE_FIELDS))
        assets.append(make_asset(ctx.account, region, "aws.elb.load_balancer", arn,
                                 raw["LoadBalancerName"], doc, failures(fetched)))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    return collect_classic(ctx, region) + collect_v2(ctx, region)
