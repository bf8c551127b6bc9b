"""Subnets, VPC endpoints, transit gateways, S3 access points and Multi-Region Access Points,
collected from a real moto server.

moto implements every call these types need (DescribeSubnets, DescribeVpcEndpoints,
DescribeTransitGateways, s3control ListAccessPoints, GetAccessPoint and
ListMultiRegionAccessPoints), so only the failure cases use a canned reply, injected through
botocore's `before-send` event (see `conftest.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from tests.collectors.aws.conftest import PAB_ON, canned

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.ec2 import normalize_transit_gateway
from cloudwarden.collectors.aws.s3_access_points import normalize_access_point
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "eu-west-1")
PAB_OFF = dict.fromkeys(PAB_ON, False)
EXTRA_TYPES = ("aws.ec2.subnet", "aws.ec2.vpc_endpoint", "aws.ec2.transit_gateway",
               "aws.s3.access_point", "aws.s3.multi_region_access_point")


def seed(c: Callable[..., Any]) -> dict[str, Any]:
    ec2 = c("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    private = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b",
        TagSpecifications=[{"ResourceType": "subnet",
                            "Tags": [{"Key": "Name", "Value": "private"}]}])["Subnet"]["SubnetId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.ec2",
        SubnetIds=[private], PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
    tgw = ec2.create_transit_gateway(Description="hub", Options={
        "AutoAcceptSharedAttachments": "enable"})["TransitGateway"]["TransitGatewayId"]
    c("s3").create_bucket(Bucket="cw-ap-bucket")
    s3control = c("s3control")
    s3control.create_access_point(AccountId=ACCOUNT, Name="cw-blocked-ap", Bucket="cw-ap-bucket",
                                  PublicAccessBlockConfiguration=PAB_ON)
    s3control.create_access_point(AccountId=ACCOUNT, Name="cw-open-ap", Bucket="cw-ap-bucket",
                                  PublicAccessBlockConfiguration=PAB_OFF)
    s3control.create_multi_region_access_point(
        AccountId=ACCOUNT, ClientToken="t", Details={
            "Name": "cw-mrap", "PublicAccessBlock": PAB_OFF,
            "Regions": [{"Bucket": "cw-ap-bucket"}]})
    return {"vpc": vpc, "public": public, "private": private, "endpoint": endpoint, "tgw": tgw}


def scan(session: boto3.Session, endpoint: str) -> Inventory:
    return collect(AwsScanOptions(regions=REGIONS, services=("ec2", "s3"),
                                  endpoint_url=endpoint), session=session)


@pytest.fixture
def seeded(aws_session: boto3.Session, make_client: Callable[..., Any],
           aws_endpoint: str) -> tuple[dict[str, Any], Inventory]:
    ids = seed(make_client)
    return ids, scan(aws_session, aws_endpoint)


def only(inv: Inventory, type_: str, **props: Any) -> Asset:
    found = inv.find(type_, **props)
    assert len(found) == 1, f"{type_} {props}: {[a.ref.id for a in found]}"
    return found[0]


def test_documents_have_exactly_the_declared_fields(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    assert inv.errors == []
    registry = default_registry()
    for type_ in EXTRA_TYPES:
        assets = inv.of_type(type_)
        assert assets, type_
        spec = registry[type_]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        for asset in assets:
            assert set(asset.properties) == top, asset.ref
            assert asset.ref.id == asset.properties[spec.id_field]
            assert asset.unknown == {}


def test_subnets(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    public = only(inv, "aws.ec2.subnet", SubnetId=ids["public"])
    assert public.ref.region == "us-east-1"
    assert public.properties == {
        "SubnetId": ids["public"],
        "Arn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/{ids['public']}",
        "VpcId": ids["vpc"], "CidrBlock": "10.20.1.0/24", "AvailabilityZone": "us-east-1a",
        "State": "available", "MapPublicIpOnLaunch": True, "AssignIpv6AddressOnCreation": False,
        "DefaultForAz": False, "Tags": {}}
    private = only(inv, "aws.ec2.subnet", SubnetId=ids["private"])
    assert private.properties["MapPublicIpOnLaunch"] is False
    assert private.name == "private" and private.tags == {"Name": "private"}
    # the default VPCs' subnets of both regions are collected too
    assert {a.ref.region for a in inv.find("aws.ec2.subnet", DefaultForAz=True)} == set(REGIONS)


def test_vpc_endpoint(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    doc = only(inv, "aws.ec2.vpc_endpoint").properties
    assert doc["VpcEndpointId"] == ids["endpoint"]
    assert doc["Arn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc-endpoint/{ids['endpoint']}"
    assert (doc["VpcId"], doc["ServiceName"], doc["VpcEndpointType"], doc["State"]) == (
        ids["vpc"], "com.amazonaws.us-east-1.ec2", "Interface", "available")
    assert doc["PrivateDnsEnabled"] is True and doc["SubnetIds"] == [ids["private"]]
    # the endpoint policy arrives as text and is kept as a parsed document
    assert doc["PolicyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert doc["CreationTimestamp"]


def test_transit_gateway(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    doc = only(inv, "aws.ec2.transit_gateway").properties
    assert doc["TransitGatewayId"] == ids["tgw"]
    assert doc["Arn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT}:transit-gateway/{ids['tgw']}"
    assert (doc["State"], doc["Description"], doc["OwnerId"]) == ("available", "hub", ACCOUNT)
    assert doc["Options"]["AutoAcceptSharedAttachments"] == "enable"
    assert set(doc["Options"]) == {
        "AmazonSideAsn", "AutoAcceptSharedAttachments", "DefaultRouteTableAssociation",
        "DefaultRouteTablePropagation", "DnsSupport", "VpnEcmpSupport", "MulticastSupport"}


def test_access_points_with_and_without_public_access_block(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    # once each, in their own region: the eu-west-1 listing does not repeat them
    assert sorted(a.name for a in inv.of_type("aws.s3.access_point")) == [
        "cw-blocked-ap", "cw-open-ap"]
    blocked = only(inv, "aws.s3.access_point", Name="cw-blocked-ap")
    assert blocked.ref.region == "us-east-1"
    doc = blocked.properties
    assert doc["AccessPointArn"] == f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/cw-blocked-ap"
    assert (doc["Bucket"], doc["NetworkOrigin"], doc["VpcId"]) == (
        "cw-ap-bucket", "Internet", None)
    assert doc["PublicAccessBlockConfiguration"] == PAB_ON
    assert doc["Alias"] and doc["CreationDate"]
    opened = only(inv, "aws.s3.access_point", Name="cw-open-ap").properties
    assert opened["PublicAccessBlockConfiguration"] == PAB_OFF


def test_multi_region_access_point(seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    mrap = only(inv, "aws.s3.multi_region_access_point")
    doc = mrap.properties
    assert mrap.ref.region == "global" and doc["Name"] == "cw-mrap"
    assert doc["Arn"] == f"arn:aws:s3::{ACCOUNT}:accesspoint/{doc['Alias']}"
    assert doc["PublicAccessBlock"] == PAB_OFF
    assert doc["Status"] == "READY"
    assert doc["Regions"] == [{"Bucket": "cw-ap-bucket", "Region": "us-east-1"}]


def test_denied_get_access_point_leaves_its_block_unknown(
        aws_session: boto3.Session, make_client: Callable[..., Any], aws_endpoint: str) -> None:
    seed(make_client)

    def deny(**_: Any) -> AWSResponse:
        return canned(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no"
                           "</Message></Error></ErrorResponse>")

    aws_session.events.register("before-send.s3-control.GetAccessPoint", deny)
    inv = scan(aws_session, aws_endpoint)
    for asset in inv.of_type("aws.s3.access_point"):
        assert asset.properties["PublicAccessBlockConfiguration"] is None
        assert asset.unknown == {"PublicAccessBlockConfiguration": "GetAccessPoint: AccessDenied",
                                 "CreationDate": "GetAccessPoint: AccessDenied"}
    assert {(e.service, e.operation) for e in inv.errors} == {("s3control", "GetAccessPoint")}


def test_shared_transit_gateway_of_another_account_is_not_collected(
        aws_session: boto3.Session, make_client: Callable[..., Any], aws_endpoint: str) -> None:
    ns = "http://ec2.amazonaws.com/doc/2016-11-15/"

    def shared(**_: Any) -> AWSResponse:
        return canned(200, f'<DescribeTransitGatewaysResponse xmlns="{ns}"><requestId>r'
                           "</requestId><transitGatewaySet><item><transitGatewayId>tgw-1"
                           "</transitGatewayId><ownerId>999999999999</ownerId><state>available"
                           "</state></item></transitGatewaySet></DescribeTransitGatewaysResponse>")

    aws_session.events.register("before-send.ec2.DescribeTransitGateways", shared)
    inv = collect(AwsScanOptions(regions=("us-east-1",), services=("ec2",),
                                 endpoint_url=aws_endpoint), session=aws_session)
    assert inv.of_type("aws.ec2.transit_gateway") == []


def test_normalize_minimal_answers() -> None:
    assert normalize_transit_gateway({"TransitGatewayId": "tgw-1"}, "arn:x")["Options"] is None
    listed = {"Name": "ap", "AccessPointArn": "arn:aws:s3:us-east-1:1:accesspoint/ap",
              "NetworkOrigin": "VPC", "VpcConfiguration": {"VpcId": "vpc-1"}}
    doc = normalize_access_point(listed, None)
    assert doc["VpcId"] == "vpc-1" and doc["PublicAccessBlockConfiguration"] is None
    assert normalize_access_point(listed, {})["PublicAccessBlockConfiguration"] is None


# -- the FSBP rules of these types, on the collected inventory --------------------------------

RULES = ("aws.ec2.subnet_no_auto_public_ip", "aws.ec2.vpc_has_ec2_endpoint",
         "aws.ec2.transit_gateway_no_auto_accept", "aws.s3.access_point_public_access_blocked",
         "aws.s3.multi_region_access_point_public_access_blocked")


def assess(inv: Inventory) -> dict[tuple[str, str], Status]:
    """(rule id, asset name) -> status."""
    specs, problems = load_rules(known_types=default_registry().names())
    assert problems == []
    engine = Engine([s for s in specs if s.id in RULES])
    return {(f.rule_id, inv.get(f.asset).name): f.status  # type: ignore[union-attr]
            for f in engine.assess(inv)}


def test_rules_judge_the_collected_resources(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    statuses = assess(inv)
    assert statuses[("aws.ec2.subnet_no_auto_public_ip", ids["public"])] is Status.FAIL
    assert statuses[("aws.ec2.subnet_no_auto_public_ip", "private")] is Status.PASS
    assert statuses[("aws.ec2.vpc_has_ec2_endpoint", ids["vpc"])] is Status.PASS
    default_vpcs = [a.name for a in inv.find("aws.ec2.vpc", IsDefault=True)]
    assert {statuses[("aws.ec2.vpc_has_ec2_endpoint", v)] for v in default_vpcs} == {Status.FAIL}
    assert statuses[("aws.ec2.transit_gateway_no_auto_accept", ids["tgw"])] is Status.FAIL
    assert statuses[("aws.s3.access_point_public_access_blocked", "cw-blocked-ap")] is Status.PASS
    assert statuses[("aws.s3.access_point_public_access_blocked", "cw-open-ap")] is Status.FAIL
    assert statuses[("aws.s3.multi_region_access_point_public_access_blocked",
                     "cw-mrap")] is Status.FAIL


def test_unlisted_vpc_endpoints_leave_the_vpc_unjudged(
        aws_session: boto3.Session, make_client: Callable[..., Any], aws_endpoint: str) -> None:
    ids = seed(make_client)

    def deny(**_: Any) -> AWSResponse:
        return canned(403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                           "<Message>no</Message></Error></Errors><RequestID>r</RequestID>"
                           "</Response>")

    aws_session.events.register("before-send.ec2.DescribeVpcEndpoints", deny)
    inv = scan(aws_session, aws_endpoint)
    assert inv.of_type("aws.ec2.vpc_endpoint") == []
    status = assess(inv)[("aws.ec2.vpc_has_ec2_endpoint", ids["vpc"])]
    assert status is Status.ERROR
