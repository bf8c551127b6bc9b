"""Fixtures for the AWS collector tests: a boto3 session on the moto server and canned replies.

Canned replies use botocore's own `before-send` event on the injected session (the injected
transport technique): a handler returns an `AWSResponse`, and botocore parses it as if AWS had
answered. They stand in for the few EC2 APIs moto does not implement, and for AWS failures.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
         "aws_session_token": "testing"}
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"


class _Raw:
    """The bit of a urllib3 response that AWSResponse reads."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def canned(status: int, body: str, content_type: str = "text/xml") -> AWSResponse:
    return AWSResponse("http://canned", status, {"Content-Type": content_type},
                       _Raw(body.encode()))


def _ec2_gaps(session: boto3.Session) -> None:
    """Answer the read-only EC2 calls that moto lacks (two settings, Client VPN endpoints: none,
    VPC Block Public Access: never configured), as AWS documents them."""

    def kms_key(**_: Any) -> AWSResponse:
        return canned(200, f'<GetEbsDefaultKmsKeyIdResponse xmlns="{EC2_NS}"><requestId>r'
                           f"</requestId><kmsKeyId>alias/aws/ebs</kmsKeyId>"
                           f"</GetEbsDefaultKmsKeyIdResponse>")

    def block_state(**_: Any) -> AWSResponse:
        return canned(200, f'<GetSnapshotBlockPublicAccessStateResponse xmlns="{EC2_NS}">'
                           f"<requestId>r</requestId><state>unblocked</state>"
                           f"</GetSnapshotBlockPublicAccessStateResponse>")

    def client_vpn_endpoints(**_: Any) -> AWSResponse:
        return canned(200, f'<DescribeClientVpnEndpointsResponse xmlns="{EC2_NS}"><requestId>r'
                           f"</requestId><clientVpnEndpoint/></DescribeClientVpnEndpointsResponse>")

    def vpc_block_public_access(**_: Any) -> AWSResponse:
        return canned(200, f'<DescribeVpcBlockPublicAccessOptionsResponse xmlns="{EC2_NS}">'
                           f"<requestId>r</requestId><vpcBlockPublicAccessOptions>"
                           f"<awsAccountId>123456789012</awsAccountId><awsRegion>us-east-1"
                           f"</awsRegion><state>default-state</state><internetGatewayBlockMode>"
                           f"off</internetGatewayBlockMode><exclusionsAllowed>allowed"
                           f"</exclusionsAllowed><managedBy>account</managedBy>"
                           f"</vpcBlockPublicAccessOptions>"
                           f"</DescribeVpcBlockPublicAccessOptionsResponse>")

    session.events.register("before-send.ec2.GetEbsDefaultKmsKeyId", kms_key)
    session.events.register("before-send.ec2.DescribeVpcBlockPublicAccessOptions",
                            vpc_block_public_access)
    session.events.register("before-send.ec2.DescribeClientVpnEndpoints", client_vpn_endpoints)
    session.events.register("before-send.ec2.GetSnapshotBlockPublicAccessState", block_state)


def _sagemaker_gaps(session: boto3.Session) -> None:
    """moto lacks SageMaker monitoring schedules: an account without any, as AWS answers it."""

    def no_schedules(**_: Any) -> AWSResponse:
        return canned(200, '{"MonitoringScheduleSummaries": []}', "application/x-amz-json-1.1")

    session.events.register("before-send.sagemaker.ListMonitoringSchedules", no_schedules)


def new_session() -> boto3.Session:
    session = boto3.Session(region_name="us-east-1", **CREDS)
    _ec2_gaps(session)
    _sagemaker_gaps(session)
    return session


