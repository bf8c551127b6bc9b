"""The AWS collector against a real moto server: one seeded account, collected once per module."""

from __future__ import annotations

from typing import Any

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.model import Asset
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "eu-west-1")  # as seeded by conftest.seed_world


def only(inv: Inventory, type_: str, **props: Any) -> Asset:
    found = inv.find(type_, **props)
    assert len(found) == 1, f"{type_} {props}: {[a.ref.id for a in found]}"
    return found[0]


@pytest.fixture(scope="module")
def docs(world: dict[str, Any]) -> dict[str, Any]:
    """The policy documents the seed used."""
    seeded: dict[str, Any] = world["docs"]
    return seeded


@pytest.fixture(scope="module")
def inv(world: dict[str, Any]) -> Inventory:
    inventory: Inventory = world["inventory"]
    return inventory


def test_collects_without_errors_and_quickly(world: dict[str, Any], inv: Inventory) -> None:
    assert inv.errors == []
    unknown = {(a.type, f, r) for a in inv for f, r in a.unknown.items()}
    assert unknown == set(), unknown
    assert world["seconds"] < 30
    assert inv.metadata["account"] == ACCOUNT
    assert inv.metadata["regions"] == list(REGIONS)


def test_every_document_has_exactly_the_declared_fields(inv: Inventory) -> None:
    from cloudwarden.assets import aws as core_types
    from cloudwarden.assets import aws_network_ext

    registry = default_registry()
    # the core services' scan yields every core asset type, plus the EC2 extras present in any
    # region (network interfaces, VPC Block Public Access options); other families have their
    # tests
    core = {t.name for t in core_types.ALL}
    assert set(inv.types()) >= core
    assert set(inv.types()) - core <= {t.name for t in aws_network_ext.ALL}
    for asset in inv:
        spec = registry[asset.type]
        top = {name for name in spec.fields if "." not in name and "[]" not in name}
        assert set(asset.properties) == top, asset.ref
        assert asset.ref.id == asset.properties[spec.id_field]
        assert asset.ref.provider == "aws" and asset.ref.account == ACCOUNT
        assert asset.origin == "aws:api"
        assert asset.tags == (asset.properties.get("Tags") or {})
        # every unknown field is a declared top-level field, left null or empty by the failure
        assert set(asset.unknown) <= top, asset.ref
        for name, field in spec.fields.items():
            if not field.nullable and "." not in name and "[]" not in name:
                assert asset.properties[name] is not None, (asset.ref, name)


def test_scoped_assets_exist_once_per_account_and_region(inv: Inventory) -> None:
    assert [a.ref.region for a in inv.of_type("aws.account")] == ["global"]
    for type_ in ("aws.ec2.regional_settings", "aws.config.recorder_status"):
        assert sorted(a.ref.region for a in inv.of_type(type_)) == sorted(REGIONS)
    for type_ in ("aws.iam.user", "aws.iam.role", "aws.iam.group", "aws.iam.policy"):
        assert {a.ref.region for a in inv.of_type(type_)} == {"global"}


