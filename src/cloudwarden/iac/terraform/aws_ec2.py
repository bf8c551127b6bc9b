"""EC2: security groups (joined with their separate rule resources), instances (with the
volumes of their block devices), launch templates, EBS volumes, VPCs (joined with their flow
logs) and subnets.

Provider behaviour encoded here, as the AWS provider documents it: Terraform removes the
allow-all egress rule AWS adds to a new VPC security group (so a group declares all its egress);
`metadata_options` defaults to `http_tokens = "optional"`, `http_endpoint = "enabled"` and a
hop limit of 1; `aws_subnet.map_public_ip_on_launch` defaults to false, while the default
subnets AWS creates (used when an instance names no subnet) map public addresses.
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
    tags_of,
)
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "PUBLIC_IP_ON_LAUNCH", "map_instance", "map_launch_template",
           "map_security_group", "map_subnet", "map_volume", "map_vpc"]

#: the public IPv4 address of an instance or interface that gets one on launch: its value is
#: assigned by AWS, its existence is what the code says (null = no public address)
PUBLIC_IP_ON_LAUNCH = "(public IPv4 assigned on launch)"

SG = "aws_security_group"
_SG_RULE = "aws_security_group_rule"
_INGRESS = "aws_vpc_security_group_ingress_rule"
_EGRESS = "aws_vpc_security_group_egress_rule"
INSTANCE = "aws_instance"
_VOLUME = "aws_ebs_volume"
_ATTACHMENT = "aws_volume_attachment"
_FLOW_LOG = "aws_flow_log"
_EIP = "aws_eip"
_EIP_ASSOCIATION = "aws_eip_association"
_INSTANCE_STATE = "aws_ec2_instance_state"
_SUBNET = "aws_subnet"
JOINED = (_SG_RULE, _INGRESS, _EGRESS, _ATTACHMENT, _FLOW_LOG, _EIP, _EIP_ASSOCIATION,
          _INSTANCE_STATE)
_EBS_DEFAULT = "aws_ebs_encryption_by_default"

_PROTOCOLS = {"-1": "-1", "all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def _protocol(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


def _permission(index: Index, owner: TfResource, group: TfResource, protocol: Any,
                from_port: Any, to_port: Any, cidrs: Any, cidrs6: Any, prefixes: Any,
                groups: Any, description: Any) -> Any:
    """One rule in the API's IpPermissions shape; an Unknown part is returned as is."""
    proto = _protocol(protocol)
    for part in (proto, from_port, to_port, cidrs, cidrs6, prefixes, groups):
        if isinstance(part, Unknown):
            return part
    all_traffic = proto == "-1"
    desc = description or None
    return {
        "IpProtocol": proto,
        "FromPort": None if all_traffic else as_int(from_port),
        "ToPort": None if all_traffic else as_int(to_port),
        "IpRanges": [{"CidrIp": c, "Description": desc} for c in cidrs or []],
        "Ipv6Ranges": [{"CidrIpv6": c, "Description": desc} for c in cidrs6 or []],
        "UserIdGroupPairs": [{"GroupId": index.ident(owner, g), "UserId": None}
                             for g in groups or []],
        "PrefixListIds": [index.ident(owner, p) for p in prefixes or []],
    }


def _inline_rules(index: Index, group: TfResource, kind: str) -> Any:
    found = blocks(group.values.get(kind))
    if isinstance(found, Unknown):
        return [found]
    out = []
    for rule in found:
        groups = list(rule.get("security_groups") or [])
        if as_bool(rule.get("self"), False) is True:
            groups.append(own(group))
        out.append(_permission(index, group, group, rule.get("protocol"), rule.get("from_port"),
                               rule.get("to_port"), rule.get("cidr_blocks"),
                               rule.get("ipv6_cidr_blocks"), rule.get("prefix_list_ids"),
                               groups, rule.get("description")))
    return out


