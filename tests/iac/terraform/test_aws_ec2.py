"""EC2 assets from Terraform resources: security groups and their rule resources, instances,
volumes, launch templates, VPCs and subnets."""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.aws_ec2 import PUBLIC_IP_ON_LAUNCH
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown
from cloudwarden.inventory.snapshot import Inventory


def res(address: str, values: dict[str, Any], refs: dict[str, tuple[str, ...]] | None = None,
        region: str = "us-east-1") -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name, "managed", values, refs or {}, "ec2.tf", 3, 9,
                      "", "aws", region)


def after(address: str) -> Unknown:
    return Unknown(f"{address}.id is known only after apply", (address,))


def mapped(*resources: TfResource) -> dict[str, Asset]:
    return {a.ref.id.split(":", 1)[1]: a
            for a in map_module(TfModule("net", list(resources))).assets}


def test_security_group_joins_inline_and_separate_rules() -> None:
    found = mapped(
        res("aws_security_group.web", {
            "name": "web", "vpc_id": after("aws_vpc.main"),
            "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp",
                         "cidr_blocks": ["0.0.0.0/0"], "description": "https"}],
            "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1",
                        "cidr_blocks": ["0.0.0.0/0"]}]}),
        res("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
        res("aws_security_group_rule.ssh", {
            "type": "ingress", "security_group_id": after("aws_security_group.web"),
            "from_port": 22, "to_port": 22, "protocol": "6", "cidr_blocks": ["10.0.0.0/8"]}),
        res("aws_vpc_security_group_ingress_rule.https6", {
            "security_group_id": after("aws_security_group.web"), "ip_protocol": "tcp",
            "from_port": 443, "to_port": 443, "cidr_ipv6": "::/0"}),
        res("aws_vpc_security_group_egress_rule.db", {
            "security_group_id": after("aws_security_group.web"), "ip_protocol": "tcp",
            "from_port": 5432, "to_port": 5432,
            "referenced_security_group_id": after("aws_security_group.db")}),
        res("aws_security_group.db", {"name": "db", "vpc_id": "vpc-1"}),
        res("aws_instance.app", {"ami": "ami-1", "vpc_security_group_ids": [
            after("aws_security_group.web")]}),
    )
    web = found["aws_security_group.web"].properties
    assert web["GroupId"] == "tf:aws_security_group.web"
    assert web["VpcId"] == "tf:aws_vpc.main"
    assert web["Description"] == "Managed by Terraform"
    https = [p for p in web["IpPermissions"] if p["FromPort"] == 443]
    assert len(https) == 1  # one entry per protocol and port range, as AWS lists them
    assert https[0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "https"}]
    assert https[0]["Ipv6Ranges"] == [{"CidrIpv6": "::/0", "Description": None}]
    ssh = next(p for p in web["IpPermissions"] if p["FromPort"] == 22)
    assert ssh["IpProtocol"] == "tcp"
    assert web["IpPermissionsEgress"][0] == {
        "IpProtocol": "-1", "FromPort": None, "ToPort": None,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": None}], "Ipv6Ranges": [],
        "UserIdGroupPairs": [], "PrefixListIds": []}
    assert web["IpPermissionsEgress"][1]["UserIdGroupPairs"] == [
        {"GroupId": "tf:aws_security_group.db", "UserId": None}]
    assert web["AttachedInstances"] == ["tf:aws_instance.app"]
    assert found["aws_security_group.db"].properties["IpPermissionsEgress"] == []


def test_unknown_cidr_makes_the_rules_unresolved() -> None:
    sg = mapped(res("aws_security_group.sg", {"name": "x", "vpc_id": "vpc-1", "ingress": [{
        "from_port": 22, "to_port": 22, "protocol": "tcp",
        "cidr_blocks": Unknown("var.admin_cidrs has no value")}]}))["aws_security_group.sg"]
    assert sg.unknown["IpPermissions"] == UNRESOLVED + "var.admin_cidrs has no value"
    assert "IpPermissionsEgress" not in sg.unknown