def test_account(inv: Inventory, docs: dict[str, Any]) -> None:
    account = only(inv, "aws.account").properties
    assert account["AccountId"] == ACCOUNT
    assert account["PasswordPolicy"] == {
        "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24, "HardExpiry": False}
    assert account["AccountSummary"]["Users"] == 2
    assert account["AccountSummary"]["AccountMFAEnabled"] == 0
    assert account["S3PublicAccessBlock"] == docs["pab"]
    assert account["SecurityContact"] is None  # none set: ResourceNotFoundException
    assert account["Root"] is None  # moto's credential report has no <root_account> row
    assert account["Regions"] == list(REGIONS)


def test_iam_users(world: dict[str, Any], inv: Inventory,
                 docs: dict[str, Any]) -> None:
    ids = world["ids"]
    alice = only(inv, "aws.iam.user", UserName="alice")
    doc = alice.properties
    assert alice.ref.id == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert (doc["PasswordEnabled"], doc["MfaActive"], doc["MFADevices"]) == (True, False, [])
    assert doc["PasswordLastUsed"] is None
    assert doc["PasswordLastChanged"].endswith("+00:00")
    [key] = doc["AccessKeys"]
    assert key["AccessKeyId"] == ids["alice_key"]
    assert (key["Status"], key["LastUsedDate"]) == ("Active", None)
    assert key["CreateDate"].endswith("+00:00")
    assert doc["AttachedPolicies"] == [{"PolicyName": "cw-admin",
                                        "PolicyArn": ids["admin_policy_arn"]}]
    assert doc["InlinePolicies"] == [{"PolicyName": "inline-s3", "PolicyDocument": docs["admin"]}]
    assert doc["Groups"] == ["admins"]
    assert alice.tags == {"team": "ops"}

    bob = only(inv, "aws.iam.user", UserName="bob").properties
    assert (bob["PasswordEnabled"], bob["MfaActive"], bob["AccessKeys"]) == (False, True, [])
    assert [d["SerialNumber"] for d in bob["MFADevices"]] == [ids["bob_mfa"]]


def test_iam_roles_groups_policies(world: dict[str, Any], inv: Inventory,
                 docs: dict[str, Any]) -> None:
    role = only(inv, "aws.iam.role", RoleName="cw-role").properties
    assert role["AssumeRolePolicyDocument"] == docs["trust"]
    assert role["MaxSessionDuration"] == 7200
    assert role["RoleLastUsed"] == {"LastUsedDate": None, "Region": None}
    assert [p["PolicyName"] for p in role["AttachedPolicies"]] == ["cw-reader"]
    assert role["InlinePolicies"] == [{"PolicyName": "r-inline", "PolicyDocument": docs["admin"]}]
    assert role["Tags"] == {"app": "web"}

    group = only(inv, "aws.iam.group", GroupName="admins").properties
    assert group["Users"] == ["alice"]
    assert group["AttachedPolicies"] == [{"PolicyName": "cw-admin",
                                          "PolicyArn": world["ids"]["admin_policy_arn"]}]

    admin = only(inv, "aws.iam.policy", PolicyName="cw-admin").properties
    assert admin["Document"] == docs["admin"]
    assert (admin["AwsManaged"], admin["AttachmentCount"]) == (False, 2)
    assert (admin["AttachedUsers"], admin["AttachedGroups"], admin["AttachedRoles"]) == (
        ["alice"], ["admins"], [])
    assert only(inv, "aws.iam.policy", PolicyName="cw-reader").properties[
        "AttachedRoles"] == ["cw-role"]


def test_iam_server_certificate(world: dict[str, Any], inv: Inventory) -> None:
    cert = only(inv, "aws.iam.server_certificate", ServerCertificateName="cw-legacy-elb")
    assert cert.ref.id == world["ids"]["cert"]
    assert cert.properties["UploadDate"].endswith("+00:00")


def test_s3_well_configured_bucket(world: dict[str, Any], inv: Inventory,
                 docs: dict[str, Any]) -> None:
    good = only(inv, "aws.s3.bucket", Name="cw-good-bucket")
    doc = good.properties
    assert (good.ref.region, good.ref.id) == ("us-east-1", "arn:aws:s3:::cw-good-bucket")
    assert doc["Region"] == "us-east-1"
    assert doc["Policy"] == docs["secure_transport"]
    assert doc["PublicAccessBlock"] == docs["pab"]
    assert doc["Encryption"] == {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": world["ids"]["rotated_key"]},
        "BucketKeyEnabled": True}]}
    assert doc["Versioning"] == {"Status": "Enabled", "MFADelete": None}
    assert doc["Logging"] == {"TargetBucket": "cw-log-bucket", "TargetPrefix": "good/"}
    assert doc["ObjectLockEnabled"] is True
    assert doc["OwnershipControls"] == "BucketOwnerEnforced"
    assert good.tags == {"env": "prod"}


def test_s3_public_bucket_without_anything(inv: Inventory) -> None:
    bad = only(inv, "aws.s3.bucket", Name="cw-public-bucket")
    doc = bad.properties
    assert bad.ref.region == doc["Region"] == "eu-west-1"
    public_reads = [g for g in doc["Acl"]["Grants"]
                    if g["Grantee"]["URI"] == "http://acs.amazonaws.com/groups/global/AllUsers"]
    assert [g["Permission"] for g in public_reads] == ["READ"]
    assert public_reads[0]["Grantee"]["Type"] == "Group"
    for field in ("Policy", "PublicAccessBlock", "Encryption", "Logging", "OwnershipControls"):
        assert doc[field] is None, field
    assert doc["Versioning"] == {"Status": None, "MFADelete": None}
    assert doc["ObjectLockEnabled"] is False
    assert doc["Tags"] == {}