def _rule_resource(index: Index, group: TfResource, rule: TfResource) -> Any:
    v = rule.values
    if rule.type == _SG_RULE:
        groups = [v["source_security_group_id"]] if v.get("source_security_group_id") else []
        if as_bool(v.get("self"), False) is True:
            groups.append(own(group))
        return _permission(index, rule, group, v.get("protocol"), v.get("from_port"),
                           v.get("to_port"), v.get("cidr_blocks"), v.get("ipv6_cidr_blocks"),
                           v.get("prefix_list_ids"), groups, v.get("description"))
    ref = v.get("referenced_security_group_id")
    prefix = v.get("prefix_list_id")
    return _permission(index, rule, group, v.get("ip_protocol"), v.get("from_port"),
                       v.get("to_port"), [v["cidr_ipv4"]] if v.get("cidr_ipv4") else [],
                       [v["cidr_ipv6"]] if v.get("cidr_ipv6") else [],
                       [prefix] if prefix else [], [ref] if ref else [], v.get("description"))


def _merge(permissions: list[Any]) -> list[Any]:
    """Rules with the same protocol and ports are one IpPermissions entry, as AWS lists them."""
    merged: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    out: list[Any] = []
    for perm in permissions:
        if not isinstance(perm, dict):
            out.append(perm)
            continue
        key = (perm["IpProtocol"], perm["FromPort"], perm["ToPort"])
        into = merged.get(key)
        if into is None:
            merged[key] = perm
            out.append(perm)
            continue
        for field in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"):
            into[field] = into[field] + perm[field]
    return out


def map_security_group(index: Index, group: TfResource) -> list[Asset]:
    doc = Doc()
    v = group.values
    doc.set("GroupId", own(group))
    doc.set("Arn", own(group, "arn"))
    name = v.get("name")
    if name is None:
        doc.open("GroupName", "the group name is generated on apply")
    else:
        doc.set("GroupName", name)
    doc.set("Description", v.get("description", "Managed by Terraform"))
    _vpc_of(index, group, doc, v.get("vpc_id"))
    ingress = _inline_rules(index, group, "ingress")
    egress = _inline_rules(index, group, "egress")
    for child_type in (_SG_RULE, _INGRESS, _EGRESS):
        for rule in index.children_of(group, child_type, "security_group_id", ("id",)):
            kind = rule.values.get("type") if child_type == _SG_RULE else (
                "ingress" if child_type == _INGRESS else "egress")
            perm = _rule_resource(index, group, rule)
            if isinstance(kind, Unknown):
                ingress.append(kind)
            elif kind == "egress":
                egress.append(perm)
            else:
                ingress.append(perm)
    doc.set("IpPermissions", _merge(ingress))
    doc.set("IpPermissionsEgress", _merge(egress))
    attached = [own(i) for i in index.children_of(group, INSTANCE, "vpc_security_group_ids")]
    attached += [own(i) for i in index.children_of(group, INSTANCE, "security_groups")
                 if own(i) not in attached]
    doc.set("AttachedInstances", sorted(attached))
    doc.set("Tags", tags_of(group))
    return [build_asset(index, group, "aws.ec2.security_group", doc)]


def _vpc_of(index: Index, res: TfResource, doc: Doc, vpc_id: Any) -> None:
    if vpc_id is None:
        doc.open("VpcId", "no vpc_id: the region's default VPC, known only after apply")
    else:
        doc.set("VpcId", index.ident(res, vpc_id))


def _ebs_default_on(index: Index, res: TfResource) -> bool:
    return any(as_bool(r.values.get("enabled"), True) is True and r.region == res.region
               for r in index.of_type(_EBS_DEFAULT))


def _volume_encrypted(index: Index, res: TfResource, value: Any) -> Any:
    """`encrypted` as written; unset, a volume is encrypted when this code turns EBS
    encryption by default on in its region, else it follows the account and snapshot."""
    encrypted = as_bool(value)
    if encrypted is True or isinstance(encrypted, Unknown):
        return encrypted
    if _ebs_default_on(index, res):
        return True
    if encrypted is False:
        return False
    return Unknown("`encrypted` is not set: it follows the account's EBS encryption by default "
                   "and the source snapshot")


