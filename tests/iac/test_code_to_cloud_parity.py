"""Code to cloud, three ways: the same S3 rules judge buckets created with boto3 on the moto
server (read by the real collector), their Terraform twin (HCL read by the reader) and their
CloudFormation twin (a template) identically. Both twins go through `run_iac_scan`, discovery
and adapters included, exactly as `cloudwarden scan iac` reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.core.model import Asset, Status
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.iac import run_iac_scan
from cloudwarden.service.scan import assess, load_catalog

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PREFIX = "cw-3way"
ALL_ON = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def tls_only(name: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}


def public_read(name: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*"}]}


TERRAFORM = f"""\
variable "prefix" {{
  type    = string
  default = "{PREFIX}"
}}

locals {{
  secure = "${{var.prefix}}-secure"
  open   = "${{var.prefix}}-open"
}}

resource "aws_s3_bucket" "secure" {{
  bucket              = local.secure
  object_lock_enabled = true
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "secure" {{
  bucket = aws_s3_bucket.secure.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "{KEY}"
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_s3_bucket_versioning" "secure" {{
  bucket = aws_s3_bucket.secure.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_public_access_block" "secure" {{
  bucket                  = aws_s3_bucket.secure.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_policy" "secure" {{
  bucket = aws_s3_bucket.secure.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::${{local.secure}}", "arn:aws:s3:::${{local.secure}}/*"]
      Condition = {{ Bool = {{ "aws:SecureTransport" = "false" }} }}
    }}]
  }})
}}

resource "aws_s3_bucket" "open" {{
  bucket = local.open
}}

resource "aws_s3_bucket_ownership_controls" "open" {{
  bucket = aws_s3_bucket.open.id
  rule {{
    object_ownership = "ObjectWriter"
  }}
}}

resource "aws_s3_bucket_public_access_block" "open" {{
  bucket                  = aws_s3_bucket.open.id
  block_public_acls       = false
  ignore_public_acls      = false
  block_public_policy     = false
  restrict_public_buckets = false
}}

resource "aws_s3_bucket_versioning" "open" {{
  bucket = aws_s3_bucket.open.id
  versioning_configuration {{
    status = "Suspended"
  }}
}}

resource "aws_s3_bucket_acl" "open" {{
  bucket = aws_s3_bucket.open.id
  acl    = "public-read"
}}

resource "aws_s3_bucket_policy" "open" {{
  bucket = aws_s3_bucket.open.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::${{local.open}}/*"
    }}]
  }})
}}
"""

CLOUDFORMATION = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Prefix: {{Type: String, Default: {PREFIX}}}
Resources:
  SecureBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${{Prefix}}-secure"
      ObjectLockEnabled: true
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {{SSEAlgorithm: "aws:kms", KMSMasterKeyID: {KEY}}}
            BucketKeyEnabled: true
      VersioningConfiguration: {{Status: Enabled}}
      PublicAccessBlockConfiguration: {json.dumps(dict.fromkeys(ALL_ON, True))}
  SecurePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref SecureBucket
      PolicyDocument: {json.dumps(tls_only(PREFIX + "-secure"))}
  OpenBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${{Prefix}}-open"
      AccessControl: PublicRead
      OwnershipControls: {{Rules: [{{ObjectOwnership: ObjectWriter}}]}}
      VersioningConfiguration: {{Status: Suspended}}
      PublicAccessBlockConfiguration: {json.dumps(dict.fromkeys(ALL_ON, False))}
  OpenPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref OpenBucket
      PolicyDocument: {json.dumps(public_read(PREFIX + "-open"))}
"""


def create_live(s3: Any) -> None:
    """The same two buckets, call by call, with what AWS gives a new bucket by default
    (SSE-S3, Block Public Access on, ACLs disabled) made explicit where moto lacks it."""
    secure, open_ = f"{PREFIX}-secure", f"{PREFIX}-open"
    s3.create_bucket(Bucket=secure, ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket=open_)
    s3.put_bucket_encryption(Bucket=secure, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                               "KMSMasterKeyID": KEY},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_encryption(Bucket=open_, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_versioning(Bucket=secure, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket=open_, VersioningConfiguration={"Status": "Suspended"})
    s3.put_public_access_block(Bucket=secure, PublicAccessBlockConfiguration=dict.fromkeys(
        ALL_ON, True))
    s3.put_public_access_block(Bucket=open_, PublicAccessBlockConfiguration=dict.fromkeys(
        ALL_ON, False))
    s3.put_bucket_ownership_controls(Bucket=secure, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_ownership_controls(Bucket=open_, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_acl(Bucket=open_, ACL="public-read")
    s3.put_bucket_policy(Bucket=secure, Policy=json.dumps(tls_only(secure)))
    s3.put_bucket_policy(Bucket=open_, Policy=json.dumps(public_read(open_)))


def judged(assets: list[Asset]) -> dict[tuple[str, str], Status]:
    specs = [s for s in load_catalog() if s.meta.asset_type == "aws.s3.bucket"]
    names = {a.ref: a.name for a in assets}
    return {(f.rule_id, names[f.asset]): f.status for f in assess(Inventory(assets), specs)
            if f.asset in names}


@pytest.fixture
def live(aws_endpoint: str) -> list[Asset]:
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="testing",
                            aws_secret_access_key="testing", aws_session_token="testing")
    create_live(session.client("s3", endpoint_url=aws_endpoint))
    inventory = collect(AwsScanOptions(regions=("us-east-1",), services=("s3",),
                                       endpoint_url=aws_endpoint), session=session)
    return [a for a in inventory if a.type == "aws.s3.bucket"]


def from_code(tmp_path: Path, framework: str, name: str, text: str) -> list[Asset]:
    root = tmp_path / framework
    root.mkdir()
    (root / name).write_text(text)
    outcome = run_iac_scan([root], frameworks=[framework])
    assert outcome.errors == [], outcome.errors
    return [a for a in outcome.inventory if a.type == "aws.s3.bucket"]


def test_one_rule_judges_cloud_terraform_and_cloudformation_alike(
        live: list[Asset], tmp_path: Path) -> None:
    terraform = from_code(tmp_path, "terraform", "s3.tf", TERRAFORM)
    cloudformation = from_code(tmp_path, "cloudformation", "s3.yaml", CLOUDFORMATION)
    assert sorted(a.name for a in terraform) == sorted(a.name for a in live)
    assert sorted(a.name for a in cloudformation) == sorted(a.name for a in live)
    in_cloud, in_tf, in_cfn = judged(live), judged(terraform), judged(cloudformation)
    assert in_cloud.keys() == in_tf.keys() == in_cfn.keys()
    differing = {key: (in_cloud[key], in_tf[key], in_cfn[key]) for key in in_cloud
                 if not in_cloud[key] == in_tf[key] == in_cfn[key]}
    assert differing == {}
    # the buckets cover both outcomes of the main rules, so agreement means something
    outcomes = {(rule, status) for (rule, _), status in in_cloud.items()}
    for rule in ("aws.s3.bucket_public_access_blocked", "aws.s3.bucket_versioning_enabled",
                 "aws.s3.bucket_secure_transport_required", "aws.s3.bucket_no_public_read",
                 "aws.s3.bucket_default_encryption_kms"):
        assert {(rule, Status.PASS), (rule, Status.FAIL)} <= outcomes, rule
