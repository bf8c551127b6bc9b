"""S3 buckets from Terraform resources, built as the reader gives them (plan-JSON style)."""

from __future__ import annotations

import json
from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown
from cloudwarden.inventory.snapshot import Inventory


def res(address: str, values: dict[str, Any], refs: dict[str, tuple[str, ...]] | None = None,
        region: str = "eu-west-1") -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name.split("[")[0], "managed", values, refs or {},
                      "main.tf", 1, 5, "", "aws", region)


def assets(*resources: TfResource) -> list[Asset]:
    return map_module(TfModule("infra", list(resources))).assets


def bucket_asset(*resources: TfResource) -> Asset:
    [found] = [a for a in assets(*resources) if a.type == "aws.s3.bucket"]
    return found


def judge(engine: Engine, found: list[Asset], rule_id: str) -> dict[str, Status]:
    inventory = Inventory(found)
    return {f.asset.id.split(":", 1)[1]: f.status for f in engine.assess(inventory)
            if f.rule_id == rule_id}


def ssl_only(name: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "SslOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def test_split_resources_join_by_reference_and_by_name() -> None:
    bucket = res("aws_s3_bucket.logs", {"bucket": "logs", "tags": {"team": "a"}})
    found = bucket_asset(
        bucket,
        res("aws_s3_bucket_versioning.v", {"bucket": "logs", "versioning_configuration": [
            {"status": "Enabled", "mfa_delete": "Disabled"}]},
            {"bucket": ("aws_s3_bucket.logs",)}),
        res("aws_s3_bucket_public_access_block.p", {"bucket": "logs", "block_public_acls": True}),
        res("aws_s3_bucket_server_side_encryption_configuration.e", {
            "bucket": Unknown("aws_s3_bucket.logs.id is known after apply",
                              ("aws_s3_bucket.logs",)),
            "rule": [{"apply_server_side_encryption_by_default": [{
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": Unknown("known after apply", ("aws_kms_key.k",))}],
                "bucket_key_enabled": True}]}),
        res("aws_kms_key.k", {}),
        res("aws_s3_bucket_logging.l", {"bucket": "logs", "target_bucket": "audit",
                                        "target_prefix": "logs/"}),
        res("aws_s3_bucket_policy.p", {"bucket": "logs", "policy": ssl_only("logs")}),
        res("aws_s3_bucket_ownership_controls.o", {"bucket": "logs", "rule": [
            {"object_ownership": "BucketOwnerPreferred"}]}),
    )
    p = found.properties
    assert found.name == "logs"
    assert found.ref.id == "infra:aws_s3_bucket.logs"
    assert found.ref.account == "iac" and found.ref.region == "eu-west-1"
    assert found.origin == "main.tf:1-5"
    assert found.tags == {"team": "a"}
    assert p["Arn"] == "arn:aws:s3:::logs"
    assert p["Versioning"] == {"Status": "Enabled", "MFADelete": "Disabled"}
    assert p["PublicAccessBlock"] == {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                                      "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    assert p["Encryption"] == {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "tf:aws_kms_key.k"},
        "BucketKeyEnabled": True}]}
    assert p["Logging"] == {"TargetBucket": "audit", "TargetPrefix": "logs/"}
    assert p["Policy"]["Statement"][0]["Sid"] == "SslOnly"
    assert p["OwnershipControls"] == "BucketOwnerPreferred"
    assert set(found.unknown) == {"CreationDate"}
    assert found.unknown["CreationDate"].startswith(UNRESOLVED)


def test_bare_bucket_gets_what_aws_gives_a_new_bucket() -> None:
    p = bucket_asset(res("aws_s3_bucket.b", {"bucket": "b"})).properties
    assert p["PublicAccessBlock"] == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                      "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert p["Encryption"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] \
        == "AES256"
    assert p["OwnershipControls"] == "BucketOwnerEnforced"
    assert p["Versioning"] == {"Status": None, "MFADelete": None}
    assert p["Logging"] is None and p["Policy"] is None
    assert p["ObjectLockEnabled"] is False
    assert p["Acl"]["Grants"] == [{"Grantee": {"Type": "CanonicalUser", "URI": None, "ID": None,
                                               "EmailAddress": None},
                                   "Permission": "FULL_CONTROL"}]


def test_legacy_inline_arguments() -> None:
    p = assets(res("aws_s3_bucket.b", {
        "bucket": "b", "acl": "public-read",
        "versioning": [{"enabled": True, "mfa_delete": False}],
        "logging": [{"target_bucket": Unknown("after apply", ("aws_s3_bucket.logs",)),
                     "target_prefix": "b/"}],
        "server_side_encryption_configuration": [{"rule": [{
            "apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}],
        "object_lock_configuration": [{"object_lock_enabled": "Enabled"}],
    }), res("aws_s3_bucket.logs", {"bucket_prefix": "logs-"}))[0].properties
    assert p["Versioning"] == {"Status": "Enabled", "MFADelete": "Disabled"}
    assert p["Logging"] == {"TargetBucket": "tf:aws_s3_bucket.logs", "TargetPrefix": "b/"}
    assert p["ObjectLockEnabled"] is True
    uris = [g["Grantee"]["URI"] for g in p["Acl"]["Grants"]]
    assert uris == [None, "http://acs.amazonaws.com/groups/global/AllUsers"]


def test_unknown_values_make_their_field_unresolved_naming_why() -> None:
    found = bucket_asset(
        res("aws_s3_bucket.b", {"bucket": Unknown("var.name has no value")}),
        res("aws_s3_bucket_versioning.v", {"bucket": Unknown("var.name has no value"),
                                           "versioning_configuration": [{
                                               "status": Unknown("var.status has no value")}]},
            {"bucket": ("aws_s3_bucket.b",)}))
    assert found.unknown["Name"] == UNRESOLVED + "var.name has no value"
    assert found.unknown["Arn"] == UNRESOLVED + "var.name has no value"
    assert found.unknown["Versioning"] == UNRESOLVED + "var.status has no value"
    assert found.properties["Versioning"] is None
    assert found.name == "b"


def test_region_left_open_when_the_provider_does_not_fix_it() -> None:
    found = bucket_asset(res("aws_s3_bucket.b", {"bucket": "b"}, region=""))
    assert found.unknown["Region"].startswith(UNRESOLVED)
    assert found.ref.region == ""


def test_count_instances_join_their_own_index() -> None:
    found = assets(
        res("aws_s3_bucket.b[0]", {"bucket": "b0"}),
        res("aws_s3_bucket.b[1]", {"bucket": "b1"}),
        res("aws_s3_bucket_versioning.v[1]", {
            "bucket": Unknown("after apply", ("aws_s3_bucket.b",)),
            "versioning_configuration": [{"status": "Enabled"}]}))
    status = {a.name: a.properties["Versioning"]["Status"] for a in found}
    assert status == {"b0": None, "b1": "Enabled"}


def test_account_public_access_block_makes_the_account_asset() -> None:
    found = assets(res("aws_s3_account_public_access_block.a", {
        "block_public_acls": True, "ignore_public_acls": True, "block_public_policy": True,
        "restrict_public_buckets": True}))
    [account] = found
    assert account.type == "aws.account"
    assert account.properties["S3PublicAccessBlock"]["RestrictPublicBuckets"] is True
    assert account.unknown["PasswordPolicy"].startswith(UNRESOLVED)


def test_counts_skipped_and_joined() -> None:
    mapped = map_module(TfModule("infra", [
        res("aws_s3_bucket.b", {"bucket": "b"}),
        res("aws_s3_bucket_versioning.v", {"bucket": "b", "versioning_configuration": []}),
        res("aws_s3_bucket_versioning.orphan", {"bucket": "elsewhere"}),
        res("aws_route53_record.r", {}),
    ]))
    assert (mapped.skipped, mapped.joined, mapped.unjoined) == (1, 2, 1)


def test_rules_judge_the_code(aws_engine: Engine) -> None:
    engine = aws_engine
    found = assets(
        res("aws_s3_bucket.good", {"bucket": "good"}),
        res("aws_s3_bucket_versioning.v", {"bucket": "good", "versioning_configuration": [
            {"status": "Enabled"}]}),
        res("aws_s3_bucket_policy.p", {"bucket": "good", "policy": ssl_only("good")}),
        res("aws_s3_bucket.bad", {"bucket": "bad", "acl": "public-read"}),
        res("aws_s3_bucket_public_access_block.bad", {"bucket": "bad"}),
        res("aws_s3_bucket.open", {"bucket": Unknown("var.name has no value")}),
        res("aws_s3_bucket_versioning.open", {
            "bucket": Unknown("var.name", ("aws_s3_bucket.open",)),
            "versioning_configuration": [{"status": Unknown("var.status has no value")}]}),
    )
    versioning = judge(engine, found, "aws.s3.bucket_versioning_enabled")
    assert versioning == {"aws_s3_bucket.good": Status.PASS, "aws_s3_bucket.bad": Status.FAIL,
                          "aws_s3_bucket.open": Status.NOT_APPLICABLE}
    ssl = judge(engine, found, "aws.s3.bucket_secure_transport_required")
    assert ssl["aws_s3_bucket.good"] is Status.PASS and ssl["aws_s3_bucket.bad"] is Status.FAIL
    pab = judge(engine, found, "aws.s3.bucket_public_access_blocked")
    assert pab["aws_s3_bucket.good"] is Status.PASS and pab["aws_s3_bucket.bad"] is Status.FAIL
    public = judge(engine, found, "aws.s3.bucket_no_public_read")
    assert public["aws_s3_bucket.bad"] is Status.FAIL
    assert public["aws_s3_bucket.good"] is Status.PASS