@pytest.mark.parametrize("region", REGIONS)
def test_ec2_instances_and_security_groups(world: dict[str, Any], inv: Inventory,
                                           region: str) -> None:
    ids = world["ids"]["ec2"][region]
    v2 = only(inv, "aws.ec2.instance", InstanceId=ids["imdsv2"])
    assert v2.ref.region == region
    assert v2.ref.id == f"arn:aws:ec2:{region}:{ACCOUNT}:instance/{ids['imdsv2']}"
    assert v2.name == "imdsv2"
    assert v2.properties["MetadataOptions"] == {
        "HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}
    assert v2.properties["State"] == "running"
    assert v2.properties["SecurityGroups"] == [{"GroupId": ids["tight_sg"],
                                                "GroupName": "restricted"}]
    v1 = only(inv, "aws.ec2.instance", InstanceId=ids["imdsv1"]).properties
    assert v1["MetadataOptions"]["HttpTokens"] == "optional"
    assert v1["LaunchTime"].endswith("+00:00")

    open_sg = only(inv, "aws.ec2.security_group", GroupId=ids["open_sg"]).properties
    assert open_sg["IpPermissions"] == [{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "world"}], "Ipv6Ranges": [],
        "UserIdGroupPairs": [], "PrefixListIds": []}]
    assert open_sg["AttachedInstances"] == [ids["imdsv1"]]
    tight = only(inv, "aws.ec2.security_group", GroupId=ids["tight_sg"]).properties
    assert [r["CidrIp"] for p in tight["IpPermissions"] for r in p["IpRanges"]] == ["10.0.0.0/8"]
    assert tight["AttachedInstances"] == [ids["imdsv2"]]
    assert tight["IpPermissionsEgress"][0]["IpProtocol"] == "-1"
    assert tight["IpPermissionsEgress"][0]["FromPort"] is None


@pytest.mark.parametrize("region", REGIONS)
def test_ec2_storage(world: dict[str, Any], inv: Inventory, region: str) -> None:
    ids = world["ids"]["ec2"][region]
    plain = only(inv, "aws.ec2.volume", VolumeId=ids["plain_volume"]).properties
    assert (plain["Encrypted"], plain["KmsKeyId"], plain["Size"]) == (False, None, 8)
    secret = only(inv, "aws.ec2.volume", VolumeId=ids["encrypted_volume"]).properties
    assert secret["Encrypted"] is True
    if region == "us-east-1":
        assert secret["KmsKeyId"] == world["ids"]["rotated_key"]
    snap = only(inv, "aws.ec2.snapshot", SnapshotId=ids["public_snapshot"])
    assert snap.ref.id == f"arn:aws:ec2:{region}::snapshot/{ids['public_snapshot']}"
    assert snap.properties["CreateVolumePermissions"] == [{"Group": "all"}]
    assert snap.properties["VolumeId"] == ids["plain_volume"]
    image = only(inv, "aws.ec2.image", ImageId=ids["image"]).properties
    assert (image["Name"], image["Public"]) == (f"cw-image-{region}", False)


def test_ec2_vpcs_nacls_and_settings(world: dict[str, Any], inv: Inventory) -> None:
    east = world["ids"]["ec2"]["us-east-1"]
    vpc = only(inv, "aws.ec2.vpc", VpcId=east["vpc"]).properties
    assert (vpc["IsDefault"], vpc["InstanceCount"]) == (True, 2)
    assert [(f["TrafficType"], f["LogDestinationType"]) for f in vpc["FlowLogs"]] == [
        ("ALL", "s3")]
    eu_vpc = only(inv, "aws.ec2.vpc", VpcId=world["ids"]["ec2"]["eu-west-1"]["vpc"])
    assert eu_vpc.properties["FlowLogs"] == []
    acl = only(inv, "aws.ec2.network_acl", VpcId=east["vpc"]).properties
    assert acl["IsDefault"] is True
    assert {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False,
            "CidrBlock": "0.0.0.0/0", "Ipv6CidrBlock": None, "PortRange": None} in acl["Entries"]
    settings = {a.ref.region: a.properties for a in inv.of_type("aws.ec2.regional_settings")}
    assert settings["us-east-1"]["EbsEncryptionByDefault"] is True
    assert settings["eu-west-1"]["EbsEncryptionByDefault"] is False
    assert settings["eu-west-1"]["Arn"] == f"arn:aws:ec2:eu-west-1:{ACCOUNT}:settings"
    # moto lacks these two APIs; the session fixture answers them like AWS does
    assert settings["us-east-1"]["EbsDefaultKmsKeyId"] == "alias/aws/ebs"
    assert settings["us-east-1"]["SnapshotBlockPublicAccess"] == "unblocked"


