"""Elastic Load Balancing: Application, Network and Gateway Load Balancers (+ their listeners
and WAFv2 web ACL associations) and Classic Load Balancers (+ their SSL negotiation policies).

Defaults are CreateLoadBalancer's and CreateListener's: an internet-facing application load
balancer; access logs, deletion protection and dropping invalid headers off; desync mitigation
`defensive`; cross-zone balancing always on for ALBs and off otherwise (Classic ones created
through the API too); an HTTPS/TLS listener or a Classic HTTPS/SSL listener without a security
policy gets `ELBSecurityPolicy-2016-08`.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.ec2 import id_text
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import Doc, Resource, Stack, as_bool, as_int

__all__ = ["DEFAULT_TLS_POLICY", "map_classic", "map_load_balancer", "subnet_zones",
           "web_acl_of"]

DEFAULT_TLS_POLICY = "ELBSecurityPolicy-2016-08"
_LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
_WAF_ASSOCIATION = "AWS::WAFv2::WebACLAssociation"
_SUBNET = "AWS::EC2::Subnet"
#: listener keys that must be known to be judged (never kept as `${...}` text)
_STRICT = frozenset({"Protocol", "SslPolicy", "Type", "Port", "LoadBalancerPort"})
_ATTRIBUTES: dict[str, tuple[str, bool]] = {
    "access_logs.s3.enabled": ("AccessLogsS3Enabled", True),
    "access_logs.s3.bucket": ("AccessLogsS3Bucket", False),
    "deletion_protection.enabled": ("DeletionProtectionEnabled", True),
    "routing.http.drop_invalid_header_fields.enabled": ("DropInvalidHeaderFieldsEnabled", True),
    "routing.http.desync_mitigation_mode": ("DesyncMitigationMode", False),
    "load_balancing.cross_zone.enabled": ("CrossZoneEnabled", True),
}


def subnet_zones(subnets: Any, stack: Stack) -> Any:
    """The distinct Availability Zones of `subnets`, from the template's subnets; Unresolved
    when one is outside the template or its zone is chosen on deploy."""
    if isinstance(subnets, Unresolved):
        return subnets
    zones: set[str] = set()
    for subnet_id in subnets if isinstance(subnets, list) else [subnets]:
        refs = subnet_id.refs if isinstance(subnet_id, Unresolved) else ()
        subnet = stack.resources.get(refs[0]) if len(refs) == 1 else None
        if subnet is not None and subnet.type != _SUBNET:
            subnet = None
        zone = subnet.props.get("AvailabilityZone") if subnet is not None else None
        if not isinstance(zone, str) or not zone:
            return Unresolved(f"the Availability Zone of subnet {id_text(subnet_id)} is not "
                              "in the template" if subnet is None else
                              "a subnet's Availability Zone is chosen on deploy")
        zones.add(zone)
    return sorted(zones)


def web_acl_of(res: Resource, stack: Stack, *name_props: str) -> Any:
    """The web ACL an `AWS::WAFv2::WebACLAssociation` gives `res`, else None."""
    found = stack.referrers(res, (_WAF_ASSOCIATION,), "ResourceArn", *name_props)
    return id_text(found[-1].props.get("WebACLArn")) if found else None


def _attributes(raw: Any) -> Any:
    if isinstance(raw, Unresolved):
        return raw
    out: dict[str, Any] = {}
    for item in raw or []:
        if isinstance(item, dict) and isinstance(item.get("Key"), str):
            out[item["Key"]] = item.get("Value")
    return out


def _action(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    redirect = raw.get("RedirectConfig")
    if isinstance(redirect, dict):
        redirect = {"Protocol": redirect.get("Protocol", "#{protocol}"),
                    "Port": str(redirect.get("Port", "#{port}")),
                    "StatusCode": redirect.get("StatusCode")}
    return {"Type": raw.get("Type"), "RedirectConfig": redirect}


def _listener(listener: Resource, lb_type: Any) -> dict[str, Any]:
    p = listener.props
    protocol = p.get("Protocol")
    if protocol is None:
        protocol = "HTTP" if lb_type == "application" else None if lb_type == "gateway" else \
            Unresolved("a Network Load Balancer listener without a protocol")
    policy = p.get("SslPolicy")
    if protocol in ("HTTPS", "TLS"):
        policy = policy or DEFAULT_TLS_POLICY
    elif not isinstance(protocol, Unresolved):
        policy = None
    actions = p.get("DefaultActions") or []
    return {"ListenerArn": listener.ref_text(), "Protocol": protocol,
            "Port": as_int(p.get("Port")), "SslPolicy": policy,
            "Certificates": [id_text(c.get("CertificateArn")) for c in
                             p.get("Certificates") or [] if isinstance(c, dict)],
            "DefaultActions": [_action(a) for a in actions] if isinstance(actions, list)
            else actions}


def map_load_balancer(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    if p.get("Name") is None:
        doc.set("LoadBalancerName", Unresolved("no Name: generated on deploy", (),
                                               res.ref_text("LoadBalancerName")),
                symbolic_ok=True)
    else:
        doc.set("LoadBalancerName", p["Name"], symbolic_ok=True)
    doc.ref("LoadBalancerArn")
    lb_type = p.get("Type", "application")
    doc.set("Type", lb_type)
    doc.set("Scheme", p.get("Scheme", "internet-facing"))
    doc.after_deploy("DNSName", "CreatedTime")
    mappings = p.get("SubnetMappings")
    subnets = [m.get("SubnetId") for m in mappings if isinstance(m, dict)] \
        if isinstance(mappings, list) else p.get("Subnets") or []
    doc.open("VpcId", "the VPC of the load balancer's subnets")
    doc.set("State", "active")
    doc.set("AvailabilityZones", subnet_zones(subnets, stack))
    doc.set("SecurityGroups", id_text(list(p.get("SecurityGroups") or [])), symbolic_ok=True)
    listeners = stack.referrers(res, (_LISTENER,), "LoadBalancerArn")
    doc.set("Listeners", [_listener(r, lb_type) for r in listeners], symbolic_ok=True,
            strict=_STRICT)
    attrs = _attributes(p.get("LoadBalancerAttributes"))
    if isinstance(attrs, Unresolved):
        for field, _ in _ATTRIBUTES.values():
            doc.set(field, attrs)
    else:
        alb = lb_type == "application"
        defaults: dict[str, Any] = {
            "AccessLogsS3Enabled": False, "AccessLogsS3Bucket": None,
            "DeletionProtectionEnabled": False,
            "DropInvalidHeaderFieldsEnabled": False if alb else None,
            "DesyncMitigationMode": "defensive" if alb else None,
            "CrossZoneEnabled": alb}
        for key, (field, boolean) in _ATTRIBUTES.items():
            value = attrs.get(key, defaults[field])
            doc.set(field, as_bool(value) if boolean else (value or None), symbolic_ok=not
                    boolean)
        if alb:
            doc.set("CrossZoneEnabled", True)  # always on for ALBs
    doc.set("WebACLArn", web_acl_of(res, stack) if lb_type == "application" else None,
            symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.elb.load_balancer", "Name")


def _references(policies: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for policy in policies if isinstance(policies, list) else []:
        if not isinstance(policy, dict) or not isinstance(policy.get("PolicyName"), str):
            continue
        for attr in policy.get("Attributes") or []:
            if isinstance(attr, dict) and attr.get("Name") == "Reference-Security-Policy":
                out[policy["PolicyName"]] = attr.get("Value")
    return out


def _classic_listener(raw: dict[str, Any], references: dict[str, Any]) -> dict[str, Any]:
    protocol = raw.get("Protocol")
    protocol = protocol.upper() if isinstance(protocol, str) else protocol
    names = raw.get("PolicyNames") or []
    reference: Any = None
    if isinstance(names, list) and names:
        reference = next((references[n] for n in names if isinstance(n, str)
                          and n in references), None)
    elif isinstance(names, list) and protocol in ("HTTPS", "SSL"):
        names, reference = [DEFAULT_TLS_POLICY], DEFAULT_TLS_POLICY
    back = raw.get("InstanceProtocol", protocol)
    return {"Protocol": protocol, "LoadBalancerPort": as_int(raw.get("LoadBalancerPort")),
            "InstanceProtocol": back.upper() if isinstance(back, str) else back,
            "InstancePort": as_int(raw.get("InstancePort")),
            "SSLCertificateId": id_text(raw.get("SSLCertificateId")),
            "PolicyNames": list(names) if isinstance(names, list) else names,
            "ReferenceSecurityPolicy": reference}


def map_classic(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    if p.get("LoadBalancerName") is None:
        doc.set("LoadBalancerName", Unresolved("no LoadBalancerName: generated on deploy", (),
                                               res.ref_text()), symbolic_ok=True)
    else:
        doc.set("LoadBalancerName", p["LoadBalancerName"], symbolic_ok=True)
    doc.ref("Arn")
    doc.after_deploy("DNSName", "CreatedTime")
    doc.set("Scheme", p.get("Scheme", "internet-facing"))
    subnets = p.get("Subnets") or []
    zones = p.get("AvailabilityZones")
    doc.set("AvailabilityZones", list(zones) if isinstance(zones, list) and zones
            else zones if isinstance(zones, Unresolved) else subnet_zones(subnets, stack))
    doc.set("Subnets", id_text(list(subnets) if isinstance(subnets, list) else subnets),
            symbolic_ok=True)
    doc.open("VpcId", "the VPC of the load balancer's subnets")
    doc.set("SecurityGroups", id_text(list(p.get("SecurityGroups") or [])), symbolic_ok=True)
    listeners = p.get("Listeners") or []
    references = _references(p.get("Policies"))
    doc.set("Listeners", [_classic_listener(item, references) for item in listeners
                          if isinstance(item, dict)] if isinstance(listeners, list)
            else listeners, symbolic_ok=True, strict=_STRICT)
    doc.set("CrossZoneLoadBalancing", as_bool(p.get("CrossZone", False)))
    logs = p.get("AccessLoggingPolicy")
    doc.set("AccessLog", {"Enabled": False} if logs is None else logs
            if not isinstance(logs, dict) else {
                "Enabled": as_bool(logs.get("Enabled")),
                "S3BucketName": id_text(logs.get("S3BucketName")),
                "S3BucketPrefix": logs.get("S3BucketPrefix"),
                "EmitInterval": as_int(logs.get("EmitInterval", 60))}, symbolic_ok=True,
            strict=frozenset({"Enabled"}))
    draining = p.get("ConnectionDrainingPolicy")
    doc.set("ConnectionDraining", {"Enabled": False} if draining is None else draining
            if not isinstance(draining, dict) else {
                "Enabled": as_bool(draining.get("Enabled")),
                "Timeout": as_int(draining.get("Timeout", 300))})
    doc.set("DesyncMitigationMode", "defensive")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.elb.classic_load_balancer", "LoadBalancerName")
