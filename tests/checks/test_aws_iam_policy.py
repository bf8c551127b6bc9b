"""The IAM policy analysis helpers shared by the AWS rule checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cloudwarden.checks.aws_iam_policy import (
    action_allowed,
    as_list,
    attached_policy_names,
    days_since,
    full_admin_statements,
    grants_full_admin,
    has_attached_policy,
    has_restricting_condition,
    inline_policies,
    inline_policies_decrypting_all_keys,
    inline_policies_where,
    inline_policies_with_full_admin,
    kms_decrypt_actions_on_all_keys,
    principal_accounts,
    principal_is_public,
    public_statements,
    resource_covers_all_kms_keys,
    service_wildcard_actions,
    statements,
)


def _doc(*stmts: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(stmts)}


ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}


class TestReading:
    def test_as_list(self) -> None:
        assert as_list(None) == []
        assert as_list("s3:GetObject") == ["s3:GetObject"]
        assert as_list(["a", "b"]) == ["a", "b"]
        assert as_list(("a",)) == ["a"]

    def test_single_statement_mapping(self) -> None:
        assert statements({"Statement": ADMIN}) == [ADMIN]

    def test_json_text_document(self) -> None:
        text = '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
        assert grants_full_admin(text)

    @pytest.mark.parametrize("bad", [None, "", "not json", 42, [], {"Statement": "x"},
                                     {"NoStatement": []}])
    def test_unreadable_documents_grant_nothing(self, bad: object) -> None:
        assert statements(bad) == []
        assert not grants_full_admin(bad)
        assert kms_decrypt_actions_on_all_keys(bad) == []
        assert service_wildcard_actions(bad) == []
        assert public_statements(bad) == []


class TestActions:
    @pytest.mark.parametrize(("pattern", "action", "expected"), [
        ("s3:GetObject", "s3:GetObject", True),
        ("S3:getobject", "s3:GetObject", True),
        ("s3:Get*", "s3:GetObject", True),
        ("s3:*", "s3:GetObject", True),
        ("*", "kms:Decrypt", True),
        ("kms:ReEncrypt*", "kms:ReEncryptFrom", True),
        ("kms:Re?ncryptFrom", "kms:ReEncryptFrom", True),
        ("kms:Encrypt", "kms:Decrypt", False),
        ("s3:Get*", "s3:PutObject", False),
    ])
    def test_action_patterns(self, pattern: str, action: str, expected: bool) -> None:
        assert action_allowed({"Action": pattern}, action) is expected
        assert action_allowed({"Action": [pattern]}, action) is expected

    def test_not_action_allows_everything_else(self) -> None:
        stmt = {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
        assert action_allowed(stmt, "kms:Decrypt")
        assert not action_allowed(stmt, "iam:CreateUser")
        assert not action_allowed(stmt, "IAM:createuser")

    def test_non_string_actions_are_ignored(self) -> None:
        assert not action_allowed({"Action": [None, 3]}, "s3:GetObject")


class TestFullAdmin:
    @pytest.mark.parametrize("stmt", [
        ADMIN,
        {"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]},
        {"Effect": "allow", "Action": ["s3:GetObject", "*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
    ])
    def test_admin(self, stmt: dict[str, object]) -> None:
        assert full_admin_statements(_doc(stmt)) == [stmt]

    @pytest.mark.parametrize("stmt", [
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret"},
        {"Action": "*", "Resource": "*"},
    ])
    def test_not_admin(self, stmt: dict[str, object]) -> None:
        assert not grants_full_admin(_doc(stmt))


class TestServiceWildcards:
    def test_found_in_allow_only(self) -> None:
        doc = _doc({"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*", "IAM:*"],
                    "Resource": "*"},
                   {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},
                   {"Effect": "Allow", "Action": "*", "Resource": "*"},
                   {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
        assert service_wildcard_actions(doc) == ["s3:*", "IAM:*", "*"]

    def test_prefix_wildcards_are_fine(self) -> None:
        assert service_wildcard_actions(_doc({"Effect": "Allow", "Action": ["s3:Get*", "s3:*Tag"],
                                              "Resource": "*"})) == []


class TestKmsDecrypt:
    @pytest.mark.parametrize(("resource", "expected"), [
        ("*", True),
        (["*"], True),
        ("arn:*", True),
        ("arn:aws:kms:*:*:key/*", True),
        ("arn:aws:kms:us-east-1:111122223333:key/*", True),
        ("arn:aws:kms:us-east-1:111122223333:*", True),
        ("arn:aws:kms:*", True),
        ("arn:aws:kms:us-east-1:111122223333:key/1234abcd", False),
        ("arn:aws:kms:us-east-1:111122223333:alias/*", False),
        ("arn:aws:s3:::*", False),
        ([], False),
    ])
    def test_resource_covers_all_keys(self, resource: object, expected: bool) -> None:
        assert resource_covers_all_kms_keys({"Resource": resource}) is expected

    def test_not_resource_covers_the_rest(self) -> None:
        assert resource_covers_all_kms_keys({"NotResource": "arn:aws:kms:*:*:key/secret"})

    def test_decrypt_actions(self) -> None:
        doc = _doc({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
                   {"Effect": "Allow", "Action": "kms:ReEncrypt*",
                    "Resource": "arn:aws:kms:*:111122223333:key/*"})
        assert kms_decrypt_actions_on_all_keys(doc) == ["kms:Decrypt", "kms:ReEncryptFrom"]

    def test_scoped_or_denied_decrypt(self) -> None:
        doc = _doc({"Effect": "Allow", "Action": "kms:Decrypt",
                    "Resource": "arn:aws:kms:us-east-1:111122223333:key/k1"},
                   {"Effect": "Deny", "Action": "kms:*", "Resource": "*"},
                   {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"})
        assert kms_decrypt_actions_on_all_keys(doc) == []

    def test_admin_decrypts_everything(self) -> None:
        assert kms_decrypt_actions_on_all_keys(_doc(ADMIN)) == ["kms:Decrypt",
                                                                "kms:ReEncryptFrom"]


class TestPrincipals:
    @pytest.mark.parametrize(("principal", "expected"), [
        ("*", True),
        ({"AWS": "*"}, True),
        ({"AWS": ["arn:aws:iam::111122223333:root", "*"]}, True),
        ({"AWS": "arn:aws:iam::*:root"}, True),
        ({"Service": "*"}, True),
        ({"AWS": "arn:aws:iam::111122223333:root"}, False),
        ({"AWS": "111122223333"}, False),
        ({"Service": "ec2.amazonaws.com"}, False),
        ({"Federated": "arn:aws:iam::111122223333:saml-provider/idp"}, False),
        (None, False),
    ])
    def test_public(self, principal: object, expected: bool) -> None:
        assert principal_is_public(principal) is expected

    def test_accounts(self) -> None:
        principal = {"AWS": ["arn:aws:iam::444455556666:root", "777788889999",
                             "arn:aws:iam::111122223333:role/x", "*",
                             "arn:aws-us-gov:iam::222233334444:user/u"],
                     "Service": "ec2.amazonaws.com"}
        assert principal_accounts(principal) == {"444455556666", "777788889999",
                                                 "111122223333", "222233334444"}
        assert principal_accounts("*") == set()


class TestConditions:
    @pytest.mark.parametrize(("condition", "expected"), [
        ({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}, True),
        ({"StringEquals": {"AWS:SourceAccount": ["111122223333"]}}, True),
        ({"StringEquals": {"kms:CallerAccount": "111122223333"}}, True),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, True),
        ({"StringLike": {"aws:PrincipalOrgID": "*"}}, False),
        ({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}, False),
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
        ({"StringEquals": {"sts:ExternalId": "secret"}}, False),
        ({"StringEquals": {"aws:PrincipalAccount": []}}, False),
        (None, False),
        ("nonsense", False),
    ])
    def test_restricting(self, condition: object, expected: bool) -> None:
        assert has_restricting_condition({"Condition": condition}) is expected

    def test_public_statements(self) -> None:
        open_stmt = {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt"}
        org = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
               "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}
        deny = {"Effect": "Deny", "Principal": "*", "Action": "*"}
        assert public_statements(_doc(open_stmt, org, deny)) == [open_stmt]


class TestIdentities:
    def test_attached_policies(self) -> None:
        doc = {"AttachedPolicies": [
            {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
            {"PolicyArn": "arn:aws:iam::111122223333:policy/path/custom"},
            "arn:aws:iam::aws:policy/AWSSupportAccess",
        ]}
        assert attached_policy_names(doc) == ["ReadOnlyAccess", "custom", "AWSSupportAccess"]
        assert has_attached_policy(doc, "ReadOnlyAccess")
        assert has_attached_policy(doc, "AWSSupportAccess")
        assert not has_attached_policy(doc, "custom")
        assert not has_attached_policy({"AttachedPolicies": None}, "ReadOnlyAccess")

    def test_customer_policy_with_aws_name_is_not_the_aws_policy(self) -> None:
        doc = {"AttachedPolicies": [{"PolicyName": "AdministratorAccess",
                                     "PolicyArn": "arn:aws:iam::111122223333:policy/"
                                                  "AdministratorAccess"}]}
        assert not has_attached_policy(doc, "AdministratorAccess")
        assert has_attached_policy({"AttachedPolicies": [{"PolicyName": "AdministratorAccess"}]},
                                   "AdministratorAccess")

    def test_inline_policies(self) -> None:
        doc = {"InlinePolicies": [{"PolicyName": "admin", "PolicyDocument": _doc(ADMIN)},
                                  {"PolicyDocument": None}, "junk"]}
        assert [n for n, _ in inline_policies(doc)] == ["admin", "#1"]
        assert inline_policies_where(doc, grants_full_admin) == ["admin"]
        assert inline_policies({}) == []

    def test_inline_helpers_agree_with_the_generic_form(self) -> None:
        decrypt = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
        docs = [
            {"InlinePolicies": [{"PolicyName": "admin", "PolicyDocument": _doc(ADMIN)},
                                {"PolicyName": "kms", "PolicyDocument": _doc(decrypt)},
                                {"PolicyName": "both", "PolicyDocument": _doc(ADMIN, decrypt)},
                                {"PolicyName": "text", "PolicyDocument": json.dumps(_doc(decrypt))},
                                {"PolicyDocument": None}, "junk"]},
            {"InlinePolicies": None}, {}, {"InlinePolicies": "junk"},
        ]
        for doc in docs:  # each twice: the second answer comes from the memo
            for _ in range(2):
                assert inline_policies_with_full_admin(doc) == inline_policies_where(
                    doc, grants_full_admin)
                assert inline_policies_decrypting_all_keys(doc) == inline_policies_where(
                    doc, kms_decrypt_actions_on_all_keys)
        assert inline_policies_with_full_admin(docs[0]) == ["admin", "both"]
        assert inline_policies_decrypting_all_keys(docs[0]) == ["admin", "kms", "both", "text"]


def test_days_since() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    assert days_since("2026-10-31T00:00:00Z", now) == 1.0
    assert days_since("2026-10-31T00:00:00+00:00", now) == 1.0
    assert days_since(datetime(2026, 10, 22), now) == 10.0
    assert days_since("2026-10-31", now) == 1.0
    for bad in (None, "", "N/A", "no_information", 5):
        assert days_since(bad, now) is None
