"""Redshift cluster subnet groups, collected from a real moto server (moto implements
CreateClusterSubnetGroup and DescribeClusterSubnetGroups), and Redshift.16 judged on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.redshift import normalize_subnet_group
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Status
from cloudwarden.engine import Engine

RULE = "aws.redshift.cluster_subnet_group_multi_az"


def test_subnet_groups_collected_and_judged(aws_session: boto3.Session,
                                            make_client: Callable[..., Any],
                                            aws_endpoint: str) -> None:
    ec2 = make_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    a, b, a2 = (ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24",
                                  AvailabilityZone=zone)["Subnet"]["SubnetId"]
                for i, zone in enumerate(("us-east-1a", "us-east-1b", "us-east-1a")))
    rs = make_client("redshift")
    rs.create_cluster_subnet_group(ClusterSubnetGroupName="cw-spread", Description="two zones",
                                   SubnetIds=[a, b])
    rs.create_cluster_subnet_group(ClusterSubnetGroupName="cw-single", Description="one zone",
                                   SubnetIds=[a, a2])
    inv = collect(AwsScanOptions(regions=("us-east-1",), services=("redshift",),
                                 endpoint_url=aws_endpoint), session=aws_session)
    assert inv.errors == []
    spec = default_registry()["aws.redshift.cluster_subnet_group"]
    top = {n for n in spec.fields if "." not in n and "[]" not in n}
    groups = {g.name: g for g in inv.of_type("aws.redshift.cluster_subnet_group")}
    assert set(groups) == {"cw-spread", "cw-single"}
    for group in groups.values():
        assert set(group.properties) == top and group.unknown == {}
    spread = groups["cw-spread"].properties
    assert spread["Arn"] == "arn:aws:redshift:us-east-1:123456789012:subnetgroup:cw-spread"
    assert spread["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    assert spread["VpcId"] == vpc
    assert groups["cw-single"].properties["AvailabilityZones"] == ["us-east-1a"]

    specs, problems = load_rules(known_types=default_registry().names())
    assert problems == []
    findings = Engine([s for s in specs if s.id == RULE]).assess(inv)
    statuses = {inv.get(f.asset).name: f.status for f in findings}  # type: ignore[union-attr]
    assert statuses == {"cw-spread": Status.PASS, "cw-single": Status.FAIL}


def test_normalize_subnet_group_without_zones() -> None:
    doc = normalize_subnet_group({"ClusterSubnetGroupName": "g",
                                  "Subnets": [{"SubnetIdentifier": "subnet-1"}]}, "arn:g")
    assert doc["AvailabilityZones"] == [] and doc["Subnets"][0]["AvailabilityZone"] is None
