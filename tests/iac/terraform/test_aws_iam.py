"""IAM assets from Terraform: policies, roles, users, groups and what joins them."""

from __future__ import annotations

import json
from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown
from cloudwarden.inventory.snapshot import Inventory


def res(address: str, values: dict[str, Any], mode: str = "managed") -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name, mode, values, {}, "iam.tf", 1, 4, "", "aws", "")


def after(address: str, attr: str = "arn") -> Unknown:
    return Unknown(f"{address}.{attr} is known only after apply", (address,))


def mapped(*resources: TfResource) -> dict[str, Asset]:
    return {a.ref.id.split(":", 1)[1]: a
            for a in map_module(TfModule("iam", list(resources))).assets}


ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def test_role_with_document_data_source_attachments_and_inline_policy() -> None:
    found = mapped(
        res("data.aws_iam_policy_document.trust", {"statement": [{
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}]}]},
            mode="data"),
        res("aws_iam_role.app", {"name": "app", "assume_role_policy": after(
            "data.aws_iam_policy_document.trust", "json")}),
        res("aws_iam_policy.admin", {"name": "admin", "policy": ADMIN}),
        res("aws_iam_role_policy_attachment.a", {"role": after("aws_iam_role.app", "name"),
                                                 "policy_arn": after("aws_iam_policy.admin")}),
        res("aws_iam_role_policy_attachment.ro", {
            "role": "app", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        res("aws_iam_role_policy.inline", {"role": "app", "name": "logs", "policy": ADMIN}),
    )
    role = found["aws_iam_role.app"].properties
    assert role["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": "ec2.amazonaws.com"}}]}
    assert role["AttachedPolicies"] == [
        {"PolicyName": "admin", "PolicyArn": "tf:aws_iam_policy.admin"},
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
    assert role["InlinePolicies"][0]["PolicyName"] == "logs"
    assert role["InlinePolicies"][0]["PolicyDocument"]["Statement"][0]["Action"] == "*"
    assert role["MaxSessionDuration"] == 3600 and role["Path"] == "/"
    assert found["aws_iam_role.app"].unknown["RoleLastUsed"].startswith(UNRESOLVED)
    policy = found["aws_iam_policy.admin"].properties
    assert policy["AttachedRoles"] == ["app"] and policy["AttachmentCount"] == 1


def test_user_group_membership_keys_and_login_profile() -> None:
    found = mapped(
        res("aws_iam_user.alice", {"name": "alice"}),
        res("aws_iam_user.bob", {"name": "bob"}),
        res("aws_iam_group.admins", {"name": "admins"}),
        res("aws_iam_group_membership.m", {"group": after("aws_iam_group.admins", "name"),
                                           "users": ["alice"]}),
        res("aws_iam_user_login_profile.p", {"user": "alice"}),
        res("aws_iam_access_key.k", {"user": after("aws_iam_user.bob", "name")}),
        res("aws_iam_user_policy.direct", {"user": "bob", "name": "p", "policy": ADMIN}),
    )
    alice, bob = found["aws_iam_user.alice"], found["aws_iam_user.bob"]
    assert alice.properties["Groups"] == ["admins"]
    assert alice.properties["PasswordEnabled"] is True
    assert bob.properties["PasswordEnabled"] is False
    assert bob.unknown["AccessKeys"].startswith(UNRESOLVED + "1 access key(s)")
    assert alice.properties["AccessKeys"] == []
    assert bob.properties["InlinePolicies"][0]["PolicyName"] == "p"
    assert alice.unknown["MfaActive"].startswith(UNRESOLVED)
    assert found["aws_iam_group.admins"].properties["Users"] == ["alice"]


def test_policy_document_with_open_parts_stays_unresolved() -> None:
    found = mapped(res("aws_iam_policy.p", {"name": "p", "policy": Unknown(
        "var.policy has no value")}))
    assert found["aws_iam_policy.p"].unknown["Document"] == UNRESOLVED + "var.policy has no value"


def test_password_policy_on_the_account_asset(aws_engine: Engine) -> None:
    found = mapped(res("aws_iam_account_password_policy.strict", {
        "minimum_password_length": 14, "require_symbols": True, "max_password_age": 90}))
    account = found["aws_iam_account_password_policy.strict#account"]
    policy = account.properties["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14 and policy["ExpirePasswords"] is True
    assert policy["AllowUsersToChangePassword"] is True and policy["RequireNumbers"] is False
    assert account.unknown["S3PublicAccessBlock"].startswith(UNRESOLVED)
    engine = aws_engine
    results = {f.rule_id: f.status for f in engine.assess(Inventory(found.values()))}
    assert results["aws.iam.password_policy_min_length"] is Status.PASS
    assert results["aws.s3.account_public_access_blocked"] is Status.NOT_APPLICABLE


def test_rules_judge_iam_code(aws_engine: Engine) -> None:
    engine = aws_engine
    found = mapped(res("aws_iam_policy.admin", {"name": "admin", "policy": ADMIN}),
                   res("aws_iam_policy.narrow", {"name": "narrow", "policy": json.dumps({
                       "Version": "2012-10-17", "Statement": [{
                           "Effect": "Allow", "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::b/*"}]})}))
    results = {(f.rule_id, f.asset.id.split(":", 1)[1]): f.status
               for f in engine.assess(Inventory(found.values()))}
    admin = {r: s for (r, a), s in results.items() if a == "aws_iam_policy.admin"}
    narrow = {r: s for (r, a), s in results.items() if a == "aws_iam_policy.narrow"}
    assert Status.FAIL in admin.values()
    assert Status.FAIL not in narrow.values()
