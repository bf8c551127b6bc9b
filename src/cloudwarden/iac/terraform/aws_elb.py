"""Elastic Load Balancing: Application, Network and Gateway Load Balancers (`aws_lb`, its alias
`aws_alb`) with their listeners and WAFv2 association, and Classic Load Balancers (`aws_elb`)
with the SSL negotiation policies of their listeners.

Defaults are the provider's documented ones: a load balancer is an internet-facing
application one; access logs, deletion protection and dropping invalid headers are off; desync
mitigation is `defensive`; cross-zone balancing is always on for ALBs and off for NLBs, on for
Classic ones; an HTTPS/TLS listener without `ssl_policy` gets `ELBSecurityPolicy-2016-08`, the
policy ELB also gives a Classic HTTPS/SSL listener that names none.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    REF_PREFIX,
    Doc,
    Index,
    as_bool,
    as_int,
    block,
    blocks,
    build_asset,
    literal_str,
    own,
    str_list,
    tags_of,
)
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_classic", "map_load_balancer", "subnet_of", "subnet_zones",
           "web_acl_of"]

_LISTENERS = ("aws_lb_listener", "aws_alb_listener")
_WAF_ASSOCIATION = "aws_wafv2_web_acl_association"
_CLASSIC_POLICY = "aws_load_balancer_policy"
_LISTENER_POLICY = "aws_load_balancer_listener_policy"
_SUBNET = "aws_subnet"
JOINED: dict[str, str] = {
    **{t: "aws.elb.load_balancer" for t in _LISTENERS},
    _WAF_ASSOCIATION: "aws.elb.load_balancer",
    _CLASSIC_POLICY: "aws.elb.classic_load_balancer",
    _LISTENER_POLICY: "aws.elb.classic_load_balancer",
}
#: what AWS applies to an HTTPS/TLS listener created without a security policy
DEFAULT_TLS_POLICY = "ELBSecurityPolicy-2016-08"
_TLS = ("HTTPS", "TLS")


def subnet_of(index: Index, ident: Any) -> TfResource | None:
    """The `aws_subnet` of the code an identity (`tf:<address>` or a literal id) names."""
    text = literal_str(ident)
    if text is None:
        return None
    if text.startswith(REF_PREFIX):
        found = index.by_address.get(text[len(REF_PREFIX):])
        return found if found is not None and found.type == _SUBNET else None
    named = index.named(_SUBNET, "id").get(text, [])
    return named[0] if len(named) == 1 else None


def subnet_zones(index: Index, subnet_ids: Any) -> Any:
    """The distinct Availability Zones of subnets (identities as `Index.ident` gives them):
    each subnet's literal `availability_zone` when it is in the code, else Unknown."""
    if isinstance(subnet_ids, Unknown):
        return subnet_ids
    zones: set[str] = set()
    for ident in subnet_ids:
        subnet = subnet_of(index, ident)
        zone = literal_str(subnet.values.get("availability_zone")) if subnet else None
        if zone is None:
            return Unknown(f"the Availability Zone of subnet {ident} is not in the code")
        zones.add(zone)
    return sorted(zones)


def web_acl_of(index: Index, res: TfResource) -> Any:
    """The WAFv2 web ACL an `aws_wafv2_web_acl_association` gives `res`, else None."""
    found = index.children_of(res, _WAF_ASSOCIATION, "resource_arn", ("arn",))
    return index.ident(found[-1], found[-1].values.get("web_acl_arn")) if found else None


def _action(raw: dict[str, Any]) -> dict[str, Any]:
    redirect = block(raw.get("redirect"))
    if isinstance(redirect, dict):
        redirect = {"Protocol": redirect.get("protocol") or "#{protocol}",
                    "Port": literal_str(redirect.get("port")) or "#{port}",
                    "StatusCode": redirect.get("status_code")}
    return {"Type": raw.get("type"), "RedirectConfig": redirect}