def test_instance_defaults_and_volumes() -> None:
    found = mapped(
        res("aws_instance.web", {"ami": "ami-1", "instance_type": "t3.micro",
                                 "subnet_id": after("aws_subnet.public"),
                                 "vpc_security_group_ids": ["sg-1"],
                                 "root_block_device": [{"encrypted": False}],
                                 "ebs_block_device": [{"device_name": "/dev/sdf"}]}),
        res("aws_subnet.public", {"vpc_id": after("aws_vpc.main"),
                                  "map_public_ip_on_launch": True}),
        res("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
    )
    web = found["aws_instance.web"]
    p = web.properties
    assert p["State"] == "running"
    assert p["MetadataOptions"] == {"HttpTokens": "optional", "HttpEndpoint": "enabled",
                                    "HttpPutResponseHopLimit": 1}
    assert p["PublicIpAddress"] == PUBLIC_IP_ON_LAUNCH
    assert p["SubnetId"] == "tf:aws_subnet.public" and p["VpcId"] == "tf:aws_vpc.main"
    assert p["SecurityGroups"] == [{"GroupId": "sg-1", "GroupName": None}]
    assert web.unknown["LaunchTime"].startswith(UNRESOLVED)
    root = found["aws_instance.web#root_block_device"]
    assert root.type == "aws.ec2.volume"
    assert root.properties["Encrypted"] is False
    assert root.properties["Attachments"][0]["InstanceId"] == "tf:aws_instance.web"
    extra = found["aws_instance.web#ebs_block_device[0]"]
    assert extra.unknown["Encrypted"].startswith(UNRESOLVED)
    assert found["aws_vpc.main"].properties["InstanceCount"] == 1


def test_instance_with_imdsv2_private_subnet_and_ebs_default_encryption() -> None:
    found = mapped(
        res("aws_instance.i", {"ami": "ami-1", "subnet_id": after("aws_subnet.private"),
                               "metadata_options": [{"http_tokens": "required"}]}),
        res("aws_subnet.private", {"vpc_id": "vpc-1"}),
        res("aws_ebs_encryption_by_default.on", {"enabled": True}),
    )
    p = found["aws_instance.i"].properties
    assert p["MetadataOptions"]["HttpTokens"] == "required"
    assert p["PublicIpAddress"] is None
    assert found["aws_instance.i"].unknown["SecurityGroups"].startswith(UNRESOLVED)
    assert found["aws_instance.i#root_block_device"].properties["Encrypted"] is True
    settings = found["aws_ebs_encryption_by_default.on#ec2-settings"]
    assert settings.properties["EbsEncryptionByDefault"] is True


def test_public_ip_unknown_when_subnet_outside_the_code() -> None:
    found = mapped(res("aws_instance.i", {"ami": "ami-1", "subnet_id": "subnet-123"}))
    assert found["aws_instance.i"].unknown["PublicIpAddress"].startswith(UNRESOLVED)


def test_volume_attachment_and_launch_template() -> None:
    found = mapped(
        res("aws_ebs_volume.data", {"size": 10, "encrypted": True,
                                    "kms_key_id": Unknown("after", ("aws_kms_key.k",))}),
        res("aws_kms_key.k", {}),
        res("aws_volume_attachment.a", {"volume_id": after("aws_ebs_volume.data"),
                                        "instance_id": "i-1", "device_name": "/dev/sdh"}),
        res("aws_launch_template.lt", {"name": "lt", "network_interfaces": [
            {"associate_public_ip_address": True}], "block_device_mappings": [
            {"device_name": "/dev/xvda", "ebs": [{"encrypted": "false"}]}]}),
    )
    vol = found["aws_ebs_volume.data"].properties
    assert vol["State"] == "in-use" and vol["KmsKeyId"] == "tf:aws_kms_key.k"
    assert vol["Attachments"] == [{"InstanceId": "i-1", "Device": "/dev/sdh",
                                   "State": "attached"}]
    data = found["aws_launch_template.lt"].properties["LaunchTemplateData"]
    assert "MetadataOptions" not in data
    assert data["NetworkInterfaces"][0]["AssociatePublicIpAddress"] is True
    assert data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is False


def test_vpc_flow_logs() -> None:
    found = mapped(
        res("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
        res("aws_flow_log.f", {"vpc_id": after("aws_vpc.main"), "traffic_type": "ALL",
                               "log_destination": after("aws_cloudwatch_log_group.g")}),
        res("aws_cloudwatch_log_group.g", {"name": "flows"}),
        res("aws_vpc.bare", {"cidr_block": "10.1.0.0/16"}),
    )
    [flow] = found["aws_vpc.main"].properties["FlowLogs"]
    assert flow["TrafficType"] == "ALL"
    assert flow["LogDestination"] == "flows"  # a log group's id is its name
    assert found["aws_vpc.bare"].properties["FlowLogs"] == []


def test_rules_judge_ec2_code(aws_engine: Engine) -> None:
    engine = aws_engine
    found = mapped(
        res("aws_instance.v1", {"ami": "ami-1"}),
        res("aws_instance.v2", {"ami": "ami-1", "associate_public_ip_address": False,
                                "metadata_options": [{"http_tokens": "required"}]}),
        res("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
    )
    results = {(f.rule_id, f.asset.id.split(":", 1)[1]): f.status
               for f in engine.assess(Inventory(found.values()))}
    assert results[("aws.ec2.instance_imdsv2_required", "aws_instance.v1")] is Status.FAIL
    assert results[("aws.ec2.instance_imdsv2_required", "aws_instance.v2")] is Status.PASS
    assert results[("aws.ec2.instance_no_public_ip", "aws_instance.v1")] is Status.FAIL
    assert results[("aws.ec2.instance_no_public_ip", "aws_instance.v2")] is Status.PASS
    flow = [s for (rule, addr), s in results.items()
            if addr == "aws_vpc.main" and "flow_log" in rule]
    assert flow and all(s is Status.FAIL for s in flow)
