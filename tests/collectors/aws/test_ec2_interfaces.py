"""Network interfaces, Spot Fleet requests and VPC Block Public Access options, collected from a
real moto server.

moto implements DescribeNetworkInterfaces and DescribeSpotFleetRequests, but its Spot Fleet
answer drops the block device mappings of the launch specifications, so the encryption cases use
a canned DescribeSpotFleetRequests reply written as AWS documents it. moto lacks
DescribeVpcBlockPublicAccessOptions, which `conftest.py` answers with a canned reply (injected
through botocore's `before-send` event) saying Block Public Access was never configured, as AWS
answers for an account that never turned it on; a second canned reply here stands for an account
that did.
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
from cloudwarden.collectors.aws.ec2_interfaces import (
    normalize_network_interface,
    normalize_spot_fleet_request,
)
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

REGION = "us-east-1"
TYPES = ("aws.ec2.network_interface", "aws.ec2.spot_fleet_request",
         "aws.ec2.vpc_block_public_access")
RULES = ("aws.ec2.network_interface_source_dest_check", "aws.ec2.spot_fleet_request_ebs_encrypted",
         "aws.ec2.vpc_block_public_access_internet_gateways")


def _spot_fleet(ec2: Any, subnet: str, encrypted: bool) -> str:
    config = {
        "SpotPrice": "0.10", "TargetCapacity": 1, "AllocationStrategy": "lowestPrice",
        "IamFleetRole": "arn:aws:iam::123456789012:role/fleet",
        "LaunchSpecifications": [{
            "ImageId": "ami-12c6146b", "InstanceType": "t3.micro", "SubnetId": subnet,
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                     "Ebs": {"VolumeSize": 8, "Encrypted": encrypted}}],
        }],
    }
    return str(ec2.request_spot_fleet(SpotFleetRequestConfig=config)["SpotFleetRequestId"])


def seed(c: Callable[..., Any]) -> dict[str, str]:
    ec2 = c("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    checked = ec2.create_network_interface(
        SubnetId=subnet, Description="app", TagSpecifications=[
            {"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "app-eni"}]}],
    )["NetworkInterface"]["NetworkInterfaceId"]
    router = ec2.create_network_interface(SubnetId=subnet, Description="nat instance")[
        "NetworkInterface"]["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=router,
                                           SourceDestCheck={"Value": False})
    return {"checked": checked, "router": router, "fleet": _spot_fleet(ec2, subnet, True)}


def scan(session: boto3.Session, endpoint: str) -> Inventory:
    return collect(AwsScanOptions(regions=(REGION,), services=("ec2",), endpoint_url=endpoint),
                   session=session)


@pytest.fixture
def seeded(aws_session: boto3.Session, make_client: Callable[..., Any],
           aws_endpoint: str) -> tuple[dict[str, str], Inventory]:
    ids = seed(make_client)
    return ids, scan(aws_session, aws_endpoint)


def assess(inv: Inventory) -> dict[tuple[str, str], Status]:
    specs, problems = load_rules(known_types=default_registry().names())
    assert problems == []
    engine = Engine([s for s in specs if s.id in RULES])
    return {(f.rule_id, inv.get(f.asset).name): f.status  # type: ignore[union-attr]
            for f in engine.assess(inv)}


def only(inv: Inventory, type_: str, **props: Any) -> Asset:
    found = inv.find(type_, **props)
    assert len(found) == 1, f"{type_} {props}: {[a.ref.id for a in found]}"
    return found[0]


def test_documents_have_exactly_the_declared_fields(
        seeded: tuple[dict[str, str], Inventory]) -> None:
    _, inv = seeded
    assert inv.errors == []
    registry = default_registry()
    for type_ in TYPES:
        assets = inv.of_type(type_)
        assert assets, type_
        spec = registry[type_]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        for asset in assets:
            assert set(asset.properties) == top, asset.ref
            assert asset.ref.id == asset.properties[spec.id_field]
            assert asset.unknown == {}


def test_collected_values(seeded: tuple[dict[str, str], Inventory]) -> None:
    ids, inv = seeded
    app = only(inv, "aws.ec2.network_interface", NetworkInterfaceId=ids["checked"])
    assert app.name == "app-eni" and app.properties["SourceDestCheck"] is True
    assert app.properties["InterfaceType"] == "interface"
    router = only(inv, "aws.ec2.network_interface", NetworkInterfaceId=ids["router"])
    assert router.properties["SourceDestCheck"] is False
    fleet = only(inv, "aws.ec2.spot_fleet_request", SpotFleetRequestId=ids["fleet"])
    (spec,) = fleet.properties["LaunchSpecifications"]
    assert spec["InstanceType"] == "t3.micro" and fleet.properties["SpotFleetRequestState"]
    bpa = only(inv, "aws.ec2.vpc_block_public_access", Region=REGION)
    assert bpa.properties["InternetGatewayBlockMode"] == "off"
    assert bpa.ref.id == f"arn:aws:ec2:{REGION}:123456789012:vpc-block-public-access-options"


def test_rules_judge_the_collected_resources(seeded: tuple[dict[str, str], Inventory]) -> None:
    ids, inv = seeded
    statuses = assess(inv)
    eni_rule, fleet_rule, bpa_rule = RULES
    assert statuses[(eni_rule, "app-eni")] is Status.PASS
    assert statuses[(eni_rule, ids["router"])] is Status.FAIL
    # moto keeps no block device mapping: the request defines no volume, nothing to encrypt
    assert statuses[(fleet_rule, ids["fleet"])] is Status.PASS
    assert statuses[(bpa_rule, f"VPC Block Public Access {REGION}")] is Status.FAIL


def _fleet_item(rid: str, state: str, encrypted: str) -> str:
    return (f"<item><spotFleetRequestId>{rid}</spotFleetRequestId><spotFleetRequestState>{state}"
            f"</spotFleetRequestState><createTime>2026-02-01T08:00:00.000Z</createTime>"
            f"<spotFleetRequestConfig><type>maintain</type><launchSpecifications><item>"
            f"<instanceType>m5.large</instanceType><imageId>ami-1</imageId><blockDeviceMapping>"
            f"<item><deviceName>/dev/xvda</deviceName><ebs><encrypted>true</encrypted></ebs>"
            f"</item><item><deviceName>/dev/sdf</deviceName><ebs><encrypted>{encrypted}"
            f"</encrypted><volumeSize>100</volumeSize></ebs></item></blockDeviceMapping></item>"
            f"</launchSpecifications></spotFleetRequestConfig></item>")


def test_spot_fleet_volume_encryption(aws_session: boto3.Session, aws_endpoint: str) -> None:
    def fleets(**_: Any) -> AWSResponse:
        items = (_fleet_item("sfr-enc", "active", "true")
                 + _fleet_item("sfr-plain", "submitted", "false")
                 + _fleet_item("sfr-gone", "cancelled", "false"))
        return canned(200, f'<DescribeSpotFleetRequestsResponse xmlns="{EC2_NS}"><requestId>r'
                           f"</requestId><spotFleetRequestConfigSet>{items}"
                           f"</spotFleetRequestConfigSet></DescribeSpotFleetRequestsResponse>")

    aws_session.events.register_first("before-send.ec2.DescribeSpotFleetRequests", fleets)
    inv = scan(aws_session, aws_endpoint)
    assert {a.name for a in inv.of_type("aws.ec2.spot_fleet_request")} == {"sfr-enc", "sfr-plain"}
    plain = only(inv, "aws.ec2.spot_fleet_request", SpotFleetRequestId="sfr-plain")
    (spec,) = plain.properties["LaunchSpecifications"]
    assert [m["Ebs"]["Encrypted"] for m in spec["BlockDeviceMappings"]] == [True, False]
    assert plain.properties["CreateTime"] == "2026-02-01T08:00:00+00:00"
    statuses = assess(inv)
    assert statuses[(RULES[1], "sfr-enc")] is Status.PASS
    assert statuses[(RULES[1], "sfr-plain")] is Status.FAIL


def test_block_public_access_turned_on(aws_session: boto3.Session, aws_endpoint: str) -> None:
    def on(**_: Any) -> AWSResponse:
        return canned(200, f'<DescribeVpcBlockPublicAccessOptionsResponse xmlns="{EC2_NS}">'
                           f"<requestId>r</requestId><vpcBlockPublicAccessOptions>"
                           f"<state>update-complete</state><internetGatewayBlockMode>"
                           f"block-ingress</internetGatewayBlockMode>"
                           f"<lastUpdateTimestamp>2026-03-01T10:00:00.000Z</lastUpdateTimestamp>"
                           f"</vpcBlockPublicAccessOptions>"
                           f"</DescribeVpcBlockPublicAccessOptionsResponse>")

    # registered first, so it answers before the never-configured reply of conftest
    aws_session.events.register_first("before-send.ec2.DescribeVpcBlockPublicAccessOptions", on)
    inv = scan(aws_session, aws_endpoint)
    bpa = only(inv, "aws.ec2.vpc_block_public_access", Region=REGION)
    assert bpa.properties["LastUpdateTimestamp"] == "2026-03-01T10:00:00+00:00"
    assert assess(inv)[(RULES[2], f"VPC Block Public Access {REGION}")] is Status.PASS


def test_block_public_access_unreadable_is_unknown(aws_session: boto3.Session,
                                                    aws_endpoint: str) -> None:
    def deny(**_: Any) -> AWSResponse:
        return canned(403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                           "<Message>no</Message></Error></Errors><RequestID>r</RequestID>"
                           "</Response>")

    aws_session.events.register_first("before-send.ec2.DescribeVpcBlockPublicAccessOptions", deny)
    inv = scan(aws_session, aws_endpoint)
    bpa = only(inv, "aws.ec2.vpc_block_public_access", Region=REGION)
    assert "InternetGatewayBlockMode" in bpa.unknown
    assert assess(inv)[(RULES[2], f"VPC Block Public Access {REGION}")] is Status.ERROR


def test_normalize_minimal_answers() -> None:
    eni = normalize_network_interface({"NetworkInterfaceId": "eni-1"}, "arn:x")
    assert eni["SourceDestCheck"] is None and eni["Groups"] == [] and eni["Tags"] == {}
    fleet = normalize_spot_fleet_request({"SpotFleetRequestId": "sfr-1"}, "arn:y")
    assert fleet["LaunchSpecifications"] == [] and fleet["LaunchTemplateConfigCount"] == 0


def test_endpoint_without_block_public_access_yields_no_options(
        aws_session: boto3.Session, aws_endpoint: str) -> None:
    def unsupported(**_: Any) -> AWSResponse:
        return canned(400, "<Response><Errors><Error><Code>InvalidAction</Code>"
                           "<Message>not here</Message></Error></Errors><RequestID>r</RequestID>"
                           "</Response>")

    aws_session.events.register_first("before-send.ec2.DescribeVpcBlockPublicAccessOptions",
                                      unsupported)
    inv = scan(aws_session, aws_endpoint)
    assert inv.of_type("aws.ec2.vpc_block_public_access") == []
    assert inv.errors == []
