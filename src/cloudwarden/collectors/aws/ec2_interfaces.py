"""EC2 resources of one region that the main EC2 collector leaves out: network interfaces, Spot
Fleet requests (with the launch parameters given in the request) and the region's VPC Block
Public Access options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Api, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, name_tag, tag_dict
from cloudwarden.core.model import Asset

__all__ = ["collect_region", "normalize_network_interface", "normalize_spot_fleet_request",
           "normalize_vpc_block_public_access"]

#: Codes of endpoints (partitions, emulators) that do not offer VPC Block Public Access; an
#: emulator that lacks the API answers something botocore cannot parse.
_UNSUPPORTED = ("NotImplemented", "InvalidAction", "UnsupportedOperation", "ResponseParserError")
#: Spot Fleet requests in these states launch nothing any more.
_CANCELLED = frozenset({"cancelled", "cancelled_terminating", "failed"})


def normalize_network_interface(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    attachment = raw.get("Attachment") or {}
    association = raw.get("Association") or {}
    return {
        "NetworkInterfaceId": raw["NetworkInterfaceId"],
        "Arn": arn,
        "InterfaceType": raw.get("InterfaceType"),
        "Status": raw.get("Status"),
        "SourceDestCheck": raw.get("SourceDestCheck"),
        "RequesterManaged": raw.get("RequesterManaged"),
        "RequesterId": raw.get("RequesterId"),
        "VpcId": raw.get("VpcId"),
        "SubnetId": raw.get("SubnetId"),
        "AvailabilityZone": raw.get("AvailabilityZone"),
        "PrivateIpAddress": raw.get("PrivateIpAddress"),
        "PublicIp": association.get("PublicIp"),
        "AttachedInstanceId": attachment.get("InstanceId"),
        "Groups": [g.get("GroupId") for g in raw.get("Groups") or []],
        "Description": raw.get("Description") or None,
        # DescribeNetworkInterfaces names the list TagSet
        "Tags": tag_dict(raw.get("TagSet") or raw.get("Tags")),
    }


def _ebs(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    return {"Encrypted": raw.get("Encrypted"), "KmsKeyId": raw.get("KmsKeyId"),
            "SnapshotId": raw.get("SnapshotId"), "VolumeType": raw.get("VolumeType"),
            "VolumeSize": raw.get("VolumeSize")}


def normalize_spot_fleet_request(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    """`raw` is one SpotFleetRequestConfigs item of DescribeSpotFleetRequests."""
    config = raw.get("SpotFleetRequestConfig") or {}
    return {
        "SpotFleetRequestId": raw["SpotFleetRequestId"],
        "Arn": arn,
        "SpotFleetRequestState": raw.get("SpotFleetRequestState"),
        "Type": config.get("Type"),
        "LaunchSpecifications": [{
            "InstanceType": spec.get("InstanceType"),
            "ImageId": spec.get("ImageId"),
            "BlockDeviceMappings": [{
                "DeviceName": m.get("DeviceName"),
                "VirtualName": m.get("VirtualName"),
                "Ebs": _ebs(m.get("Ebs")),
            } for m in spec.get("BlockDeviceMappings") or []],
        } for spec in config.get("LaunchSpecifications") or []],
        "LaunchTemplateConfigCount": len(config.get("LaunchTemplateConfigs") or []),
        "CreateTime": iso(raw.get("CreateTime")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_vpc_block_public_access(region: str, arn: str,
                                      raw: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` is DescribeVpcBlockPublicAccessOptions' VpcBlockPublicAccessOptions."""
    return {
        "Region": region,
        "Arn": arn,
        "State": raw.get("State"),
        "InternetGatewayBlockMode": raw.get("InternetGatewayBlockMode"),
        "ExclusionsAllowed": raw.get("ExclusionsAllowed"),
        "ManagedBy": raw.get("ManagedBy"),
        "LastUpdateTimestamp": iso(raw.get("LastUpdateTimestamp")),
    }


def _block_public_access(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    fetched = api.fetch("describe_vpc_block_public_access_options", unsupported=_UNSUPPORTED)
    if fetched.value is None and fetched.failure.endswith(
            tuple(f": {code}" for code in _UNSUPPORTED)):
        return []  # the endpoint has no VPC Block Public Access: nothing to judge
    arn = ctx.arn("ec2", region, "vpc-block-public-access-options")
    options = (fetched.value or {}).get("VpcBlockPublicAccessOptions") or {}
    doc = normalize_vpc_block_public_access(region, arn, options)
    unknown = failures({field: fetched for field in doc if field not in ("Region", "Arn")})
    return [make_asset(ctx.account, region, "aws.ec2.vpc_block_public_access", arn,
                       f"VPC Block Public Access {region}", doc, unknown)]


def collect_region(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    """Called by the EC2 collector with its client."""
    assets = []
    for raw in api.pages("describe_network_interfaces", "NetworkInterfaces") or []:
        eid = raw["NetworkInterfaceId"]
        doc = normalize_network_interface(raw, ctx.arn("ec2", region, f"network-interface/{eid}"))
        assets.append(make_asset(ctx.account, region, "aws.ec2.network_interface", doc["Arn"],
                                 name_tag(doc["Tags"], eid), doc))
    for raw in api.pages("describe_spot_fleet_requests", "SpotFleetRequestConfigs") or []:
        if raw.get("SpotFleetRequestState") in _CANCELLED:
            continue
        rid = raw["SpotFleetRequestId"]
        doc = normalize_spot_fleet_request(
            raw, ctx.arn("ec2", region, f"spot-fleet-request/{rid}"))
        assets.append(make_asset(ctx.account, region, "aws.ec2.spot_fleet_request", doc["Arn"],
                                 name_tag(doc["Tags"], rid), doc))
    return assets + _block_public_access(ctx, api, region)
