"""Bucket policy, ACL and public access block analysis."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cloudwarden.checks.aws_s3_policy import (
    ALL_USERS,
    AUTHENTICATED_USERS,
    READ_ACTIONS,
    READ_PERMISSIONS,
    WRITE_ACTIONS,
    action_allowed,
    bucket_public_access_check,
    cross_account_acl_grants,
    cross_account_statements,
    denies_insecure_transport,
    effective_public_access_block,
    is_public_principal,
    public_acl_grants,
    public_statements,
    restricting_conditions,
    statements,
)
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory


def _policy(*stmts: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def _allow(principal: Any, action: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action,
            "Resource": "arn:aws:s3:::b/*", **extra}


def test_statements_accepts_text_single_statement_and_junk() -> None:
    assert len(statements('{"Statement": {"Effect": "Allow"}}')) == 1
    assert statements(None) == [] and statements("not json") == [] and statements([1]) == []


def test_action_matching_is_case_insensitive_with_wildcards_and_not_action() -> None:
    assert action_allowed({"Action": "S3:get*"}, "s3:GetObject")
    assert action_allowed({"Action": ["*"]}, "s3:PutObject")
    assert not action_allowed({"Action": "s3:GetObject"}, "s3:GetObjectVersion")
    assert action_allowed({"NotAction": "s3:GetObject"}, "s3:PutObject")
    assert not action_allowed({"NotAction": "s3:*"}, "s3:PutObject")


def test_public_principals() -> None:
    assert is_public_principal({"Principal": "*"})
    assert is_public_principal({"Principal": {"AWS": "*"}})
    assert is_public_principal({"Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}})
    assert is_public_principal({"Effect": "Allow", "NotPrincipal": {"AWS": "x"}})
    assert not is_public_principal({"Principal": {"AWS": "arn:aws:iam::444455556666:root"}})
    assert not is_public_principal({"Principal": {"Service": "logging.s3.amazonaws.com"}})


def test_restricting_conditions() -> None:
    assert restricting_conditions({"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}})
    assert restricting_conditions(
        {"Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}})
    assert restricting_conditions({"Condition": {"StringEquals": {"aws:principalorgid": "o-1"}}})
    assert not restricting_conditions({"Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}})
    assert not restricting_conditions({"Condition": {"StringLike": {"aws:SourceVpc": "vpc-*"}}})
    assert not restricting_conditions({"Condition": {"StringNotEquals": {"aws:SourceVpc": "v"}}})
    assert not restricting_conditions(
        {"Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "v"}}})
    assert not restricting_conditions({"Condition": {"StringEquals": {"s3:prefix": "home/"}}})
    assert not restricting_conditions({})


def test_public_statements() -> None:
    policy = _policy(
        _allow("*", "s3:GetObject", Sid="open"),
        _allow("*", "s3:*", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}),
        _allow({"AWS": "arn:aws:iam::444455556666:root"}, "s3:GetObject"),
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
    )
    assert [i for i, _ in public_statements(policy, READ_ACTIONS)] == [0]
    assert public_statements(policy, WRITE_ACTIONS) == []


def test_denies_insecure_transport() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    assert denies_insecure_transport(_policy(deny), "b") == [0]
    assert denies_insecure_transport(
        _policy({**deny, "Condition": {"Bool": {"aws:SecureTransport": False}}}), "b") == [0]
    assert denies_insecure_transport(_policy(deny), "other") == []
    assert denies_insecure_transport(_policy({**deny, "Resource": "arn:aws:s3:::b/*"}), "b") == []
    assert denies_insecure_transport(_policy({**deny, "Action": "s3:GetObject"}), "b") == []
    assert denies_insecure_transport(
        _policy({**deny, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}), "b") == []
    assert denies_insecure_transport(_policy({**deny, "Effect": "Allow"}), "b") == []
    assert denies_insecure_transport(None, "b") == []


def test_cross_account_statements() -> None:
    policy = _policy(
        _allow({"AWS": "arn:aws:iam::111122223333:role/admin"}, "s3:*"),
        _allow({"AWS": ["444455556666"]}, "s3:PutBucketPolicy"),
        _allow({"AWS": "arn:aws:iam::444455556666:root"}, "s3:GetObject"),
        _allow("*", "s3:PutObjectAcl",
               Condition={"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
        _allow("*", "s3:Delete*"),
    )
    denied = ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutObjectAcl"]
    grants = cross_account_statements(policy, "111122223333", denied)
    assert [(g.index, g.actions) for g in grants] == [(1, ("s3:PutBucketPolicy",)),
                                                     (4, ("s3:DeleteBucket",))]


def test_acl_grants() -> None:
    acl = {"Owner": {"ID": "me"}, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": "me"}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
        {"Grantee": {"Type": "Group", "URI": AUTHENTICATED_USERS}, "Permission": "WRITE"},
        {"Grantee": {"Type": "CanonicalUser", "ID": "partner"}, "Permission": "READ"},
        {"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "a@b.c"},
         "Permission": "WRITE_ACP"},
    ]}
    assert [(g.index, g.group) for g in public_acl_grants(acl, READ_PERMISSIONS)] == [
        (1, "AllUsers")]
    assert [g.group for g in public_acl_grants(acl, {"WRITE"})] == ["AuthenticatedUsers"]
    assert cross_account_acl_grants(acl) == [(3, "partner", "READ"), (4, "a@b.c", "WRITE_ACP")]
    assert public_acl_grants(None, READ_PERMISSIONS) == []
    assert cross_account_acl_grants(None) == []


def test_effective_public_access_block_is_account_or_bucket() -> None:
    bucket = {"BlockPublicAcls": True, "IgnorePublicAcls": False}
    account = {"IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert effective_public_access_block(bucket, account) == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True}
    assert not any(effective_public_access_block(None, None).values())


def test_bucket_analysis_is_not_reused_across_inventories() -> None:
    doc = {"Name": "b", "Acl": {"Grants": [{"Grantee": {"URI": ALL_USERS},
                                             "Permission": "READ"}]}}
    bucket = Asset(AssetRef("aws", "111122223333", "us-east-1", "aws.s3.bucket", "b"), "b", doc)

    def account(ignore: bool) -> Asset:
        return Asset(AssetRef("aws", "111122223333", "global", "aws.account", "111122223333"),
                     "111122223333", {"S3PublicAccessBlock": {"IgnorePublicAcls": ignore}})

    now = datetime(2026, 11, 1, tzinfo=UTC)
    results = []
    for ignore in (True, False, True):
        inv = Inventory([bucket, account(ignore)])
        # the same document, read twice per inventory, as the read and write rules do
        for _ in range(2):
            results.append(bucket_public_access_check(
                bucket, CheckContext(inv, now), READ_PERMISSIONS, READ_ACTIONS, "read").status)
    assert results == [Status.PASS] * 2 + [Status.FAIL] * 2 + [Status.PASS] * 2