def _public_ip(index: Index, inst: TfResource) -> Any:
    """Whether the instance gets a public IPv4 address (PUBLIC_IP_ON_LAUNCH) or not (None)."""
    v = inst.values
    for eip_type, arg in ((_EIP, "instance"), (_EIP_ASSOCIATION, "instance_id")):
        if index.children_of(inst, eip_type, arg, ("id",)):
            return PUBLIC_IP_ON_LAUNCH
    if blocks(v.get("network_interface")):
        return None  # launched on existing interfaces: no address is auto-assigned
    assoc = as_bool(v.get("associate_public_ip_address"))
    if isinstance(assoc, Unknown):
        return assoc
    if assoc is not None:
        return PUBLIC_IP_ON_LAUNCH if assoc else None
    subnet_id = v.get("subnet_id")
    if subnet_id is None:
        return PUBLIC_IP_ON_LAUNCH  # a default subnet maps public addresses
    subnets = index.targets(inst, "subnet_id", _SUBNET, ("id",))
    if len(subnets) == 1:
        mapped = as_bool(subnets[0].values.get("map_public_ip_on_launch"), False)
        if isinstance(mapped, Unknown):
            return mapped
        return PUBLIC_IP_ON_LAUNCH if mapped else None
    return Unknown("associate_public_ip_address is not set and the subnet's "
                   "map_public_ip_on_launch is not in the code")


def metadata_options(value: Any, *, defaults: bool = True) -> Any:
    """A `metadata_options` block in the API shape, with the provider's defaults."""
    options = block(value)
    if isinstance(options, Unknown):
        return options
    if options is None:
        if not defaults:
            return None
        options = {}
    return {"HttpTokens": options.get("http_tokens") or "optional",
            "HttpEndpoint": options.get("http_endpoint") or "enabled",
            "HttpPutResponseHopLimit": as_int(options.get("http_put_response_hop_limit"), 1)}


def _instance_state(index: Index, inst: TfResource) -> Any:
    found = index.children_of(inst, _INSTANCE_STATE, "instance_id", ("id",))
    if found:
        return found[-1].values.get("state", "running")
    return "running"


def map_instance(index: Index, inst: TfResource) -> list[Asset]:
    doc = Doc()
    v = inst.values
    instance_id = own(inst)
    doc.set("InstanceId", instance_id)
    doc.set("Arn", own(inst, "arn"))
    doc.set("State", _instance_state(index, inst))
    doc.set("InstanceType", v.get("instance_type"))
    doc.set("ImageId", index.ident(inst, v.get("ami")))
    if v.get("subnet_id") is None:
        doc.open("SubnetId", "no subnet_id: a default subnet chosen on launch")
        doc.open("VpcId", "no subnet_id: the region's default VPC")
    else:
        doc.set("SubnetId", index.ident(inst, v.get("subnet_id")))
        subnets = index.targets(inst, "subnet_id", _SUBNET, ("id",))
        if len(subnets) == 1 and subnets[0].values.get("vpc_id") is not None:
            doc.set("VpcId", index.ident(subnets[0], subnets[0].values.get("vpc_id")))
        else:
            doc.open("VpcId", "the VPC of the instance's subnet is not in the code")
    public = _public_ip(index, inst)
    doc.set("PublicIpAddress", public)
    private = v.get("private_ip")
    if private:
        doc.set("PrivateIpAddress", private)
    else:
        doc.after_apply("PrivateIpAddress")
    profile = v.get("iam_instance_profile")
    doc.set("IamInstanceProfile", None if not profile else {
        "Arn": index.ident(inst, profile), "Id": None})
    doc.set("MetadataOptions", metadata_options(v.get("metadata_options")))
    groups = [{"GroupId": index.ident(inst, g), "GroupName": None}
              for g in _list(v.get("vpc_security_group_ids"))]
    groups += [{"GroupId": None, "GroupName": index.ident(inst, g)}
               for g in _list(v.get("security_groups"))]
    if groups:
        doc.set("SecurityGroups", groups)
    else:
        doc.open("SecurityGroups", "no security group in the code: the VPC's default group")
    enis = blocks(v.get("network_interface"))
    if isinstance(enis, Unknown):
        doc.set("NetworkInterfaces", enis)
    elif enis:
        doc.set("NetworkInterfaces", [{"NetworkInterfaceId": index.ident(
            inst, e.get("network_interface_id")), "PublicIp": None} for e in enis])
    else:
        doc.set("NetworkInterfaces", [{"NetworkInterfaceId": None, "PublicIp": public}])
    volumes = _instance_volumes(index, inst, instance_id)
    doc.set("BlockDeviceMappings", [
        {"DeviceName": vol.props.get("Attachments", [{}])[0].get("Device")
         if vol.props.get("Attachments") else None, "VolumeId": vol.props.get("VolumeId")}
        for _, vol in volumes])
    doc.after_apply("LaunchTime", "StateTransitionTime")
    doc.set("Tags", tags_of(inst))
    out = [build_asset(index, inst, "aws.ec2.instance", doc)]
    out += [build_asset(index, inst, "aws.ec2.volume", vol, name_args=(), suffix=suffix)
            for suffix, vol in volumes]
    return out


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Unknown):
        return [value]
    return list(value) if isinstance(value, list | tuple) else [value]


