"""EC2: security groups (+ standalone ingress/egress rules), instances (+ their EBS mappings),
volumes, launch templates, VPCs (+ flow logs) and subnets.

Ids the deployment assigns are kept as `${Logical}` (what `Ref` returns), so that an instance
using `!Ref WebSg` or `!GetAtt WebSg.GroupId` names the same group as the group's own asset.
"""

from __future__ import annotations

import re
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import (
    Doc,
    Resource,
    Stack,
    as_bool,
    as_int,
)

__all__ = ["id_text", "map_instance", "map_launch_template", "map_security_group", "map_subnet",
           "map_volume", "map_vpc"]

#: `GetAtt` attributes that return what `Ref` returns: both read as `${Logical}`.
_ID_ATTRS = re.compile(r"^\$\{([A-Za-z0-9]+)\.(GroupId|Id|VpcId|SubnetId|InstanceId|"
                       r"LaunchTemplateId|VolumeId)\}$")
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
#: What a rule of a security group must fix to be judged (a referenced group may stay `${Sg}`).
_RULE_STRICT = frozenset({"IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6",
                          "PrefixListIds"})


def id_text(value: Any) -> Any:
    """An id as the canonical documents hold it: literal, or `${Logical}` for a reference."""
    if isinstance(value, Unresolved) and value.text is not None:
        m = _ID_ATTRS.match(value.text)
        return Unresolved(value.reason, value.refs, f"${{{m[1]}}}" if m else value.text)
    if isinstance(value, list):
        return [id_text(v) for v in value]
    return value


