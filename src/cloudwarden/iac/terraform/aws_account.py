"""Account- and region-wide settings: the `aws.account` asset (account S3 Block Public Access,
IAM password policy, security contact) and `aws.ec2.regional_settings` (EBS encryption by
default, default EBS key, snapshot Block Public Access).

Code that declares any of these settings yields one such asset per module (and region); the
fields it does not manage are unresolved, not "not configured": the account may well set them
outside this code. Code that declares none of them yields no such asset at all.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import Doc, Index, as_bool, as_int, build_asset
from cloudwarden.iac.terraform.model import TfResource

__all__ = ["ACCOUNT_TYPES", "REGIONAL_TYPES", "map_account", "map_regional_settings"]

_ACCOUNT_PAB = "aws_s3_account_public_access_block"
_PASSWORD_POLICY = "aws_iam_account_password_policy"  # noqa: S105 - a type name
_CONTACT = "aws_account_alternate_contact"
ACCOUNT_TYPES = (_ACCOUNT_PAB, _PASSWORD_POLICY, _CONTACT)

_EBS_DEFAULT = "aws_ebs_encryption_by_default"
_EBS_KEY = "aws_ebs_default_kms_key"
_SNAPSHOT_BLOCK = "aws_ebs_snapshot_block_public_access"
REGIONAL_TYPES = (_EBS_DEFAULT, _EBS_KEY, _SNAPSHOT_BLOCK)

_NOT_MANAGED = "not managed by this code (it may be set outside it)"
_PAB_ARGS = (("BlockPublicAcls", "block_public_acls"), ("IgnorePublicAcls", "ignore_public_acls"),
             ("BlockPublicPolicy", "block_public_policy"),
             ("RestrictPublicBuckets", "restrict_public_buckets"))


def password_policy(res: TfResource) -> dict[str, Any]:
    """`aws_iam_account_password_policy` with the provider's documented defaults (minimum
    length 6, users may change their password, no expiry unless `max_password_age` > 0)."""
    v = res.values
    max_age = as_int(v.get("max_password_age"), 0)
    reuse = as_int(v.get("password_reuse_prevention"))
    return {
        "MinimumPasswordLength": as_int(v.get("minimum_password_length"), 6),
        "RequireSymbols": as_bool(v.get("require_symbols"), False),
        "RequireNumbers": as_bool(v.get("require_numbers"), False),
        "RequireUppercaseCharacters": as_bool(v.get("require_uppercase_characters"), False),
        "RequireLowercaseCharacters": as_bool(v.get("require_lowercase_characters"), False),
        "AllowUsersToChangePassword": as_bool(v.get("allow_users_to_change_password"), True),
        "ExpirePasswords": max_age if not isinstance(max_age, int) else max_age > 0,
        "MaxPasswordAge": max_age if max_age else None,
        "PasswordReusePrevention": reuse if reuse else None,
        "HardExpiry": as_bool(v.get("hard_expiry"), False),
    }


def map_account(index: Index) -> list[Asset]:
    pab = index.of_type(_ACCOUNT_PAB)
    policy = index.of_type(_PASSWORD_POLICY)
    contacts = [c for c in index.of_type(_CONTACT)
                if c.values.get("alternate_contact_type") == "SECURITY"]
    anchors = pab or policy or contacts
    if not anchors:
        return []
    anchor = anchors[0]
    doc = Doc()
    doc.open("AccountId", "the account the code is applied to is not named in it")
    if policy:
        doc.set("PasswordPolicy", password_policy(policy[-1]))
    else:
        doc.open("PasswordPolicy", "the IAM password policy is " + _NOT_MANAGED)
    if pab:
        values = pab[-1].values
        doc.set("S3PublicAccessBlock", {key: as_bool(values.get(arg), False)
                                        for key, arg in _PAB_ARGS})
    else:
        doc.open("S3PublicAccessBlock", "the account's S3 Block Public Access is " + _NOT_MANAGED)
    if contacts:
        v = contacts[-1].values
        doc.set("SecurityContact", {"Name": v.get("name"), "Title": v.get("title"),
                                    "EmailAddress": v.get("email_address"),
                                    "PhoneNumber": v.get("phone_number")})
    else:
        doc.open("SecurityContact", "the security alternate contact is " + _NOT_MANAGED)
    for live in ("AccountSummary", "Root", "Regions"):
        doc.open(live, "account state (root user, IAM summary) exists only in the live account")
    return [build_asset(index, anchor, "aws.account", doc, name_args=(), suffix="#account")]


def map_regional_settings(index: Index) -> list[Asset]:
    by_region: dict[str, dict[str, TfResource]] = defaultdict(dict)
    for type_ in REGIONAL_TYPES:
        for res in index.of_type(type_):
            by_region[res.region][type_] = res
    assets = []
    for region, found in by_region.items():
        doc = Doc()
        if region:
            doc.set("Region", region)
        else:
            doc.open("Region", "the provider's region is not fixed in the code")
        doc.after_apply("Arn")
        default = found.get(_EBS_DEFAULT)
        if default is not None:
            doc.set("EbsEncryptionByDefault", as_bool(default.values.get("enabled"), True))
        else:
            doc.open("EbsEncryptionByDefault", "EBS encryption by default is " + _NOT_MANAGED)
        key = found.get(_EBS_KEY)
        if key is not None:
            doc.set("EbsDefaultKmsKeyId", index.ident(key, key.values.get("key_arn")))
        else:
            doc.open("EbsDefaultKmsKeyId", "the default EBS key is " + _NOT_MANAGED)
        block = found.get(_SNAPSHOT_BLOCK)
        if block is not None:
            doc.set("SnapshotBlockPublicAccess", block.values.get("state"))
        else:
            doc.open("SnapshotBlockPublicAccess",
                     "snapshot Block Public Access is " + _NOT_MANAGED)
        anchor = next(iter(found.values()))
        assets.append(build_asset(index, anchor, "aws.ec2.regional_settings", doc, name_args=(),
                                  suffix="#ec2-settings"))
    return assets