def _listener(index: Index, listener: TfResource, lb_type: Any) -> dict[str, Any]:
    v = listener.values
    protocol = v.get("protocol")
    if protocol is None:
        protocol = "HTTP" if lb_type == "application" else None if lb_type == "gateway" else \
            Unknown("a Network Load Balancer listener without a protocol")
    elif isinstance(protocol, str):
        protocol = protocol.upper()
    policy = v.get("ssl_policy")
    if protocol in _TLS:
        policy = policy or DEFAULT_TLS_POLICY
    elif not isinstance(protocol, Unknown):
        policy = None
    actions = blocks(v.get("default_action"))
    return {"ListenerArn": own(listener, "arn"), "Protocol": protocol,
            "Port": as_int(v.get("port")), "SslPolicy": policy,
            "Certificates": [c for c in [index.ident(listener, v.get("certificate_arn"))] if c],
            "DefaultActions": actions if isinstance(actions, Unknown) else [
                _action(a) for a in actions]}


def _name(doc: Doc, res: TfResource, field: str) -> None:
    if res.values.get("name") is None:
        doc.open(field, "no name: generated on apply")
    else:
        doc.set(field, res.values["name"])


def _lb_subnets(index: Index, lb: TfResource) -> Any:
    mappings = blocks(lb.values.get("subnet_mapping"))
    if isinstance(mappings, Unknown):
        return mappings
    if mappings:
        return [index.ident(lb, m.get("subnet_id")) for m in mappings]
    return index.ident_list(lb, lb.values.get("subnets"))


def map_load_balancer(index: Index, lb: TfResource) -> list[Asset]:
    doc = Doc()
    v = lb.values
    _name(doc, lb, "LoadBalancerName")
    doc.set("LoadBalancerArn", own(lb, "arn"))
    lb_type = v.get("load_balancer_type") or "application"
    doc.set("Type", lb_type)
    internal = as_bool(v.get("internal"), False)
    doc.set("Scheme", internal if isinstance(internal, Unknown)
            else "internal" if internal else "internet-facing")
    doc.after_apply("DNSName", "CreatedTime")
    subnets = _lb_subnets(index, lb)
    doc.open("VpcId", "the VPC of the load balancer's subnets is known only after apply")
    doc.set("State", "active")
    doc.set("AvailabilityZones", subnet_zones(index, subnets))
    doc.set("SecurityGroups", index.ident_list(lb, v.get("security_groups")))
    listeners = [r for t in _LISTENERS
                 for r in index.children_of(lb, t, "load_balancer_arn", ("arn",))]
    doc.set("Listeners", [_listener(index, r, lb_type) for r in listeners])
    logs = block(v.get("access_logs"))
    if isinstance(logs, Unknown):
        doc.set("AccessLogsS3Enabled", logs)
        doc.set("AccessLogsS3Bucket", logs)
    else:
        logs = logs or {}
        # `enabled` defaults to false even when a bucket is given
        doc.set("AccessLogsS3Enabled", as_bool(logs.get("enabled"), False))
        doc.set("AccessLogsS3Bucket", index.ident(lb, logs.get("bucket")) or None)
    doc.set("DeletionProtectionEnabled", as_bool(v.get("enable_deletion_protection"), False))
    alb = lb_type == "application"
    doc.set("DropInvalidHeaderFieldsEnabled",
            as_bool(v.get("drop_invalid_header_fields"), False) if alb else None)
    doc.set("DesyncMitigationMode",
            (v.get("desync_mitigation_mode") or "defensive") if alb else None)
    doc.set("CrossZoneEnabled", True if alb else as_bool(
        v.get("enable_cross_zone_load_balancing"), False))
    doc.set("WebACLArn", web_acl_of(index, lb) if alb else None)
    doc.set("Tags", tags_of(lb))
    return [build_asset(index, lb, "aws.elb.load_balancer", doc)]