def _permissions(rules: Any, egress: bool) -> Any:
    """CloudFormation rules (one range each) -> IpPermissions grouped as EC2 describes them:
    one entry per protocol and port range with every range, group and prefix list of it."""
    if not isinstance(rules, list):
        return rules
    prefix = "Destination" if egress else "Source"
    grouped: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for rule in rules:
        if not isinstance(rule, dict):
            return Unresolved("a security group rule of unexpected shape")
        proto = rule.get("IpProtocol")
        if isinstance(proto, Unresolved):
            return proto
        proto = _PROTOCOLS.get(str(proto).lower(), str(proto).lower())
        if proto in ("-1", "all"):
            proto, lo, hi = "-1", None, None  # all traffic: EC2 reports no ports
        else:
            lo, hi = as_int(rule.get("FromPort")), as_int(rule.get("ToPort"))
        entry = grouped.setdefault((proto, _hashable(lo), _hashable(hi)), {
            "IpProtocol": proto, "FromPort": lo, "ToPort": hi, "IpRanges": [],
            "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []})
        description = rule.get("Description")
        if rule.get("CidrIp") is not None:
            entry["IpRanges"].append({"CidrIp": rule["CidrIp"], "Description": description})
        if rule.get("CidrIpv6") is not None:
            entry["Ipv6Ranges"].append({"CidrIpv6": rule["CidrIpv6"],
                                        "Description": description})
        group = rule.get(f"{prefix}SecurityGroupId")
        if group is not None:
            entry["UserIdGroupPairs"].append({"GroupId": id_text(group), "UserId": rule.get(
                "SourceSecurityGroupOwnerId")})
        prefix_list = rule.get(f"{prefix}PrefixListId")
        if prefix_list is not None:
            entry["PrefixListIds"].append(prefix_list)
    return list(grouped.values())


def _hashable(value: Any) -> Any:
    return value.text if isinstance(value, Unresolved) else value


def _standalone(stack: Stack, group: Resource, kind: str) -> list[dict[str, Any]]:
    return [r.props for r in stack.referrers(group, (kind,), "GroupId")] + \
        [r.props for r in stack.referrers(group, (kind,), "GroupName", "GroupName")]


def _groups_of(res: Resource) -> list[Any]:
    """The security groups an instance (or launch template data) names, as ids."""
    p = res.props
    out: list[Any] = []
    for key in ("SecurityGroupIds", "SecurityGroups"):
        value = p.get(key)
        out.extend(value if isinstance(value, list) else [value] if value is not None else [])
    for nic in p.get("NetworkInterfaces") or []:
        if isinstance(nic, dict):
            out.extend(nic.get("GroupSet") or [])
    return [id_text(g) for g in out]


def map_security_group(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("GroupId")
    doc.open("Arn")
    if p.get("GroupName") is None:
        doc.ref("GroupName", "GroupName")  # generated: never `default`, which is reserved
    else:
        doc.set("GroupName", p["GroupName"])
    doc.set("Description", p.get("GroupDescription"), symbolic_ok=True)
    doc.set("VpcId", id_text(p.get("VpcId")), symbolic_ok=True)
    ingress = list(p.get("SecurityGroupIngress") or []) + _standalone(
        stack, res, "AWS::EC2::SecurityGroupIngress")
    doc.set("IpPermissions", _permissions(ingress, egress=False), symbolic_ok=True,
            strict=_RULE_STRICT)
    inline_egress = p.get("SecurityGroupEgress")
    egress = list(inline_egress or []) + _standalone(stack, res, "AWS::EC2::SecurityGroupEgress")
    if not inline_egress:
        # EC2 gives every VPC group an allow-all egress rule; CloudFormation removes it only
        # when the group declares egress rules itself
        egress.insert(0, {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"})
    doc.set("IpPermissionsEgress", _permissions(egress, egress=True), symbolic_ok=True,
            strict=_RULE_STRICT)
    attached = [i.ref_text() for i in stack.of_type("AWS::EC2::Instance")
                if any(stack.refers_to(g, res, "GroupName") for g in _groups_of(i))]
    doc.set("AttachedInstances", sorted(attached))
    doc.tags(p.get("Tags"))
    return doc.asset("aws.ec2.security_group", "GroupName")


def _subnet_of(res: Resource, stack: Stack) -> Resource | None:
    subnet = res.props.get("SubnetId")
    for nic in res.props.get("NetworkInterfaces") or []:
        if isinstance(nic, dict) and str(nic.get("DeviceIndex", "0")) == "0":
            subnet = nic.get("SubnetId", subnet)
    return next((s for s in stack.of_type("AWS::EC2::Subnet") if stack.refers_to(subnet, s)),
                None)


def _public_ip(res: Resource, stack: Stack, doc: Doc) -> None:
    """A public address is assigned by the primary interface's AssociatePublicIpAddress, else
    by its subnet's MapPublicIpOnLaunch; its value is the instance's `PublicIp` attribute."""
    primary = next((n for n in res.props.get("NetworkInterfaces") or []
                    if isinstance(n, dict) and str(n.get("DeviceIndex", "0")) == "0"), None)
    assign = as_bool(primary.get("AssociatePublicIpAddress")) if primary else None
    subnet = _subnet_of(res, stack)
    if assign is None and subnet is not None:
        assign = as_bool(subnet.props.get("MapPublicIpOnLaunch", False))
    if assign is True:
        doc.ref("PublicIpAddress", "PublicIp")
    elif assign is False:
        doc.set("PublicIpAddress", None)
    else:
        doc.open("PublicIpAddress", "depends on a subnet outside the template"
                 if assign is None else "depends on a value known only at deploy time")
    public = doc.props["PublicIpAddress"]
    if "PublicIpAddress" in doc.unknown:
        doc.open("NetworkInterfaces", doc.unknown["PublicIpAddress"].split(": ", 1)[-1])
    else:
        doc.set("NetworkInterfaces", [{"NetworkInterfaceId": None, "PublicIp": public}])


def _launch_template_data(res: Resource, stack: Stack) -> dict[str, Any] | None:
    spec = res.props.get("LaunchTemplate")
    if not isinstance(spec, dict):
        return None
    target = spec.get("LaunchTemplateId", spec.get("LaunchTemplateName"))
    for lt in stack.of_type("AWS::EC2::LaunchTemplate"):
        if stack.refers_to(target, lt, "LaunchTemplateName"):
            data = lt.props.get("LaunchTemplateData")
            return data if isinstance(data, dict) else None
    return None


def _metadata_options(raw: Any) -> Any:
    if not raw:
        return None
    if not isinstance(raw, dict):
        return raw
    return {"HttpTokens": raw.get("HttpTokens"), "HttpEndpoint": raw.get("HttpEndpoint"),
            "HttpPutResponseHopLimit": as_int(raw.get("HttpPutResponseHopLimit"))}


def map_instance(res: Resource, stack: Stack) -> list[Asset]:
    p = res.props
    doc = Doc(res, stack)
    lt_data = _launch_template_data(res, stack) or {}
    doc.ref("InstanceId")
    doc.open("Arn")
    # CloudFormation reports the instance created once it is running
    doc.set("State", "running")
    doc.set("InstanceType", p.get("InstanceType", lt_data.get("InstanceType", "m1.small")))
    doc.set("ImageId", p.get("ImageId", lt_data.get("ImageId")), symbolic_ok=True)
    subnet = _subnet_of(res, stack)
    if subnet is not None:
        doc.set("SubnetId", subnet.ref_text())
        doc.set("VpcId", id_text(subnet.props.get("VpcId")), symbolic_ok=True)
    else:
        doc.set("SubnetId", id_text(p.get("SubnetId")), symbolic_ok=True)
        doc.open("VpcId", "the instance's subnet is not in the template")
    _public_ip(res, stack, doc)
    if p.get("PrivateIpAddress") is not None:
        doc.set("PrivateIpAddress", p["PrivateIpAddress"])
    else:
        doc.open("PrivateIpAddress")
    profile = p.get("IamInstanceProfile")
    doc.set("IamInstanceProfile", None if profile is None else {
        "Arn": f"arn:{stack.partition}:iam::${{AWS::AccountId}}:instance-profile/{profile}"
        if isinstance(profile, str) else profile, "Id": None}, symbolic_ok=True)
    metadata = _metadata_options(lt_data.get("MetadataOptions"))
    if metadata is None:
        doc.open("MetadataOptions", "not set in the template: the AMI or account default "
                 "applies")
    else:
        doc.set("MetadataOptions", metadata)
    doc.set("SecurityGroups", [{"GroupId": g, "GroupName": None} for g in _groups_of(res)],
            symbolic_ok=True)
    mappings = p.get("BlockDeviceMappings") or []
    doc.set("BlockDeviceMappings", [{"DeviceName": m.get("DeviceName"), "VolumeId": None}
                                    for m in mappings if isinstance(m, dict)])
    doc.open("LaunchTime")
    doc.set("StateTransitionTime", None)
    doc.tags(p.get("Tags"))
    return [doc.asset("aws.ec2.instance"), *_mapped_volumes(res, stack, mappings)]


def _mapped_volumes(res: Resource, stack: Stack, mappings: list[Any]) -> list[Asset]:
    """The EBS volumes an instance's block device mappings create, as volume assets."""
    out = []
    for m in mappings:
        ebs = m.get("Ebs") if isinstance(m, dict) else None
        if not isinstance(ebs, dict) or not isinstance(m.get("DeviceName"), str):
            continue
        vol = Resource(f"{res.logical_id}/{m['DeviceName']}", "AWS::EC2::Volume", dict(ebs),
                       res.start_line, res.end_line)
        doc = _volume_doc(vol, stack)
        doc.set("Size", as_int(ebs.get("VolumeSize")))
        doc.set("State", "in-use")
        doc.set("Attachments", [{"InstanceId": res.ref_text(), "Device": m["DeviceName"],
                                 "State": "attached"}])
        out.append(doc.asset("aws.ec2.volume"))
    return out


def _volume_doc(res: Resource, stack: Stack) -> Doc:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("VolumeId")
    doc.open("Arn")
    encrypted = as_bool(p.get("Encrypted"))
    if encrypted is True:
        doc.set("Encrypted", True)
    else:
        # false or absent: EC2 still encrypts when the account encrypts EBS by default
        doc.open("Encrypted", "depends on the account's EBS encryption by default")
    doc.set("KmsKeyId", p.get("KmsKeyId"), symbolic_ok=True)
    doc.set("VolumeType", p.get("VolumeType", "gp2"))  # CreateVolume's documented default
    doc.open("CreateTime")
    doc.tags(p.get("Tags"))
    return doc


def map_volume(res: Resource, stack: Stack) -> Asset:
    doc = _volume_doc(res, stack)
    doc.set("Size", as_int(res.props.get("Size")))
    attachments = [{"InstanceId": id_text(a.props.get("InstanceId")),
                    "Device": a.props.get("Device"), "State": "attached"}
                   for a in stack.referrers(res, ("AWS::EC2::VolumeAttachment",), "VolumeId")]
    doc.set("State", "in-use" if attachments else "available")
    doc.set("Attachments", attachments, symbolic_ok=True)
    return doc.asset("aws.ec2.volume")


def _template_data(data: dict[str, Any]) -> dict[str, Any]:
    """LaunchTemplateData as the collector keeps it (user data left out)."""
    profile = data.get("IamInstanceProfile")
    return {
        "MetadataOptions": _metadata_options(data.get("MetadataOptions")),
        "NetworkInterfaces": [
            {"AssociatePublicIpAddress": as_bool(nic.get("AssociatePublicIpAddress")),
             "DeviceIndex": as_int(nic.get("DeviceIndex")),
             "Groups": id_text(list(nic.get("Groups") or []))}
            for nic in data.get("NetworkInterfaces") or [] if isinstance(nic, dict)],
        "ImageId": data.get("ImageId"),
        "InstanceType": data.get("InstanceType"),
        "IamInstanceProfile": dict(profile) if isinstance(profile, dict) and profile else None,
        "SecurityGroupIds": id_text(list(data.get("SecurityGroupIds") or [])),
        "BlockDeviceMappings": [
            {**m, "Ebs": {k: as_bool(v) if k in ("Encrypted", "DeleteOnTermination")
                          else as_int(v) for k, v in m["Ebs"].items()}}
            if isinstance(m.get("Ebs"), dict) else dict(m)
            for m in data.get("BlockDeviceMappings") or [] if isinstance(m, dict)],
    }


def map_launch_template(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.open("Arn")
    doc.ref("LaunchTemplateId")
    if p.get("LaunchTemplateName") is None:
        doc.open("LaunchTemplateName", "generated by CloudFormation at deploy time")
    else:
        doc.set("LaunchTemplateName", p["LaunchTemplateName"])
    doc.open("CreateTime")
    doc.set("DefaultVersionNumber", 1)  # a new template has one version, its default
    doc.set("LatestVersionNumber", 1)
    data = p.get("LaunchTemplateData")
    doc.set("LaunchTemplateData", _template_data(data) if isinstance(data, dict) else data,
            symbolic_ok=True)
    tags: list[Any] = []
    for spec in p.get("TagSpecifications") or []:
        if isinstance(spec, dict) and spec.get("ResourceType") == "launch-template":
            tags.extend(spec.get("Tags") or [])
    doc.tags(tags)
    return doc.asset("aws.ec2.launch_template", "LaunchTemplateName")


def map_vpc(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("VpcId")
    doc.open("Arn")
    doc.set("CidrBlock", p.get("CidrBlock"))
    doc.set("IsDefault", False)
    doc.set("State", "available")
    logs = [f for f in stack.of_type("AWS::EC2::FlowLog")
            if stack.refers_to(f.props.get("ResourceId"), res)
            or stack.refers_to(f.props.get("ResourceIds"), res)]
    doc.set("FlowLogs", [{
        "FlowLogId": f.ref_text(), "FlowLogStatus": "ACTIVE",
        "TrafficType": f.props.get("TrafficType", "ALL"),
        "LogDestinationType": f.props.get("LogDestinationType", "cloud-watch-logs"),
        "LogDestination": f.props.get("LogDestination", f.props.get("LogGroupName")),
    } for f in logs], symbolic_ok=True)
    subnets = [s for s in stack.of_type("AWS::EC2::Subnet")
               if stack.refers_to(s.props.get("VpcId"), res)]
    doc.set("InstanceCount", sum(
        1 for i in stack.of_type("AWS::EC2::Instance")
        if (subnet := _subnet_of(i, stack)) is not None and subnet in subnets))
    doc.tags(p.get("Tags"))
    return doc.asset("aws.ec2.vpc")


def map_subnet(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("SubnetId")
    doc.open("Arn")
    doc.set("VpcId", id_text(p.get("VpcId")), symbolic_ok=True)
    doc.set("CidrBlock", p.get("CidrBlock"))
    doc.set("AvailabilityZone", p.get("AvailabilityZone"))
    doc.set("State", "available")
    doc.set("MapPublicIpOnLaunch", as_bool(p.get("MapPublicIpOnLaunch", False)))
    doc.set("AssignIpv6AddressOnCreation", as_bool(p.get("AssignIpv6AddressOnCreation", False)))
    doc.set("DefaultForAz", False)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.ec2.subnet")