#: moto otherwise seeds every region with ~1300 AMI snapshots owned by the test account,
#: which the collector would dutifully read one by one.
NO_DEFAULT_AMIS = ("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def aws_session(aws_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    """A session for an empty moto account, with moto's EC2 gaps filled."""
    # moto builds its backends lazily at the first request after the reset, reading this then
    monkeypatch.setenv(*NO_DEFAULT_AMIS)
    return new_session()


@pytest.fixture
def make_client(aws_endpoint: str) -> Callable[..., Any]:
    session = boto3.Session(region_name="us-east-1", **CREDS)

    return partial(client_for, session, aws_endpoint)


def client_for(session: boto3.Session, endpoint: str, service: str,
               region: str = "us-east-1") -> Any:
    client = session.client(service, region_name=region,  # type: ignore[call-overload]
                            endpoint_url=endpoint)
    if service == "s3control":
        # s3control prefixes the host with the account id, which a loopback IP cannot take
        def strip(request: Any, **_: Any) -> None:
            request.url = request.url.replace("://123456789012.", "://", 1)

        client.meta.events.register("before-send.s3-control", strip)
    return client


def reset_moto(endpoint: str) -> None:
    req = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


# -- a seeded account: well and badly configured resources in two regions ----------------------

REGIONS = ("us-east-1", "eu-west-1")
SECURE_TRANSPORT_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::cw-good-bucket", "arn:aws:s3:::cw-good-bucket/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }],
}
ADMIN_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
TRUST_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                               "Action": "sts:AssumeRole"}]}
PAB_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def _seed_iam(c: Callable[..., Any]) -> dict[str, Any]:
    import json

    iam = c("iam")
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True,
                                       RequireNumbers=True, MaxPasswordAge=90,
                                       PasswordReusePrevention=24)
    admin = iam.create_policy(PolicyName="cw-admin", PolicyDocument=json.dumps(ADMIN_POLICY))
    admin_arn = admin["Policy"]["Arn"]
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin_arn)
    iam.put_group_policy(GroupName="admins", PolicyName="g-inline",
                         PolicyDocument=json.dumps(ADMIN_POLICY))
    # alice: console password without MFA, an active access key, admin rights
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "ops"}])
    iam.create_login_profile(UserName="alice", Password="Sup3r-secret-pw!")
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.attach_user_policy(UserName="alice", PolicyArn=admin_arn)
    iam.put_user_policy(UserName="alice", PolicyName="inline-s3",
                        PolicyDocument=json.dumps(ADMIN_POLICY))
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    # bob: a virtual MFA device, no password, no keys
    iam.create_user(UserName="bob")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob-mfa")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="bob", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_role(RoleName="cw-role", AssumeRolePolicyDocument=json.dumps(TRUST_POLICY),
                    MaxSessionDuration=7200, Tags=[{"Key": "app", "Value": "web"}])
    # moto loads no AWS managed policies by default, so the role gets a customer managed one
    reader = iam.create_policy(PolicyName="cw-reader", PolicyDocument=json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}))
    iam.attach_role_policy(RoleName="cw-role", PolicyArn=reader["Policy"]["Arn"])
    iam.put_role_policy(RoleName="cw-role", PolicyName="r-inline",
                        PolicyDocument=json.dumps(ADMIN_POLICY))
    # moto stores the body without parsing it, so a placeholder PEM is enough
    cert = iam.upload_server_certificate(
        ServerCertificateName="cw-legacy-elb", CertificateBody="-----BEGIN CERTIFICATE-----",
        PrivateKey="-----BEGIN PRIVATE KEY-----")["ServerCertificateMetadata"]["Arn"]
    return {"admin_policy_arn": admin_arn, "alice_key": key, "bob_mfa": serial, "cert": cert}


