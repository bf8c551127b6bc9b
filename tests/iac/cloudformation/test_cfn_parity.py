"""Code to cloud: the S3 rules judge a bucket created with boto3 on the moto server (read by
the real collector) and its CloudFormation twin (read by the adapter) identically."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.core.model import Asset, Status
from cloudwarden.iac.cloudformation import load_template
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECURE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": ["arn:aws:s3:::cw-parity-secure",
                                "arn:aws:s3:::cw-parity-secure/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
OPEN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::cw-parity-open/*"}]}
PAB_ON = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                        "RestrictPublicBuckets"), True)
PAB_OFF = dict.fromkeys(PAB_ON, False)

TEMPLATE = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Prefix: {{Type: String, Default: cw-parity}}
Resources:
  LogBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${{Prefix}}-logs"
      AccessControl: LogDeliveryWrite
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {{SSEAlgorithm: AES256}}
      PublicAccessBlockConfiguration: {json.dumps(PAB_ON)}
      OwnershipControls: {{Rules: [{{ObjectOwnership: ObjectWriter}}]}}
  SecureBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${{Prefix}}-secure"
      ObjectLockEnabled: true
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {{SSEAlgorithm: "aws:kms", KMSMasterKeyID: {KEY_ARN}}}
            BucketKeyEnabled: true
      VersioningConfiguration: {{Status: Enabled}}
      LoggingConfiguration:
        DestinationBucketName: !Ref LogBucket
        LogFilePrefix: secure/
      PublicAccessBlockConfiguration: {json.dumps(PAB_ON)}
      OwnershipControls: {{Rules: [{{ObjectOwnership: BucketOwnerEnforced}}]}}
      Tags: [{{Key: env, Value: prod}}]
  SecurePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref SecureBucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: TlsOnly
            Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt SecureBucket.Arn, !Sub "${{SecureBucket.Arn}}/*"]
            Condition: {{Bool: {{"aws:SecureTransport": "false"}}}}
  OpenBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${{Prefix}}-open"
      AccessControl: PublicRead
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {{SSEAlgorithm: AES256}}
      VersioningConfiguration: {{Status: Suspended}}
      PublicAccessBlockConfiguration: {json.dumps(PAB_OFF)}
      OwnershipControls: {{Rules: [{{ObjectOwnership: ObjectWriter}}]}}
  OpenPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref OpenBucket
      PolicyDocument: {json.dumps(OPEN_POLICY)}
"""


def _create_live(s3: Any) -> None:
    """The same three buckets, created call by call."""
    s3.create_bucket(Bucket="cw-parity-logs", ACL="log-delivery-write")
    s3.create_bucket(Bucket="cw-parity-secure", ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket="cw-parity-open")
    for name, rule in (
            ("cw-parity-logs", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}),
            ("cw-parity-secure", {"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN}, "BucketKeyEnabled": True}),
            ("cw-parity-open", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})):
        s3.put_bucket_encryption(Bucket=name,
                                 ServerSideEncryptionConfiguration={"Rules": [rule]})
    for name, pab, owner in (("cw-parity-logs", PAB_ON, "ObjectWriter"),
                             ("cw-parity-secure", PAB_ON, "BucketOwnerEnforced"),
                             ("cw-parity-open", PAB_OFF, "ObjectWriter")):
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=pab)
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
            "Rules": [{"ObjectOwnership": owner}]})
    s3.put_bucket_versioning(Bucket="cw-parity-secure",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="cw-parity-open",
                             VersioningConfiguration={"Status": "Suspended"})
    s3.put_bucket_logging(Bucket="cw-parity-secure", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "cw-parity-logs", "TargetPrefix": "secure/"}})
    s3.put_bucket_tagging(Bucket="cw-parity-secure",
                          Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]})
    s3.put_bucket_policy(Bucket="cw-parity-secure", Policy=json.dumps(SECURE_POLICY))
    s3.put_bucket_acl(Bucket="cw-parity-open", ACL="public-read")
    s3.put_bucket_policy(Bucket="cw-parity-open", Policy=json.dumps(OPEN_POLICY))


def _judge(assets: list[Asset], specs: list[Any]) -> dict[tuple[str, str], Status]:
    names = {a.ref: a.name for a in assets}
    return {(f.rule_id, names[f.asset]): f.status for f in assess(Inventory(assets), specs)
            if f.asset in names}


@pytest.fixture
def live_buckets(aws_endpoint: str) -> list[Asset]:
    """The buckets created on the (reset) moto server, read by the real S3 collector."""
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="testing",
                            aws_secret_access_key="testing", aws_session_token="testing")
    _create_live(session.client("s3", endpoint_url=aws_endpoint))
    inventory = collect(AwsScanOptions(regions=("us-east-1",), services=("s3",),
                                       endpoint_url=aws_endpoint), session=session)
    return [a for a in inventory if a.type == "aws.s3.bucket"]


def test_live_bucket_and_its_template_twin_are_judged_alike(live_buckets: list[Asset]) -> None:
    code, errors = load_template(TEMPLATE, "buckets.yaml", pseudo={"AWS::Region": "us-east-1"})
    assert errors == []
    assert sorted(a.name for a in code) == sorted(a.name for a in live_buckets)
    specs = [s for s in load_catalog() if s.meta.asset_type == "aws.s3.bucket"]
    assert len(specs) >= 10
    live, iac = _judge(live_buckets, specs), _judge(code, specs)
    assert live.keys() == iac.keys()
    differing = {key: (live[key], iac[key]) for key in live if live[key] != iac[key]}
    assert differing == {}
    # the pair covers both outcomes of the main rules, so agreement means something
    statuses = {(rule, status) for (rule, _), status in live.items()}
    for rule in ("aws.s3.bucket_public_access_blocked", "aws.s3.bucket_versioning_enabled",
                 "aws.s3.bucket_secure_transport_required", "aws.s3.bucket_no_public_read"):
        assert {(rule, Status.PASS), (rule, Status.FAIL)} <= statuses, rule


def test_the_twins_documents_hold_the_same_settings(live_buckets: list[Asset]) -> None:
    code, _ = load_template(TEMPLATE, "buckets.yaml", pseudo={"AWS::Region": "us-east-1"})
    by_name = {a.name: a for a in live_buckets}
    for asset in code:
        twin = by_name[asset.name].properties
        assert set(asset.properties) == set(twin)
        for field in ("Name", "Arn", "Region", "PublicAccessBlock", "Encryption", "Logging",
                      "ObjectLockEnabled", "OwnershipControls", "Policy", "Tags"):
            assert asset.properties[field] == twin[field], (asset.name, field)
        assert asset.properties["Versioning"]["Status"] == twin["Versioning"]["Status"]
