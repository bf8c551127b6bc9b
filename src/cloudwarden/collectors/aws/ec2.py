"""EC2 in one region: instances, security groups, network ACLs, volumes, snapshots, images,
VPCs (with flow logs), subnets, VPC endpoints, transit gateways and the region's EBS settings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws import ec2_interfaces, ec2_vpn
from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import (
    iso,
    make_asset,
    name_tag,
    pick,
    policy_doc,
    tag_dict,
)
from cloudwarden.core.model import Asset

# "User initiated (2024-01-02 03:04:05 GMT)" is the only place EC2 tells when a state began.
_TRANSITION = re.compile(r"\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)")
_UNSUPPORTED = ("NotImplemented", "InvalidAction", "UnsupportedOperation")


def _instance_groups(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The security groups of an instance: its own list plus those of every network interface
    (an instance launched with explicit interfaces may carry them only there), deduplicated."""
    seen: dict[str, Mapping[str, Any]] = {}
    groups = list(raw.get("SecurityGroups") or [])
    for eni in raw.get("NetworkInterfaces") or []:
        groups.extend(eni.get("Groups") or [])
    for group in groups:
        gid = group.get("GroupId")
        if gid and gid not in seen:
            seen[gid] = group
    return list(seen.values())


def normalize_instance(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    match = _TRANSITION.search(raw.get("StateTransitionReason") or "")
    profile = raw.get("IamInstanceProfile")
    return {
        "InstanceId": raw["InstanceId"],
        "Arn": arn,
        "State": (raw.get("State") or {}).get("Name"),
        "InstanceType": raw.get("InstanceType"),
        "ImageId": raw.get("ImageId"),
        "VpcId": raw.get("VpcId"),
        "SubnetId": raw.get("SubnetId"),
        "PublicIpAddress": raw.get("PublicIpAddress"),
        "PrivateIpAddress": raw.get("PrivateIpAddress"),
        "IamInstanceProfile": pick(profile, "Arn", "Id"),
        "MetadataOptions": pick(raw.get("MetadataOptions"), "HttpTokens", "HttpEndpoint",
                                "HttpPutResponseHopLimit"),
        "SecurityGroups": [pick(g, "GroupId", "GroupName") for g in _instance_groups(raw)],
        "NetworkInterfaces": [
            {"NetworkInterfaceId": n.get("NetworkInterfaceId"),
             "PublicIp": (n.get("Association") or {}).get("PublicIp")}
            for n in raw.get("NetworkInterfaces") or []],
        "BlockDeviceMappings": [
            {"DeviceName": b.get("DeviceName"), "VolumeId": (b.get("Ebs") or {}).get("VolumeId")}
            for b in raw.get("BlockDeviceMappings") or []],
        "LaunchTime": iso(raw.get("LaunchTime")),
        "VirtualizationType": raw.get("VirtualizationType"),
        "StateTransitionTime": iso(f"{match[1]}T{match[2]}+00:00") if match else None,
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_permissions(raw: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    return [{
        "IpProtocol": p.get("IpProtocol"),
        "FromPort": p.get("FromPort"),
        "ToPort": p.get("ToPort"),
        "IpRanges": [pick(r, "CidrIp", "Description") for r in p.get("IpRanges") or []],
        "Ipv6Ranges": [pick(r, "CidrIpv6", "Description") for r in p.get("Ipv6Ranges") or []],
        "UserIdGroupPairs": [pick(g, "GroupId", "UserId") for g in p.get("UserIdGroupPairs") or []],
        "PrefixListIds": [r.get("PrefixListId") for r in p.get("PrefixListIds") or []],
    } for p in raw or []]


def normalize_security_group(raw: Mapping[str, Any], arn: str,
                             attached: Sequence[str]) -> dict[str, Any]:
    return {
        "GroupId": raw["GroupId"],
        "Arn": arn,
        "GroupName": raw.get("GroupName"),
        "Description": raw.get("Description"),
        "VpcId": raw.get("VpcId"),
        "IpPermissions": normalize_permissions(raw.get("IpPermissions")),
        "IpPermissionsEgress": normalize_permissions(raw.get("IpPermissionsEgress")),
        "AttachedInstances": sorted(attached),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_network_acl(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "NetworkAclId": raw["NetworkAclId"],
        "Arn": arn,
        "VpcId": raw.get("VpcId"),
        "IsDefault": raw.get("IsDefault"),
        "Entries": [{
            "RuleNumber": e.get("RuleNumber"),
            "Protocol": e.get("Protocol"),
            "RuleAction": e.get("RuleAction"),
            "Egress": e.get("Egress"),
            "CidrBlock": e.get("CidrBlock"),
            "Ipv6CidrBlock": e.get("Ipv6CidrBlock"),
            "PortRange": pick(e.get("PortRange"), "From", "To"),
        } for e in raw.get("Entries") or []],
        "Associations": [a.get("SubnetId") for a in raw.get("Associations") or []],
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_volume(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "VolumeId": raw["VolumeId"],
        "Arn": arn,
        "Encrypted": bool(raw.get("Encrypted")),
        "KmsKeyId": raw.get("KmsKeyId"),
        "State": raw.get("State"),
        "Size": raw.get("Size"),
        "VolumeType": raw.get("VolumeType"),
        "Attachments": [pick(a, "InstanceId", "Device", "State")
                        for a in raw.get("Attachments") or []],
        "CreateTime": iso(raw.get("CreateTime")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_snapshot(raw: Mapping[str, Any], arn: str,
                       permissions: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "SnapshotId": raw["SnapshotId"],
        "Arn": arn,
        "VolumeId": raw.get("VolumeId"),
        "Encrypted": raw.get("Encrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "StartTime": iso(raw.get("StartTime")),
        "CreateVolumePermissions": None if permissions is None else [
            {k: v for k, v in p.items() if k in ("Group", "UserId")} for p in permissions],
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_image(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "ImageId": raw["ImageId"],
        "Arn": arn,
        "Name": raw.get("Name"),
        "Public": raw.get("Public"),
        "State": raw.get("State"),
        "CreationDate": iso(raw.get("CreationDate")),
        "BlockDeviceMappings": [
            {"DeviceName": b.get("DeviceName"),
             "Ebs": pick(b.get("Ebs"), "Encrypted", "SnapshotId")}
            for b in raw.get("BlockDeviceMappings") or []],
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_vpc(raw: Mapping[str, Any], arn: str, flow_logs: Sequence[Mapping[str, Any]] | None,
                  instance_count: int | None) -> dict[str, Any]:
    return {
        "VpcId": raw["VpcId"],
        "Arn": arn,
        "CidrBlock": raw.get("CidrBlock"),
        "IsDefault": raw.get("IsDefault"),
        "State": raw.get("State"),
        "FlowLogs": None if flow_logs is None else [
            pick(f, "FlowLogId", "FlowLogStatus", "TrafficType", "LogDestinationType",
                 "LogDestination") for f in flow_logs],
        "InstanceCount": instance_count,
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_subnet(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "SubnetId": raw["SubnetId"],
        "Arn": raw.get("SubnetArn") or arn,
        "VpcId": raw.get("VpcId"),
        "CidrBlock": raw.get("CidrBlock"),
        "AvailabilityZone": raw.get("AvailabilityZone"),
        "State": raw.get("State"),
        "MapPublicIpOnLaunch": raw.get("MapPublicIpOnLaunch"),
        "AssignIpv6AddressOnCreation": raw.get("AssignIpv6AddressOnCreation"),
        "DefaultForAz": raw.get("DefaultForAz"),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_vpc_endpoint(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "VpcEndpointId": raw["VpcEndpointId"],
        "Arn": arn,
        "VpcId": raw.get("VpcId"),
        "ServiceName": raw.get("ServiceName"),
        "VpcEndpointType": raw.get("VpcEndpointType"),
        "State": raw.get("State"),
        "PolicyDocument": policy_doc(raw.get("PolicyDocument")),
        "PrivateDnsEnabled": raw.get("PrivateDnsEnabled"),
        "SubnetIds": list(raw.get("SubnetIds") or []),
        "CreationTimestamp": iso(raw.get("CreationTimestamp")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_transit_gateway(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "TransitGatewayId": raw["TransitGatewayId"],
        "Arn": raw.get("TransitGatewayArn") or arn,
        "State": raw.get("State"),
        "Description": raw.get("Description"),
        "OwnerId": raw.get("OwnerId"),
        "Options": pick(raw.get("Options"), "AmazonSideAsn", "AutoAcceptSharedAttachments",
                        "DefaultRouteTableAssociation", "DefaultRouteTablePropagation",
                        "DnsSupport", "VpnEcmpSupport", "MulticastSupport"),
        "CreationTime": iso(raw.get("CreationTime")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_regional_settings(region: str, arn: str, *, encryption: Mapping[str, Any] | None,
                                kms_key: Mapping[str, Any] | None,
                                snapshot_block: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "Region": region,
        "Arn": arn,
        "EbsEncryptionByDefault": None if encryption is None
        else encryption.get("EbsEncryptionByDefault"),
        "EbsDefaultKmsKeyId": (kms_key or {}).get("KmsKeyId"),
        "SnapshotBlockPublicAccess": (snapshot_block or {}).get("State"),
    }


def _instances(api: Api) -> Fetched[list[dict[str, Any]]]:
    reservations = api.fetch_pages("describe_instances", "Reservations")
    if reservations.value is None:
        return Fetched(None, reservations.failure)
    return Fetched([i for r in reservations.value for i in r.get("Instances") or []])


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("ec2", region)

    def arn(kind: str, id_: str, *, owned: bool = True) -> str:
        # Snapshot and image ARNs carry no account (they may be shared across accounts).
        return ctx.arn("ec2", region, f"{kind}/{id_}", account=None if owned else "")

    def add(type_: str, doc: dict[str, Any], id_key: str,
            unknown: dict[str, str] | None = None) -> None:
        name = name_tag(doc.get("Tags") or {}, doc[id_key])
        assets.append(make_asset(ctx.account, region, type_, doc["Arn"], name, doc, unknown))

    assets: list[Asset] = []
    described = _instances(api)
    instances = described.value
    sg_members: defaultdict[str, list[str]] = defaultdict(list)
    per_vpc: Counter[str] = Counter()
    for raw in instances or []:
        add("aws.ec2.instance", normalize_instance(raw, arn("instance", raw["InstanceId"])),
            "InstanceId")
        for group in _instance_groups(raw):
            sg_members[group["GroupId"]].append(raw["InstanceId"])
        if raw.get("VpcId"):
            per_vpc[raw["VpcId"]] += 1

    for raw in api.pages("describe_security_groups", "SecurityGroups") or []:
        gid = raw["GroupId"]
        # Without the instances the attachment list is empty only for want of knowing.
        add("aws.ec2.security_group",
            normalize_security_group(raw, arn("security-group", gid), sg_members.get(gid, [])),
            "GroupId", failures({"AttachedInstances": described}))
    for raw in api.pages("describe_network_acls", "NetworkAcls") or []:
        add("aws.ec2.network_acl",
            normalize_network_acl(raw, arn("network-acl", raw["NetworkAclId"])), "NetworkAclId")
    for raw in api.pages("describe_volumes", "Volumes") or []:
        add("aws.ec2.volume", normalize_volume(raw, arn("volume", raw["VolumeId"])), "VolumeId")
    for raw in api.pages("describe_snapshots", "Snapshots", OwnerIds=["self"]) or []:
        sid = raw["SnapshotId"]
        attr = api.fetch("describe_snapshot_attribute", SnapshotId=sid,
                         Attribute="createVolumePermission")
        perms = None if attr.value is None else attr.value.get("CreateVolumePermissions") or []
        add("aws.ec2.snapshot", normalize_snapshot(raw, arn("snapshot", sid, owned=False), perms),
            "SnapshotId", failures({"CreateVolumePermissions": attr}))
    for raw in api.pages("describe_images", "Images", Owners=["self"]) or []:
        add("aws.ec2.image", normalize_image(raw, arn("image", raw["ImageId"], owned=False)),
            "ImageId")

    flow_logs = api.fetch_pages("describe_flow_logs", "FlowLogs")
    by_vpc: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for log in flow_logs.value or []:
        by_vpc[log.get("ResourceId", "")].append(log)
    vpc_unknown = failures({"FlowLogs": flow_logs, "InstanceCount": described})
    for raw in api.pages("describe_vpcs", "Vpcs") or []:
        vid = raw["VpcId"]
        add("aws.ec2.vpc", normalize_vpc(
            raw, arn("vpc", vid), None if flow_logs.value is None else by_vpc.get(vid, []),
            None if instances is None else per_vpc.get(vid, 0)), "VpcId", vpc_unknown)

    for raw in api.pages("describe_subnets", "Subnets") or []:
        add("aws.ec2.subnet", normalize_subnet(raw, arn("subnet", raw["SubnetId"])), "SubnetId")
    for raw in api.pages("describe_vpc_endpoints", "VpcEndpoints") or []:
        eid = raw["VpcEndpointId"]
        add("aws.ec2.vpc_endpoint", normalize_vpc_endpoint(raw, arn("vpc-endpoint", eid)),
            "VpcEndpointId")
    for raw in api.pages("describe_transit_gateways", "TransitGateways") or []:
        # Gateways shared with the account through RAM are listed too; their owner judges them.
        if raw.get("OwnerId") not in (None, ctx.account):
            continue
        tid = raw["TransitGatewayId"]
        add("aws.ec2.transit_gateway",
            normalize_transit_gateway(raw, arn("transit-gateway", tid)), "TransitGatewayId")

    assets += ec2_vpn.collect_region(ctx, api, region)
    assets += ec2_interfaces.collect_region(ctx, api, region)
    fetched = {
        "EbsEncryptionByDefault": api.fetch("get_ebs_encryption_by_default"),
        "EbsDefaultKmsKeyId": api.fetch("get_ebs_default_kms_key_id"),
        "SnapshotBlockPublicAccess": api.fetch("get_snapshot_block_public_access_state",
                                               unsupported=_UNSUPPORTED),
    }
    settings = normalize_regional_settings(
        region, ctx.arn("ec2", region, "settings"),
        encryption=fetched["EbsEncryptionByDefault"].value,
        kms_key=fetched["EbsDefaultKmsKeyId"].value,
        snapshot_block=fetched["SnapshotBlockPublicAccess"].value,
    )
    assets.append(make_asset(ctx.account, region, "aws.ec2.regional_settings", settings["Arn"],
                             f"EC2 settings {region}", settings, failures(fetched)))
    return assets