def _seed_s3(c: Callable[..., Any], kms_key_arn: str) -> None:
    import json

    s3 = c("s3")
    s3.create_bucket(Bucket="cw-log-bucket", ACL="log-delivery-write")
    s3.create_bucket(Bucket="cw-good-bucket", ObjectLockEnabledForBucket=True)
    s3.put_bucket_encryption(Bucket="cw-good-bucket", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key_arn},
            "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket="cw-good-bucket",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket="cw-good-bucket", PublicAccessBlockConfiguration=PAB_ON)
    s3.put_bucket_policy(Bucket="cw-good-bucket", Policy=json.dumps(SECURE_TRANSPORT_POLICY))
    s3.put_bucket_logging(Bucket="cw-good-bucket", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "cw-log-bucket", "TargetPrefix": "good/"}})
    s3.put_bucket_ownership_controls(Bucket="cw-good-bucket", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_tagging(Bucket="cw-good-bucket",
                          Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]})
    eu = c("s3", "eu-west-1")
    eu.create_bucket(Bucket="cw-public-bucket", ACL="public-read",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    c("s3control").put_public_access_block(AccountId="123456789012",
                                           PublicAccessBlockConfiguration=PAB_ON)


def _seed_ec2(c: Callable[..., Any], region: str, kms_key_arn: str | None) -> dict[str, Any]:
    ec2 = c("ec2", region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    vpc_id = vpc["VpcId"]
    ami = "ami-12c6146b"  # moto accepts any image id; its default AMIs are not loaded
    open_sg = ec2.create_security_group(GroupName="open-ssh", Description="ssh from anywhere",
                                        VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=open_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "world"}]}])
    tight_sg = ec2.create_security_group(GroupName="restricted", Description="https inside",
                                         VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=tight_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    v2 = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                           SecurityGroupIds=[tight_sg],
                           MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled",
                                            "HttpPutResponseHopLimit": 1},
                           TagSpecifications=[{"ResourceType": "instance",
                                               "Tags": [{"Key": "Name", "Value": "imdsv2"}]}],
                           )["Instances"][0]["InstanceId"]
    v1 = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                           SecurityGroupIds=[open_sg],
                           MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    zone = f"{region}a"
    plain = ec2.create_volume(AvailabilityZone=zone, Size=8, VolumeType="gp3")["VolumeId"]
    enc_args = {"KmsKeyId": kms_key_arn} if kms_key_arn else {}
    secret = ec2.create_volume(AvailabilityZone=zone, Size=16, VolumeType="gp3", Encrypted=True,
                               **enc_args)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=plain, Description="public")["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    image = ec2.create_image(InstanceId=v2, Name=f"cw-image-{region}")["ImageId"]
    return {"vpc": vpc_id, "open_sg": open_sg, "tight_sg": tight_sg, "imdsv2": v2, "imdsv1": v1,
            "plain_volume": plain, "encrypted_volume": secret, "public_snapshot": snap,
            "image": image}


def _seed_monitoring(c: Callable[..., Any]) -> dict[str, Any]:
    logs, cw, sns = c("logs"), c("cloudwatch"), c("sns")
    logs.create_log_group(logGroupName="cw-trail-logs")
    logs.put_retention_policy(logGroupName="cw-trail-logs", retentionInDays=365)
    logs.put_metric_filter(
        logGroupName="cw-trail-logs", filterName="root-usage",
        filterPattern='{ $.userIdentity.type = "Root" }',
        metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CISBenchmark",
                                "metricValue": "1"}])
    logs.create_log_group(logGroupName="cw-app-logs")
    topic = sns.create_topic(Name="cw-alerts")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="sec@example.com",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    cw.put_metric_alarm(AlarmName="root-usage", MetricName="RootUsage",
                        Namespace="CISBenchmark", Statistic="Sum", Period=300,
                        EvaluationPeriods=1, Threshold=1,
                        ComparisonOperator="GreaterThanOrEqualToThreshold",
                        AlarmActions=[topic])
    return {"topic": topic, "subscription": sub}