def _instance_volumes(index: Index, inst: TfResource, instance_id: str) -> list[tuple[str, Doc]]:
    """The EBS volumes an instance launches with (root and `ebs_block_device`), as the volume
    assets the collector would find attached to it."""
    out: list[tuple[str, Doc]] = []
    root = block(inst.values.get("root_block_device"))
    specs: list[tuple[str, Any, Any]] = [("#root_block_device", root or {}, None)]
    ebs = blocks(inst.values.get("ebs_block_device"))
    if not isinstance(ebs, Unknown):
        specs += [(f"#ebs_block_device[{i}]", dev, dev.get("device_name"))
                  for i, dev in enumerate(ebs)]
    for suffix, spec, device in specs:
        if isinstance(spec, Unknown):
            continue
        doc = Doc()
        doc.set("VolumeId", literal_str(spec.get("volume_id"))
                or f"{REF_PREFIX}{inst.address}{suffix}")
        doc.after_apply("Arn")
        doc.set("Encrypted", _volume_encrypted(index, inst, spec.get("encrypted")))
        doc.set("KmsKeyId", index.ident(inst, spec.get("kms_key_id")) or None)
        doc.set("State", "in-use")
        doc.set("Size", as_int(spec.get("volume_size")))
        doc.set("VolumeType", spec.get("volume_type"))
        doc.set("Attachments", [{"InstanceId": instance_id, "Device": device,
                                 "State": "attached"}])
        doc.after_apply("CreateTime")
        tags = inst.values.get("volume_tags") or spec.get("tags") or {}
        doc.set("Tags", tags if isinstance(tags, Unknown) else {
            str(k): "" if t is None else str(t) for k, t in tags.items()})
        out.append((suffix, doc))
    return out


def map_volume(index: Index, vol: TfResource) -> list[Asset]:
    doc = Doc()
    v = vol.values
    volume_id = own(vol)
    doc.set("VolumeId", volume_id)
    doc.set("Arn", own(vol, "arn"))
    doc.set("Encrypted", _volume_encrypted(index, vol, v.get("encrypted")))
    doc.set("KmsKeyId", index.ident(vol, v.get("kms_key_id")) or None)
    attachments = index.children_of(vol, _ATTACHMENT, "volume_id", ("id",))
    doc.set("State", "in-use" if attachments else "available")
    doc.set("Size", as_int(v.get("size")))
    doc.set("VolumeType", v.get("type"))
    doc.set("Attachments", [{"InstanceId": index.ident(a, a.values.get("instance_id")),
                             "Device": a.values.get("device_name"), "State": "attached"}
                            for a in attachments])
    doc.after_apply("CreateTime")
    doc.set("Tags", tags_of(vol))
    return [build_asset(index, vol, "aws.ec2.volume", doc)]


