"""The pure normalize_* functions on raw API dicts, no network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from cloudwarden.collectors.aws import account, cloudtrail, cloudwatch, config, ec2, iam, kms, s3
from cloudwarden.collectors.aws._shapes import iso, policy_doc, tag_dict

REPORT = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date\n"
    "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,true,"
    "2024-06-01T00:00:00+00:00\n"
    "alice,arn:aws:iam::123456789012:user/alice,2021-01-01T00:00:00+00:00,true,no_information,"
    "2021-02-01T00:00:00+00:00,N/A,false,true,2021-01-01T00:00:00+00:00,N/A,false,N/A\n"
)


def test_iso_is_utc_text() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert iso(datetime(2024, 1, 1, 12, 0, tzinfo=plus2)) == "2024-01-01T10:00:00+00:00"
    assert iso(datetime(2024, 1, 1, 12, 0)) == "2024-01-01T12:00:00+00:00"
    assert iso("2024-01-01T12:00:00Z") == "2024-01-01T12:00:00+00:00"
    assert iso(None) is None and iso("") is None


def test_tags_and_policies() -> None:
    assert tag_dict([{"Key": "a", "Value": "1"}, {"TagKey": "b", "TagValue": "2"}]) == {
        "a": "1", "b": "2"}
    assert tag_dict(None) == {}
    assert policy_doc('{"Version": "2012-10-17"}') == {"Version": "2012-10-17"}
    assert policy_doc("%7B%22Version%22%3A%222012-10-17%22%7D") == {"Version": "2012-10-17"}
    assert policy_doc({"Version": "x"}) == {"Version": "x"}
    assert policy_doc(None) is None
    assert policy_doc("not json") == "not json"


def test_credential_report_and_root() -> None:
    report = iam.parse_credential_report(REPORT.encode())
    alice = report["alice"]
    assert (alice["password_enabled"], alice["password_last_used"], alice["mfa_active"]) == (
        True, None, False)
    root = report[iam.ROOT_ROW]
    assert account.normalize_root(root, []) == {
        "PasswordLastUsed": "2024-05-01T10:00:00+00:00", "MfaActive": True, "HardwareMfa": True,
        "AccessKey1Active": False, "AccessKey2Active": True, "AccessKey1LastUsedDate": None,
        "AccessKey2LastUsedDate": "2024-06-01T00:00:00+00:00"}
    virtual = [{"SerialNumber": "arn:aws:iam::123456789012:mfa/root-account-mfa-device",
                "User": {"Arn": "arn:aws:iam::123456789012:root"}}]
    assert account.normalize_root(root, virtual)["HardwareMfa"] is False  # type: ignore[index]
    assert account.normalize_root(root, None)["HardwareMfa"] is None  # type: ignore[index]
    assert account.normalize_root(None, []) is None


def test_user_merges_the_credential_report() -> None:
    report = iam.parse_credential_report(REPORT)
    doc = iam.normalize_user(
        {"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
         "CreateDate": datetime(2021, 1, 1, tzinfo=UTC)},
        report_row=report["alice"], mfa_devices=[], groups=None, tags=None,
        access_keys=[{"AccessKeyId": "AKIA1", "Status": "Active",
                      "CreateDate": datetime(2021, 1, 1, tzinfo=UTC), "LastUsedDate": None}],
        attached=[{"PolicyName": "p", "PolicyArn": "arn:p"}],
        inline=[{"PolicyName": "i", "PolicyDocument": '{"Statement": []}'}])
    assert doc["PasswordEnabled"] is True
    assert doc["PasswordLastChanged"] == "2021-02-01T00:00:00+00:00"
    assert doc["MfaActive"] is False
    assert doc["AccessKeys"][0]["CreateDate"] == "2021-01-01T00:00:00+00:00"
    assert doc["InlinePolicies"] == [{"PolicyName": "i", "PolicyDocument": {"Statement": []}}]
    assert doc["Groups"] is None  # the listing failed: unknown, not "no groups"


def test_aws_managed_policy() -> None:
    doc = iam.normalize_policy(
        {"PolicyName": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
         "AttachmentCount": 1},
        document={"Statement": []},
        entities={"PolicyUsers": [], "PolicyRoles": [{"RoleName": "r"}], "PolicyGroups": []})
    assert (doc["AwsManaged"], doc["AttachedRoles"]) == (True, ["r"])
    assert iam.normalize_policy({"PolicyName": "x", "Arn": "arn:aws:iam::1:policy/x"},
                                document=None, entities=None)["AttachedUsers"] is None


def test_bucket_region_legacy_values() -> None:
    assert s3.bucket_region(None) == "us-east-1"
    assert s3.bucket_region("") == "us-east-1"
    assert s3.bucket_region("EU") == "eu-west-1"
    assert s3.bucket_region("ap-south-1") == "ap-south-1"


def test_bucket_failed_versus_absent() -> None:
    common = {"acl": None, "policy": {}, "public_access_block": {}, "encryption": {},
              "versioning": None, "logging": {}, "ownership": None, "tagging": None}
    absent = s3.normalize_bucket({"Name": "b"}, partition="aws", region="us-east-1",
                                 object_lock={}, **common)
    failed = s3.normalize_bucket({"Name": "b"}, partition="aws", region="us-east-1",
                                 object_lock=None, **common)
    assert absent["ObjectLockEnabled"] is False and failed["ObjectLockEnabled"] is None
    assert absent["Policy"] is None and absent["Encryption"] is None
    assert absent["Versioning"] is None and absent["Tags"] is None


def test_instance_state_transition_time() -> None:
    doc = ec2.normalize_instance({
        "InstanceId": "i-1", "State": {"Name": "stopped"},
        "StateTransitionReason": "User initiated (2024-03-04 05:06:07 GMT)",
        "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1",
                               "Association": {"PublicIp": "1.2.3.4"}}],
        "IamInstanceProfile": {"Arn": "arn:ip", "Id": "AIP"}}, "arn:i")
    assert doc["StateTransitionTime"] == "2024-03-04T05:06:07+00:00"
    assert doc["NetworkInterfaces"] == [{"NetworkInterfaceId": "eni-1", "PublicIp": "1.2.3.4"}]
    assert doc["IamInstanceProfile"] == {"Arn": "arn:ip", "Id": "AIP"}
    assert doc["MetadataOptions"] is None


def test_nacl_entry_ports_and_snapshot_permissions() -> None:
    acl = ec2.normalize_network_acl({"NetworkAclId": "acl-1", "Entries": [
        {"RuleNumber": 10, "Protocol": "6", "RuleAction": "allow", "Egress": False,
         "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}}],
        "Associations": [{"SubnetId": "subnet-1"}]}, "arn:acl")
    assert acl["Entries"][0]["PortRange"] == {"From": 22, "To": 22}
    assert acl["Associations"] == ["subnet-1"]
    snap = ec2.normalize_snapshot({"SnapshotId": "snap-1"}, "arn:s",
                                  [{"UserId": "111122223333"}, {"Group": "all"}])
    assert snap["CreateVolumePermissions"] == [{"UserId": "111122223333"}, {"Group": "all"}]
    assert ec2.normalize_snapshot({"SnapshotId": "s"}, "a", None)["CreateVolumePermissions"] is None


def test_trail_with_advanced_selectors() -> None:
    doc = cloudtrail.normalize_trail(
        {"Name": "t", "TrailARN": "arn:t"},
        status={"IsLogging": True,
                "LatestCloudWatchLogsDeliveryTime": datetime(2024, 1, 1, tzinfo=UTC)},
        selectors={"AdvancedEventSelectors": [{"Name": "all", "FieldSelectors": []}]},
        tags=None)
    assert doc["EventSelectors"] is None
    assert doc["AdvancedEventSelectors"] == [{"Name": "all", "FieldSelectors": []}]
    assert doc["Status"]["LatestCloudWatchLogsDeliveryTime"] == "2024-01-01T00:00:00+00:00"


def test_kms_rotation_applies_to_customer_symmetric_keys_only() -> None:
    base = {"KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS",
            "KeyState": "Enabled"}
    assert kms.can_rotate(base)
    assert not kms.can_rotate(base | {"KeyManager": "AWS"})
    assert not kms.can_rotate(base | {"KeySpec": "RSA_2048"})
    assert not kms.can_rotate(base | {"Origin": "EXTERNAL"})
    doc = kms.normalize_key({"KeyId": "k", "Arn": "arn:k", "KeyManager": "AWS"},
                            rotation=None, policy={"Policy": '{"Statement": []}'}, tags=[])
    assert (doc["KeyRotationEnabled"], doc["Policy"]) == (None, {"Statement": []})


def test_monitoring_shapes() -> None:
    group = cloudwatch.normalize_log_group(
        {"logGroupName": "g", "arn": "arn:aws:logs:us-east-1:1:log-group:g:*"}, None)
    assert group["Arn"] == "arn:aws:logs:us-east-1:1:log-group:g"
    assert group["MetricFilters"] is None
    topic = cloudwatch.normalize_topic("arn:t", attributes={"Attributes": {
        "KmsMasterKeyId": "alias/aws/sns"}}, subscriptions=[
        {"SubscriptionArn": "PendingConfirmation", "Protocol": "email", "Endpoint": "a@b"},
        {"SubscriptionArn": "arn:t:1", "Protocol": "sqs", "Endpoint": "arn:q"}])
    assert topic["Subscriptions"] == [{"SubscriptionArn": "arn:t:1", "Protocol": "sqs",
                                       "Endpoint": "arn:q"}]
    assert (topic["KmsMasterKeyId"], topic["Policy"]) == ("alias/aws/sns", None)


def test_config_recorder_without_status() -> None:
    doc = config.normalize_recorder_status(
        "us-east-1", "arn:c", recorders=[{"name": "default"}], statuses=[], channels=None)
    assert doc["Recorders"] == [{"name": "default", "roleARN": None, "recordingGroup": {
        "allSupported": None, "includeGlobalResourceTypes": None}, "Recording": False,
        "LastStatus": None}]
    assert doc["DeliveryChannels"] is None