def _reference_policies(index: Index, elb: TfResource) -> dict[str, str]:
    """Policy name -> predefined security policy of the SSL negotiation policies of `elb`."""
    out: dict[str, str] = {}
    for policy in index.children_of(elb, _CLASSIC_POLICY, "load_balancer_name"):
        name = literal_str(policy.values.get("policy_name"))
        for attr in blocks(policy.values.get("policy_attribute")) or []:
            value = literal_str(attr.get("value"))
            if name and attr.get("name") == "Reference-Security-Policy" and value:
                out[name] = value
    return out


def _classic_listeners(index: Index, elb: TfResource) -> Any:
    raw = blocks(elb.values.get("listener"))
    if isinstance(raw, Unknown):
        return raw
    by_port: dict[int, Any] = {}
    for attached in index.children_of(elb, _LISTENER_POLICY, "load_balancer_name"):
        port = as_int(attached.values.get("load_balancer_port"))
        by_port[port] = str_list(attached.values.get("policy_names"))
    references = _reference_policies(index, elb)
    out = []
    for item in raw:
        protocol = item.get("lb_protocol")
        protocol = protocol.upper() if isinstance(protocol, str) else protocol
        port = as_int(item.get("lb_port"))
        names = by_port.get(port, [])
        reference: Any = None
        if isinstance(names, Unknown):
            reference = names
        elif names:
            reference = next((references[n] for n in names if n in references), None)
        elif protocol in ("HTTPS", "SSL"):
            names, reference = [DEFAULT_TLS_POLICY], DEFAULT_TLS_POLICY
        back = item.get("instance_protocol")
        out.append({"Protocol": protocol, "LoadBalancerPort": port,
                    "InstanceProtocol": back.upper() if isinstance(back, str) else back,
                    "InstancePort": as_int(item.get("instance_port")),
                    "SSLCertificateId": index.ident(elb, item.get("ssl_certificate_id"))
                    or None, "PolicyNames": names, "ReferenceSecurityPolicy": reference})
    return out


def map_classic(index: Index, elb: TfResource) -> list[Asset]:
    doc = Doc()
    v = elb.values
    _name(doc, elb, "LoadBalancerName")
    doc.set("Arn", own(elb, "arn"))
    doc.after_apply("DNSName", "CreatedTime")
    internal = as_bool(v.get("internal"), False)
    doc.set("Scheme", internal if isinstance(internal, Unknown)
            else "internal" if internal else "internet-facing")
    subnets = index.ident_list(elb, v.get("subnets"))
    zones = str_list(v.get("availability_zones"))
    doc.set("AvailabilityZones", zones or subnet_zones(index, subnets))
    doc.set("Subnets", subnets)
    if subnets:
        doc.open("VpcId", "the VPC of the load balancer's subnets is known only after apply")
    else:
        doc.open("VpcId", "no subnets: the region's default VPC, known only after apply")
    doc.set("SecurityGroups", index.ident_list(elb, v.get("security_groups")))
    doc.set("Listeners", _classic_listeners(index, elb))
    doc.set("CrossZoneLoadBalancing", as_bool(v.get("cross_zone_load_balancing"), True))
    logs = block(v.get("access_logs"))
    doc.set("AccessLog", logs if isinstance(logs, Unknown) else {"Enabled": False}
            if not logs else {
                "Enabled": as_bool(logs.get("enabled"), True),
                "S3BucketName": index.ident(elb, logs.get("bucket")),
                "S3BucketPrefix": logs.get("bucket_prefix"),
                "EmitInterval": as_int(logs.get("interval"), 60)})
    doc.set("ConnectionDraining", {
        "Enabled": as_bool(v.get("connection_draining"), False),
        "Timeout": as_int(v.get("connection_draining_timeout"), 300)})
    doc.set("DesyncMitigationMode", v.get("desync_mitigation_mode") or "defensive")
    doc.set("Tags", tags_of(elb))
    return [build_asset(index, elb, "aws.elb.classic_load_balancer", doc)]
