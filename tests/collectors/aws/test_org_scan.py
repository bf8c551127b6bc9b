"""Organization-wide scanning on a moto server: the role is assumed into every member account,
each account's resources land in one inventory under its own account id, and an account whose
role cannot be assumed is one recorded error while the others are scanned."""

from __future__ import annotations

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from cloudwarden.collectors.aws import AwsScanOptions, collect, role_arn_for
from cloudwarden.core.errors import CloudwardenError

CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
         "aws_session_token": "testing"}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object):  # type: ignore[no-untyped-def]
        yield self._body


def _session() -> boto3.Session:
    return boto3.Session(region_name="us-east-1", **CREDS)


def _organization(endpoint: str) -> list[str]:
    org = _session().client("organizations", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    members = []
    for name in ("payments", "analytics"):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        members.append(status["CreateAccountStatus"]["AccountId"])
    return members


def _assume(endpoint: str, account: str) -> boto3.Session:
    sts = _session().client("sts", endpoint_url=endpoint)
    creds = sts.assume_role(RoleArn=role_arn_for("OrganizationAccountAccessRole", account),
                            RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


def test_role_arn_for_names_arns_and_templates() -> None:
    assert role_arn_for("Audit", "111122223333") == "arn:aws:iam::111122223333:role/Audit"
    assert role_arn_for("arn:aws:iam::999999999999:role/x/Audit", "111122223333") == \
        "arn:aws:iam::111122223333:role/x/Audit"
    assert role_arn_for("arn:aws-us-gov:iam::{account}:role/A", "1") == \
        "arn:aws-us-gov:iam::1:role/A"
    assert role_arn_for("Audit", "1", "aws-cn") == "arn:aws-cn:iam::1:role/Audit"


def test_every_member_account_is_scanned_and_a_refused_one_is_an_error(
        aws_endpoint: str) -> None:
    members = _organization(aws_endpoint)
    payments, analytics = members
    _assume(aws_endpoint, payments).client("s3", endpoint_url=aws_endpoint).create_bucket(
        Bucket="payments-ledger-exports")

    base = _session()

    def refuse_analytics(request, **_: object) -> AWSResponse | None:  # type: ignore[no-untyped-def]
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        if "AssumeRole" in body and analytics in body:
            xml = (b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                   b"<Message>not authorized to perform sts:AssumeRole</Message></Error>"
                   b"</ErrorResponse>")
            return AWSResponse("http://canned", 403, {"Content-Type": "text/xml"}, _Raw(xml))
        return None

    base.events.register("before-send.sts.AssumeRole", refuse_analytics)
    options = AwsScanOptions(regions=("us-east-1",), services=("s3", "iam"),
                             endpoint_url=aws_endpoint, org=True,
                             role_arn="OrganizationAccountAccessRole")
    inventory = collect(options, session=base)

    accounts = set(inventory.metadata["accounts"])
    assert payments in accounts and analytics not in accounts
    buckets = inventory.of_type("aws.s3.bucket")
    assert [(b.ref.account, b.name) for b in buckets] == [(payments,
                                                            "payments-ledger-exports")]
    assert {a.ref.account for a in inventory.of_type("aws.account")} == accounts
    refused = [e for e in inventory.errors if e.account == analytics]
    assert len(refused) == 1 and refused[0].operation == "AssumeRole"
    assert "AccessDenied" in refused[0].reason


def test_org_scan_needs_a_role_and_an_organization(aws_endpoint: str) -> None:
    with pytest.raises(ValueError, match="--role-arn"):
        collect(AwsScanOptions(endpoint_url=aws_endpoint, org=True), session=_session())
    with pytest.raises(CloudwardenError, match="organization"):
        collect(AwsScanOptions(endpoint_url=aws_endpoint, org=True, role_arn="Audit",
                               regions=("us-east-1",)), session=_session())