def test_cloudtrail(world: dict[str, Any], inv: Inventory) -> None:
    trails = inv.of_type("aws.cloudtrail.trail")
    assert sorted(t.properties["Name"] for t in trails) == ["cw-main", "cw-weak"]  # no dupes
    main = only(inv, "aws.cloudtrail.trail", Name="cw-main")
    assert main.ref.region == "us-east-1"
    doc = main.properties
    assert (doc["IsMultiRegionTrail"], doc["LogFileValidationEnabled"]) == (True, True)
    assert doc["KmsKeyId"] == world["ids"]["rotated_key"]
    assert doc["Status"]["IsLogging"] is True
    assert doc["EventSelectors"] == [{"ReadWriteType": "All", "IncludeManagementEvents": True}]
    assert main.tags == {"owner": "security"}
    weak = only(inv, "aws.cloudtrail.trail", Name="cw-weak")
    assert weak.ref.region == "eu-west-1"
    assert (weak.properties["IsMultiRegionTrail"], weak.properties["LogFileValidationEnabled"],
            weak.properties["KmsKeyId"]) == (False, False, None)
    assert weak.properties["Status"]["IsLogging"] is False


def test_kms(world: dict[str, Any], inv: Inventory) -> None:
    ids = world["ids"]
    rotated = only(inv, "aws.kms.key", Arn=ids["rotated_key"]).properties
    assert (rotated["KeyManager"], rotated["KeyRotationEnabled"]) == ("CUSTOMER", True)
    assert rotated["Policy"]["Statement"][0]["Action"] == "kms:*"
    unrotated = only(inv, "aws.kms.key", Arn=ids["unrotated_key"])
    assert unrotated.properties["KeyRotationEnabled"] is False
    assert unrotated.tags == {"env": "dev"}
    signing = only(inv, "aws.kms.key", Arn=ids["signing_key"]).properties
    assert (signing["KeySpec"], signing["KeyRotationEnabled"]) == ("RSA_2048", None)


def test_monitoring(world: dict[str, Any], inv: Inventory) -> None:
    trail_logs = only(inv, "aws.logs.log_group", logGroupName="cw-trail-logs")
    assert trail_logs.ref.id == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cw-trail-logs"
    assert trail_logs.properties["retentionInDays"] == 365
    assert trail_logs.properties["MetricFilters"] == [{
        "filterName": "root-usage", "filterPattern": '{ $.userIdentity.type = "Root" }',
        "metricTransformations": [{"metricName": "RootUsage",
                                   "metricNamespace": "CISBenchmark"}]}]
    app_logs = only(inv, "aws.logs.log_group", logGroupName="cw-app-logs").properties
    assert (app_logs["retentionInDays"], app_logs["MetricFilters"]) == (None, [])
    alarm = only(inv, "aws.cloudwatch.alarm", AlarmName="root-usage").properties
    assert (alarm["MetricName"], alarm["Namespace"]) == ("RootUsage", "CISBenchmark")
    assert alarm["AlarmActions"] == [world["ids"]["topic"]]
    topic = only(inv, "aws.sns.topic", TopicArn=world["ids"]["topic"]).properties
    assert topic["Subscriptions"] == [{"SubscriptionArn": world["ids"]["subscription"],
                                       "Protocol": "email", "Endpoint": "sec@example.com"}]
    assert topic["KmsMasterKeyId"] is None
    assert topic["Policy"]["Version"] == "2008-10-17"


def test_config_recorder_in_one_region_only(inv: Inventory) -> None:
    status = {a.ref.region: a.properties for a in inv.of_type("aws.config.recorder_status")}
    assert status["us-east-1"]["Recorders"] == [{
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        "Recording": True, "LastStatus": "PENDING"}]
    assert status["us-east-1"]["DeliveryChannels"] == [
        {"name": "default", "s3BucketName": "cw-log-bucket", "snsTopicARN": None}]
    assert status["eu-west-1"]["Recorders"] == []
    assert status["eu-west-1"]["DeliveryChannels"] == []


def test_progress_reports_every_task(world: dict[str, Any]) -> None:
    progress = world["progress"]
    details = [p[0] for p in progress]
    assert [p[1] for p in progress] == list(range(1, len(progress) + 1))
    assert progress[-1][1] == progress[-1][2]
    assert {"account", "iam users", "s3 buckets", "ec2 eu-west-1", "config us-east-1",
            "s3 bucket cw-good-bucket"} <= set(details)