def _seed_trails_and_config(c: Callable[..., Any], kms_key_arn: str) -> None:
    ct = c("cloudtrail")
    ct.create_trail(Name="cw-main", S3BucketName="cw-log-bucket", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, KmsKeyId=kms_key_arn,
                    IncludeGlobalServiceEvents=True,
                    TagsList=[{"Key": "owner", "Value": "security"}])
    ct.start_logging(Name="cw-main")
    ct.put_event_selectors(TrailName="cw-main", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    c("cloudtrail", "eu-west-1").create_trail(Name="cw-weak", S3BucketName="cw-log-bucket")
    config = c("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default",
                                                 "s3BucketName": "cw-log-bucket"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def _seed_network_and_access_points(c: Callable[..., Any], vpc_id: str) -> dict[str, Any]:
    """One of each type the core scan also yields: a VPC endpoint, a transit gateway, an S3
    access point and a Multi-Region Access Point (default subnets come with the VPC)."""
    ec2 = c("ec2")
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface",
                                       ServiceName="com.amazonaws.us-east-1.ec2")
    tgw = ec2.create_transit_gateway(Description="cw-hub", Options={
        "AutoAcceptSharedAttachments": "disable"})["TransitGateway"]["TransitGatewayId"]
    s3control = c("s3control")
    s3control.create_access_point(AccountId="123456789012", Name="cw-good-ap",
                                  Bucket="cw-good-bucket")
    s3control.create_multi_region_access_point(
        AccountId="123456789012", ClientToken="cw-mrap",
        Details={"Name": "cw-mrap", "PublicAccessBlock": PAB_ON,
                 "Regions": [{"Bucket": "cw-good-bucket"}]})
    return {"vpc_endpoint": endpoint["VpcEndpoint"]["VpcEndpointId"], "transit_gateway": tgw}


def seed_world(c: Callable[..., Any]) -> dict[str, Any]:
    """Create the test account; returns the generated ids the assertions need."""
    kms = c("kms")
    rotated = kms.create_key(Description="rotated")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotated["KeyId"])
    unrotated = kms.create_key(Description="unrotated",
                               Tags=[{"TagKey": "env", "TagValue": "dev"}])["KeyMetadata"]
    signing = kms.create_key(Description="signing", KeySpec="RSA_2048",
                             KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    world: dict[str, Any] = {"rotated_key": rotated["Arn"], "unrotated_key": unrotated["Arn"],
                             "signing_key": signing["Arn"]}
    world |= _seed_iam(c)
    _seed_s3(c, rotated["Arn"])
    c("ec2").enable_ebs_encryption_by_default()
    world["ec2"] = {region: _seed_ec2(c, region, rotated["Arn"] if region == "us-east-1"
                                      else None) for region in REGIONS}
    world |= _seed_monitoring(c)
    _seed_trails_and_config(c, rotated["Arn"])
    ec2 = c("ec2")
    ec2.create_flow_logs(ResourceIds=[world["ec2"]["us-east-1"]["vpc"]], ResourceType="VPC",
                         TrafficType="ALL", LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::cw-log-bucket")
    world |= _seed_network_and_access_points(c, world["ec2"]["us-east-1"]["vpc"])
    return world


@pytest.fixture(scope="module")
def world(moto_server: str) -> dict[str, Any]:
    """One seeded account and one full collection of it, shared by a test module (collecting
    is the slow part; the tests only read the result)."""
    from cloudwarden.collectors.aws import CORE_SERVICES, AwsScanOptions, collect

    progress: list[tuple[str, int, int]] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(*NO_DEFAULT_AMIS)
        reset_moto(moto_server)
        session = boto3.Session(region_name="us-east-1", **CREDS)
        ids = seed_world(partial(client_for, session, moto_server))
        started = time.monotonic()
        inventory = collect(
            AwsScanOptions(regions=REGIONS, services=CORE_SERVICES, endpoint_url=moto_server),
            session=new_session(),
            progress=lambda detail, done, total: progress.append((detail, done, total)))
        elapsed = time.monotonic() - started
    docs = {"admin": ADMIN_POLICY, "trust": TRUST_POLICY, "pab": PAB_ON,
            "secure_transport": SECURE_TRANSPORT_POLICY}
    return {"ids": ids, "inventory": inventory, "progress": progress, "seconds": elapsed,
            "docs": docs}
