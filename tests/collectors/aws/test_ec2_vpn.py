"""Elastic IP addresses, Site-to-Site VPN connections and the instance virtualization type,
collected by the EC2 collector from a real moto server.

moto answers DescribeAddresses and DescribeInstances; its DescribeVpnConnections carries no
tunnel telemetry nor tunnel options and it has no DescribeClientVpnEndpoints, so those calls are
answered with canned replies, as AWS documents the responses, through botocore's `before-send`
event (see `conftest.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from tests.collectors.aws.conftest import EC2_NS, canned

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.ec2_vpn import normalize_address, normalize_vpn_connection
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "123456789012"
REGION = "us-east-1"
TYPES = ("aws.ec2.elastic_ip", "aws.ec2.vpn_connection", "aws.ec2.client_vpn_endpoint")


def _tunnel(ip: str, status: str, logged: bool) -> tuple[str, str]:
    telemetry = (f"<item><outsideIpAddress>{ip}</outsideIpAddress><status>{status}</status>"
                 f"<acceptedRouteCount>0</acceptedRouteCount></item>")
    options = (f"<item><outsideIpAddress>{ip}</outsideIpAddress><logOptions>"
               f"<cloudWatchLogOptions><logEnabled>{str(logged).lower()}</logEnabled>"
               f"</cloudWatchLogOptions></logOptions></item>")
    return telemetry, options


def _connection(vid: str, state: str, tunnels: list[tuple[str, str]], name: str) -> str:
    telemetry = "".join(t for t, _ in tunnels)
    options = "".join(o for _, o in tunnels)
    return (f"<item><vpnConnectionId>{vid}</vpnConnectionId><state>{state}</state>"
            f"<type>ipsec.1</type><customerGatewayId>cgw-1</customerGatewayId>"
            f"<vpnGatewayId>vgw-0a1b2c3d</vpnGatewayId><category>VPN</category>"
            f"<options><staticRoutesOnly>false</staticRoutesOnly>"
            f"<tunnelOptionSet>{options}</tunnelOptionSet></options>"
            f"<vgwTelemetry>{telemetry}</vgwTelemetry>"
            f"<tagSet><item><key>Name</key><value>{name}</value></item></tagSet></item>")


VPN_REPLY = (
    f'<DescribeVpnConnectionsResponse xmlns="{EC2_NS}"><requestId>r</requestId>'
    "<vpnConnectionSet>"
    + _connection("vpn-0healthy", "available",
                  [_tunnel("203.0.113.10", "UP", True), _tunnel("203.0.113.11", "UP", True)],
                  "dc-primary")
    + _connection("vpn-0degraded", "available",
                  [_tunnel("198.51.100.20", "UP", False), _tunnel("198.51.100.21", "DOWN", False)],
                  "dc-backup")
    + _connection("vpn-0gone", "deleted", [], "old")
    + "</vpnConnectionSet></DescribeVpnConnectionsResponse>")


def _vpn_reply(**_: Any) -> AWSResponse:
    return canned(200, VPN_REPLY)


def _endpoint(eid: str, logged: bool, name: str) -> str:
    group = "<CloudwatchLogGroup>/aws/clientvpn/staff</CloudwatchLogGroup>" if logged else ""
    return (f"<item><clientVpnEndpointId>{eid}</clientVpnEndpointId>"
            f"<status><code>available</code></status><vpcId>vpc-0a1b2c3d</vpcId>"
            f"<connectionLogOptions><Enabled>{str(logged).lower()}</Enabled>{group}"
            f"</connectionLogOptions>"
            f"<tagSet><item><key>Name</key><value>{name}</value></item></tagSet></item>")


CLIENT_VPN_REPLY = (
    f'<DescribeClientVpnEndpointsResponse xmlns="{EC2_NS}"><requestId>r</requestId>'
    "<clientVpnEndpoint>" + _endpoint("cvpn-endpoint-0logged", True, "staff-vpn")
    + _endpoint("cvpn-endpoint-0silent", False, "contractor-vpn")
    + "</clientVpnEndpoint></DescribeClientVpnEndpointsResponse>")


def _client_vpn_reply(**_: Any) -> AWSResponse:
    return canned(200, CLIENT_VPN_REPLY)


def seed(c: Callable[..., Any]) -> dict[str, Any]:
    ec2 = c("ec2")
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    used = ec2.allocate_address(Domain="vpc", TagSpecifications=[{
        "ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "bastion-ip"}]}])
    ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=instance)
    spare = ec2.allocate_address(Domain="vpc")
    return {"instance": instance, "used": used["AllocationId"],
            "spare": spare["AllocationId"], "spare_ip": spare["PublicIp"]}


@pytest.fixture
def seeded(aws_session: boto3.Session, make_client: Callable[..., Any],
           aws_endpoint: str) -> tuple[dict[str, Any], Inventory]:
    ids = seed(make_client)
    aws_session.events.register("before-send.ec2.DescribeVpnConnections", _vpn_reply)
    # ahead of conftest's empty answer for accounts without Client VPN
    aws_session.events.register_first("before-send.ec2.DescribeClientVpnEndpoints",
                                      _client_vpn_reply)
    inv = collect(AwsScanOptions(regions=(REGION,), services=("ec2",), endpoint_url=aws_endpoint),
                  session=aws_session)
    return ids, inv


def only(inv: Inventory, type_: str, **props: Any) -> Asset:
    found = inv.find(type_, **props)
    assert len(found) == 1, f"{type_} {props}: {[a.ref.id for a in found]}"
    return found[0]


def test_documents_have_exactly_the_declared_fields(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    assert inv.errors == []
    registry = default_registry()
    for type_ in TYPES:
        assert inv.of_type(type_), type_
        spec = registry[type_]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        for asset in inv.of_type(type_):
            assert set(asset.properties) == top, asset.ref
            assert asset.ref.id == asset.properties[spec.id_field]


def test_elastic_ips(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    used = only(inv, "aws.ec2.elastic_ip", AllocationId=ids["used"])
    assert used.name == "bastion-ip"
    assert used.ref.id == f"arn:aws:ec2:{REGION}:{ACCOUNT}:elastic-ip/{ids['used']}"
    assert used.properties["InstanceId"] == ids["instance"]
    assert used.properties["AssociationId"]
    spare = only(inv, "aws.ec2.elastic_ip", AllocationId=ids["spare"]).properties
    assert (spare["PublicIp"], spare["AssociationId"], spare["InstanceId"]) == (
        ids["spare_ip"], None, None)


def test_vpn_connections_and_virtualization_type(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    healthy = only(inv, "aws.ec2.vpn_connection", VpnConnectionId="vpn-0healthy")
    assert healthy.name == "dc-primary"
    assert healthy.properties["VgwTelemetry"] == [
        {"OutsideIpAddress": "203.0.113.10", "Status": "UP"},
        {"OutsideIpAddress": "203.0.113.11", "Status": "UP"}]
    assert [t["CloudWatchLogEnabled"] for t in healthy.properties["TunnelOptions"]] == [True, True]
    degraded = only(inv, "aws.ec2.vpn_connection", VpnConnectionId="vpn-0degraded").properties
    assert [t["Status"] for t in degraded["VgwTelemetry"]] == ["UP", "DOWN"]
    assert degraded["VpnGatewayId"] == "vgw-0a1b2c3d" and degraded["TransitGatewayId"] is None
    assert inv.find("aws.ec2.vpn_connection", VpnConnectionId="vpn-0gone") == []
    instance = only(inv, "aws.ec2.instance", InstanceId=ids["instance"]).properties
    assert instance["VirtualizationType"] in ("hvm", "paravirtual")  # as moto's AMI says


def test_client_vpn_endpoints(seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    logged = only(inv, "aws.ec2.client_vpn_endpoint", ClientVpnEndpointId="cvpn-endpoint-0logged")
    assert logged.name == "staff-vpn"
    assert logged.ref.id == (f"arn:aws:ec2:{REGION}:{ACCOUNT}:client-vpn-endpoint/"
                             "cvpn-endpoint-0logged")
    assert logged.properties["ConnectionLogOptions"] == {
        "Enabled": True, "CloudwatchLogGroup": "/aws/clientvpn/staff"}
    silent = only(inv, "aws.ec2.client_vpn_endpoint",
                  ClientVpnEndpointId="cvpn-endpoint-0silent").properties
    assert (silent["Status"], silent["ConnectionLogOptions"]) == (
        "available", {"Enabled": False, "CloudwatchLogGroup": None})


def test_rules_judge_the_collected_resources(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    rules = {"aws.ec2.elastic_ip_in_use", "aws.ec2.vpn_connection_tunnels_up",
             "aws.ec2.vpn_connection_logging_enabled",
             "aws.ec2.client_vpn_endpoint_connection_logging"}
    specs, problems = load_rules(known_types=default_registry().names())
    assert problems == []
    engine = Engine([s for s in specs if s.id in rules])
    statuses = {(f.rule_id, inv.get(f.asset).name): f.status  # type: ignore[union-attr]
                for f in engine.assess(inv)}
    assert statuses[("aws.ec2.elastic_ip_in_use", "bastion-ip")] is Status.PASS
    assert statuses[("aws.ec2.elastic_ip_in_use", ids["spare_ip"])] is Status.FAIL
    assert statuses[("aws.ec2.vpn_connection_tunnels_up", "dc-primary")] is Status.PASS
    assert statuses[("aws.ec2.vpn_connection_tunnels_up", "dc-backup")] is Status.FAIL
    assert statuses[("aws.ec2.vpn_connection_logging_enabled", "dc-primary")] is Status.PASS
    assert statuses[("aws.ec2.vpn_connection_logging_enabled", "dc-backup")] is Status.FAIL
    logging_rule = "aws.ec2.client_vpn_endpoint_connection_logging"
    assert statuses[(logging_rule, "staff-vpn")] is Status.PASS
    assert statuses[(logging_rule, "contractor-vpn")] is Status.FAIL


def test_normalize_minimal_answers() -> None:
    assert normalize_address({"AllocationId": "eipalloc-1"}, "arn:e")["AssociationId"] is None
    doc = normalize_vpn_connection({"VpnConnectionId": "vpn-1"}, "arn:v")
    assert (doc["VgwTelemetry"], doc["TunnelOptions"], doc["Tags"]) == ([], [], {})
