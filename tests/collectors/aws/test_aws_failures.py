"""Bad input: denied calls, throttling, crashing tasks and bad options.

Failures are injected on the session's own botocore events (`before-send`): a handler returns
the response AWS would send, so the real client code parses and retries it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from cloudwarden.collectors.aws import SERVICES, AwsScanOptions, collect
from cloudwarden.core.errors import CollectionError

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "eu-west-1")


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def reply(status: int, body: str) -> AWSResponse:
    return AWSResponse("http://injected", status, {"Content-Type": "text/xml"},
                       _Raw(body.encode()))


def signed_region(request: Any) -> str:
    """The region a request is signed for (its URL is the shared moto endpoint)."""
    auth = request.headers.get("Authorization", b"")
    text = auth.decode() if isinstance(auth, bytes) else auth
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/", text)
    return match[1] if match else ""


def s3_error(code: str, message: str) -> str:
    return f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>r</RequestId></Error>"


def ec2_error(code: str, message: str) -> str:
    return (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
            f"</Error></Errors><RequestID>r</RequestID></Response>")


def options(endpoint: str, *services: str) -> AwsScanOptions:
    return AwsScanOptions(regions=REGIONS, services=services, endpoint_url=endpoint)


def test_denied_bucket_policy_is_one_error_and_the_bucket_is_still_collected(
        aws_endpoint: str, aws_session: boto3.Session, make_client: Callable[..., Any]) -> None:
    make_client("s3").create_bucket(Bucket="cw-open")
    make_client("s3", "eu-west-1").create_bucket(
        Bucket="cw-denied", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for name in ("cw-open", "cw-denied"):
        make_client("s3", "us-east-1" if name == "cw-open" else "eu-west-1").put_bucket_policy(
            Bucket=name, Policy='{"Version": "2012-10-17", "Statement": []}')

    def deny(request: Any, **_: Any) -> AWSResponse | None:
        if "cw-denied" in request.url:
            return reply(403, s3_error("AccessDenied", "Access Denied"))
        return None

    aws_session.events.register("before-send.s3.GetBucketPolicy", deny)
    inv = collect(options(aws_endpoint, "s3"), session=aws_session)

    assert inv.errors == [CollectionError("aws", ACCOUNT, "eu-west-1", "s3", "GetBucketPolicy",
                                          "AccessDenied: Access Denied")]
    denied = inv.find("aws.s3.bucket", Name="cw-denied")[0].properties
    assert denied["Policy"] is None
    assert denied["Region"] == "eu-west-1"
    assert denied["Acl"]["Grants"]  # the other calls of that bucket went through
    assert denied["Versioning"] == {"Status": None, "MFADelete": None}
    assert inv.find("aws.s3.bucket", Name="cw-open")[0].properties["Policy"] == {
        "Version": "2012-10-17", "Statement": []}
    assert len(inv.of_type("aws.account")) == 1


def test_denied_operation_in_one_region_leaves_the_rest(
        aws_endpoint: str, aws_session: boto3.Session, make_client: Callable[..., Any]) -> None:
    for region in REGIONS:
        make_client("ec2", region).run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)

    def deny(request: Any, **_: Any) -> AWSResponse | None:
        if signed_region(request) == "eu-west-1":
            return reply(403, ec2_error("UnauthorizedOperation",
                                        "You are not authorized to perform this operation."))
        return None

    aws_session.events.register("before-send.ec2.DescribeInstances", deny)
    inv = collect(options(aws_endpoint, "ec2", "config"), session=aws_session)

    assert inv.errors == [CollectionError(
        "aws", ACCOUNT, "eu-west-1", "ec2", "DescribeInstances",
        "UnauthorizedOperation: You are not authorized to perform this operation.")]
    assert [a.ref.region for a in inv.of_type("aws.ec2.instance")] == ["us-east-1"]
    vpcs = {a.ref.region: a.properties for a in inv.of_type("aws.ec2.vpc")}
    assert vpcs["us-east-1"]["InstanceCount"] == 1
    assert vpcs["eu-west-1"]["InstanceCount"] is None  # unknown, not zero
    for type_ in ("aws.ec2.security_group", "aws.ec2.regional_settings",
                  "aws.config.recorder_status"):
        assert {a.ref.region for a in inv.of_type(type_)} == set(REGIONS), type_


def test_throttled_calls_are_retried_and_succeed(
        aws_endpoint: str, aws_session: boto3.Session, make_client: Callable[..., Any]) -> None:
    s3 = make_client("s3")
    s3.create_bucket(Bucket="cw-throttled")
    s3.put_bucket_encryption(Bucket="cw-throttled", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    attempts: list[str] = []

    def throttle(request: Any, **_: Any) -> AWSResponse | None:
        attempts.append(request.url)
        if len(attempts) <= 2:
            return reply(400, s3_error("Throttling", "Rate exceeded"))
        return None  # let the real call through

    aws_session.events.register("before-send.s3.GetBucketEncryption", throttle)
    inv = collect(AwsScanOptions(regions=("us-east-1",), services=("s3",),
                                 endpoint_url=aws_endpoint), session=aws_session)

    assert inv.errors == []
    assert len(attempts) == 3
    bucket = inv.find("aws.s3.bucket", Name="cw-throttled")[0].properties
    assert bucket["Encryption"]["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256", "KMSMasterKeyID": None}


def test_a_crashing_task_is_recorded_and_the_scan_goes_on(
        aws_endpoint: str, aws_session: boto3.Session) -> None:
    def explode(**_: Any) -> None:
        raise RuntimeError("handler bug")

    aws_session.events.register("before-send.kms.ListKeys", explode)
    inv = collect(options(aws_endpoint, "kms", "config"), session=aws_session)

    assert sorted((e.service, e.region, e.operation) for e in inv.errors) == [
        ("kms", "eu-west-1", "collect"), ("kms", "us-east-1", "collect")]
    assert all(e.reason == "RuntimeError: handler bug" for e in inv.errors)
    assert len(inv.of_type("aws.config.recorder_status")) == 2


def test_unknown_service_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown AWS service") as info:
        collect(AwsScanOptions(services=("s3", "lamda")))
    assert "lamda" in str(info.value)
    assert all(service in str(info.value) for service in SERVICES)


def test_regions_default_to_the_enabled_ones(aws_endpoint: str,
                                             aws_session: boto3.Session) -> None:
    inv = collect(AwsScanOptions(services=("config",), endpoint_url=aws_endpoint,
                                 max_workers=16), session=aws_session)
    regions = inv.metadata["regions"]
    assert {"us-east-1", "eu-west-1"} <= set(regions)
    assert len(inv.of_type("aws.config.recorder_status")) == len(regions)
    assert inv.of_type("aws.account")[0].properties["Regions"] == regions


def test_role_arn_is_assumed_with_the_base_credentials(aws_endpoint: str,
                                                       aws_session: boto3.Session) -> None:
    role = "arn:aws:iam::123456789012:role/cloudwarden-audit"
    inv = collect(AwsScanOptions(regions=("us-east-1",), services=("config",),
                                 endpoint_url=aws_endpoint, role_arn=role), session=aws_session)
    assert inv.errors == []
    assert inv.metadata["principal"].startswith("arn:aws:sts::123456789012:assumed-role/")
    assert len(inv.of_type("aws.config.recorder_status")) == 1


def test_a_failed_call_marks_its_field_unknown_on_that_asset_only(
        aws_endpoint: str, aws_session: boto3.Session, make_client: Callable[..., Any]) -> None:
    make_client("s3").create_bucket(Bucket="cw-open")
    make_client("s3").create_bucket(Bucket="cw-denied")

    def deny(request: Any, **_: Any) -> AWSResponse | None:
        if "cw-denied" in request.url:
            return reply(403, s3_error("AccessDenied", "Access Denied"))
        return None

    aws_session.events.register("before-send.s3.GetBucketPolicy", deny)
    inv = collect(options(aws_endpoint, "s3"), session=aws_session)

    denied = inv.find("aws.s3.bucket", Name="cw-denied")[0]
    assert denied.properties["Policy"] is None
    assert denied.unknown == {"Policy": "GetBucketPolicy: AccessDenied"}
    # no policy at all is "not configured", not unknown
    assert inv.find("aws.s3.bucket", Name="cw-open")[0].unknown == {}
    assert inv.of_type("aws.account")[0].unknown == {}


def test_a_failed_regional_setting_is_unknown_in_that_region(
        aws_endpoint: str, aws_session: boto3.Session) -> None:
    def deny(request: Any, **_: Any) -> AWSResponse | None:
        if signed_region(request) == "eu-west-1":
            return reply(403, ec2_error("UnauthorizedOperation", "Not authorized."))
        return None

    aws_session.events.register("before-send.ec2.GetEbsEncryptionByDefault", deny)
    inv = collect(options(aws_endpoint, "ec2"), session=aws_session)

    settings = {a.ref.region: a for a in inv.of_type("aws.ec2.regional_settings")}
    assert settings["eu-west-1"].properties["EbsEncryptionByDefault"] is None
    assert settings["eu-west-1"].unknown == {
        "EbsEncryptionByDefault": "GetEbsEncryptionByDefault: UnauthorizedOperation"}
    assert settings["us-east-1"].unknown == {}
    assert settings["us-east-1"].properties["EbsEncryptionByDefault"] is False


def test_failed_listings_mark_every_asset_they_feed(
        aws_endpoint: str, aws_session: boto3.Session, make_client: Callable[..., Any]) -> None:
    make_client("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    make_client("iam").create_user(UserName="alice")

    def deny(**_: Any) -> AWSResponse:
        return reply(403, ec2_error("UnauthorizedOperation", "Not authorized."))

    def deny_iam(**_: Any) -> AWSResponse:
        return reply(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Denied"
                          "</Message></Error><RequestId>r</RequestId></ErrorResponse>")

    aws_session.events.register("before-send.ec2.DescribeInstances", deny)
    aws_session.events.register("before-send.iam.ListMFADevices", deny_iam)
    inv = collect(AwsScanOptions(regions=("us-east-1",), services=("ec2", "iam"),
                                 endpoint_url=aws_endpoint), session=aws_session)

    reason = "DescribeInstances: UnauthorizedOperation"
    assert inv.of_type("aws.ec2.security_group")
    for group in inv.of_type("aws.ec2.security_group"):
        assert group.unknown == {"AttachedInstances": reason}
    for vpc in inv.of_type("aws.ec2.vpc"):
        assert vpc.unknown == {"InstanceCount": reason}
    alice = inv.find("aws.iam.user", UserName="alice")[0]
    assert alice.properties["MFADevices"] is None
    assert alice.unknown["MFADevices"] == "ListMFADevices: AccessDenied"
    assert "AccessKeys" not in alice.unknown
