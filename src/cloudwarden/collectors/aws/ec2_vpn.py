"""EC2 addressing and connectivity of one region that the main EC2 collector leaves out:
Elastic IP addresses, Site-to-Site VPN connections (with tunnel state and logging) and Client
VPN endpoints (with connection logging)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Api, ScanContext
from cloudwarden.collectors.aws._shapes import make_asset, name_tag, tag_dict
from cloudwarden.core.model import Asset

#: VPN connections in these states no longer exist for practical purposes.
_GONE = frozenset({"deleting", "deleted"})
#: Codes of endpoints (partitions, emulators) that do not offer Client VPN at all.
_UNSUPPORTED = ("NotImplemented", "InvalidAction", "UnsupportedOperation")


def normalize_address(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "AllocationId": raw["AllocationId"],
        "Arn": arn,
        "PublicIp": raw.get("PublicIp"),
        "Domain": raw.get("Domain"),
        "AssociationId": raw.get("AssociationId"),
        "InstanceId": raw.get("InstanceId") or None,
        "NetworkInterfaceId": raw.get("NetworkInterfaceId"),
        "Tags": tag_dict(raw.get("Tags")),
    }


def _tunnel_logged(tunnel: Mapping[str, Any]) -> bool:
    log = ((tunnel.get("LogOptions") or {}).get("CloudWatchLogOptions") or {})
    return bool(log.get("LogEnabled"))


def normalize_vpn_connection(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    tunnels = (raw.get("Options") or {}).get("TunnelOptions") or []
    return {
        "VpnConnectionId": raw["VpnConnectionId"],
        "Arn": arn,
        "State": raw.get("State"),
        "Type": raw.get("Type"),
        "VpnGatewayId": raw.get("VpnGatewayId"),
        "TransitGatewayId": raw.get("TransitGatewayId"),
        "VgwTelemetry": [{"OutsideIpAddress": t.get("OutsideIpAddress"),
                          "Status": t.get("Status")} for t in raw.get("VgwTelemetry") or []],
        "TunnelOptions": [{
            "OutsideIpAddress": t.get("OutsideIpAddress"),
            "CloudWatchLogEnabled": _tunnel_logged(t),
        } for t in tunnels],
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_client_vpn_endpoint(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    logs = raw.get("ConnectionLogOptions") or {}
    return {
        "ClientVpnEndpointId": raw["ClientVpnEndpointId"],
        "Arn": arn,
        "Status": (raw.get("Status") or {}).get("Code"),
        "VpcId": raw.get("VpcId"),
        "ConnectionLogOptions": {"Enabled": bool(logs.get("Enabled")),
                                 "CloudwatchLogGroup": logs.get("CloudwatchLogGroup") or None},
        "Tags": tag_dict(raw.get("Tags")),
    }


def _client_vpn_endpoints(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    fetched = api.fetch("describe_client_vpn_endpoints", unsupported=_UNSUPPORTED)
    assets = []
    for raw in (fetched.value or {}).get("ClientVpnEndpoints") or []:
        if (raw.get("Status") or {}).get("Code") in _GONE:
            continue
        eid = raw["ClientVpnEndpointId"]
        doc = normalize_client_vpn_endpoint(
            raw, ctx.arn("ec2", region, f"client-vpn-endpoint/{eid}"))
        assets.append(make_asset(ctx.account, region, "aws.ec2.client_vpn_endpoint", doc["Arn"],
                                 name_tag(doc["Tags"], eid), doc))
    return assets


def collect_region(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    """Called by the EC2 collector with its client."""
    assets = []
    for raw in (api.call("describe_addresses") or {}).get("Addresses") or []:
        if not raw.get("AllocationId"):
            continue  # EC2-Classic addresses (retired) have no allocation id
        doc = normalize_address(raw, ctx.arn("ec2", region, f"elastic-ip/{raw['AllocationId']}"))
        assets.append(make_asset(ctx.account, region, "aws.ec2.elastic_ip", doc["Arn"],
                                 name_tag(doc["Tags"], doc["PublicIp"] or doc["AllocationId"]),
                                 doc))
    for raw in (api.call("describe_vpn_connections") or {}).get("VpnConnections") or []:
        if raw.get("State") in _GONE:
            continue
        vid = raw["VpnConnectionId"]
        doc = normalize_vpn_connection(raw, ctx.arn("ec2", region, f"vpn-connection/{vid}"))
        assets.append(make_asset(ctx.account, region, "aws.ec2.vpn_connection", doc["Arn"],
                                 name_tag(doc["Tags"], vid), doc))
    return assets + _client_vpn_endpoints(ctx, api, region)