def map_launch_template(index: Index, tpl: TfResource) -> list[Asset]:
    doc = Doc()
    v = tpl.values
    doc.set("Arn", own(tpl, "arn"))
    doc.set("LaunchTemplateId", own(tpl))
    if v.get("name") is None:
        doc.open("LaunchTemplateName", "the template name is generated on apply")
    else:
        doc.set("LaunchTemplateName", v.get("name"))
    doc.after_apply("CreateTime")
    doc.set("DefaultVersionNumber", as_int(v.get("default_version"), 1))
    doc.set("LatestVersionNumber", as_int(v.get("latest_version"), 1))
    data: dict[str, Any] = {}
    options = metadata_options(v.get("metadata_options"), defaults=False)
    if options is not None:
        data["MetadataOptions"] = options
    enis = blocks(v.get("network_interfaces"))
    data["NetworkInterfaces"] = enis if isinstance(enis, Unknown) else [
        {"AssociatePublicIpAddress": as_bool(e.get("associate_public_ip_address")),
         "DeviceIndex": as_int(e.get("device_index"), 0),
         "Groups": index.ident_list(tpl, e.get("security_groups"))} for e in enis]
    data["ImageId"] = index.ident(tpl, v.get("image_id"))
    data["InstanceType"] = v.get("instance_type")
    profile = block(v.get("iam_instance_profile"))
    data["IamInstanceProfile"] = None if not profile else (
        profile if isinstance(profile, Unknown) else
        {"Arn": index.ident(tpl, profile.get("arn")),
         "Name": index.ident(tpl, profile.get("name"))})
    data["SecurityGroupIds"] = index.ident_list(tpl, v.get("vpc_security_group_ids"))
    mappings = blocks(v.get("block_device_mappings"))
    data["BlockDeviceMappings"] = mappings if isinstance(mappings, Unknown) else [
        _template_device(index, tpl, m) for m in mappings]
    doc.set("LaunchTemplateData", data)
    doc.set("Tags", tags_of(tpl))
    return [build_asset(index, tpl, "aws.ec2.launch_template", doc)]


def _template_device(index: Index, tpl: TfResource, mapping: dict[str, Any]) -> Any:
    ebs = block(mapping.get("ebs"))
    if isinstance(ebs, Unknown):
        return ebs
    out: dict[str, Any] = {"DeviceName": mapping.get("device_name")}
    if ebs is not None:
        out["Ebs"] = {"Encrypted": as_bool(ebs.get("encrypted")),
                      "KmsKeyId": index.ident(tpl, ebs.get("kms_key_id")),
                      "VolumeSize": as_int(ebs.get("volume_size")),
                      "VolumeType": ebs.get("volume_type")}
    return out


def map_vpc(index: Index, vpc: TfResource) -> list[Asset]:
    doc = Doc()
    v = vpc.values
    doc.set("VpcId", own(vpc))
    doc.set("Arn", own(vpc, "arn"))
    doc.set("CidrBlock", v.get("cidr_block"))
    doc.set("IsDefault", False)
    doc.set("State", "available")
    logs = index.children_of(vpc, _FLOW_LOG, "vpc_id", ("id",))
    doc.set("FlowLogs", [{
        "FlowLogId": own(f), "FlowLogStatus": "ACTIVE",
        "TrafficType": f.values.get("traffic_type"),
        "LogDestinationType": f.values.get("log_destination_type") or "cloud-watch-logs",
        "LogDestination": index.ident(f, f.values.get("log_destination")
                                      or f.values.get("log_group_name"))} for f in logs])
    doc.set("InstanceCount", sum(
        1 for s in index.children_of(vpc, _SUBNET, "vpc_id", ("id",))
        for _ in index.children_of(s, INSTANCE, "subnet_id", ("id",))))
    doc.set("Tags", tags_of(vpc))
    return [build_asset(index, vpc, "aws.ec2.vpc", doc)]


def map_subnet(index: Index, subnet: TfResource) -> list[Asset]:
    doc = Doc()
    v = subnet.values
    doc.set("SubnetId", own(subnet))
    doc.set("Arn", own(subnet, "arn"))
    doc.set("VpcId", index.ident(subnet, v.get("vpc_id")))
    doc.set("CidrBlock", v.get("cidr_block"))
    if v.get("availability_zone") is None:
        doc.open("AvailabilityZone", "no availability_zone: AWS picks one on apply")
    else:
        doc.set("AvailabilityZone", v.get("availability_zone"))
    doc.set("State", "available")
    doc.set("MapPublicIpOnLaunch", as_bool(v.get("map_public_ip_on_launch"), False))
    doc.set("AssignIpv6AddressOnCreation",
            as_bool(v.get("assign_ipv6_address_on_creation"), False))
    doc.set("DefaultForAz", False)
    doc.set("Tags", tags_of(subnet))
    return [build_asset(index, subnet, "aws.ec2.subnet", doc)]
