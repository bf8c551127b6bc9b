"""The account asset: password policy, IAM summary, root user, S3 account block, contacts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import GLOBAL, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick
from cloudwarden.collectors.aws.iam import ROOT_ROW, credential_report
from cloudwarden.core.model import Asset

_PASSWORD_POLICY_KEYS = (
    "MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
    "RequireLowercaseCharacters", "AllowUsersToChangePassword", "ExpirePasswords",
    "MaxPasswordAge", "PasswordReusePrevention", "HardExpiry",
)
_PAB_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

#: Codes an endpoint answers with when it does not implement an API at all (some partitions,
#: local emulators): the setting is unknown, which the document says with null and `unknown`.
_UNSUPPORTED = ("NotImplemented", "InvalidAction", "UnsupportedOperation",
                "UnknownOperationException")


def normalize_root(row: Mapping[str, Any] | None,
                   virtual_mfa: Sequence[Mapping[str, Any]] | None) -> dict[str, Any] | None:
    """The root user's credential report row; HardwareMfa derived from the virtual MFA list."""
    if row is None:
        return None
    mfa_active = row.get("mfa_active")
    hardware: bool | None
    if mfa_active is None:
        hardware = None
    elif not mfa_active:
        hardware = False
    elif virtual_mfa is None:
        hardware = None
    else:
        root_virtual = any(str((d.get("User") or {}).get("Arn", "")).endswith(":root")
                           for d in virtual_mfa)
        hardware = not root_virtual
    return {
        "PasswordLastUsed": iso(row.get("password_last_used")),
        "MfaActive": mfa_active,
        "HardwareMfa": hardware,
        "AccessKey1Active": row.get("access_key_1_active"),
        "AccessKey2Active": row.get("access_key_2_active"),
        "AccessKey1LastUsedDate": iso(row.get("access_key_1_last_used_date")),
        "AccessKey2LastUsedDate": iso(row.get("access_key_2_last_used_date")),
    }


def normalize_account(account: str, *, password_policy: Mapping[str, Any] | None,
                      summary: Mapping[str, Any] | None, root: dict[str, Any] | None,
                      s3_public_access_block: Mapping[str, Any] | None,
                      security_contact: Mapping[str, Any] | None,
                      regions: Sequence[str]) -> dict[str, Any]:
    return {
        "AccountId": account,
        "PasswordPolicy": pick(password_policy, *_PASSWORD_POLICY_KEYS),
        "AccountSummary": None if summary is None else dict(summary),
        "Root": root,
        "S3PublicAccessBlock": pick(s3_public_access_block, *_PAB_KEYS),
        "SecurityContact": None if security_contact is None else {
            k: security_contact.get(k)
            for k in ("Name", "Title", "EmailAddress", "PhoneNumber")},
        "Regions": list(regions),
    }


def collect_account(ctx: ScanContext, regions: Sequence[str]) -> list[Asset]:
    iam = ctx.api("iam")
    policy = iam.fetch("get_account_password_policy", absent=("NoSuchEntity",))
    summary = iam.fetch("get_account_summary")
    report = credential_report(ctx)
    root_row = None if report.value is None else report.value.get(ROOT_ROW)
    virtual = iam.pages("list_virtual_mfa_devices", "VirtualMFADevices",
                        AssignmentStatus="Assigned") if root_row else None
    pab = ctx.api("s3control").fetch("get_public_access_block", AccountId=ctx.account,
                                     absent=("NoSuchPublicAccessBlockConfiguration",))
    contact = ctx.api("account").fetch("get_alternate_contact", AlternateContactType="SECURITY",
                                       absent=("ResourceNotFoundException",),
                                       unsupported=_UNSUPPORTED)
    doc = normalize_account(
        ctx.account,
        password_policy=None if not policy.value else policy.value.get("PasswordPolicy"),
        summary=None if summary.value is None else summary.value.get("SummaryMap"),
        root=normalize_root(root_row, virtual),
        s3_public_access_block=None if not pab.value
        else pab.value.get("PublicAccessBlockConfiguration"),
        security_contact=None if not contact.value else contact.value.get("AlternateContact"),
        regions=regions,
    )
    unknown = failures({"PasswordPolicy": policy, "AccountSummary": summary, "Root": report,
                        "S3PublicAccessBlock": pab, "SecurityContact": contact})
    return [make_asset(ctx.account, GLOBAL, "aws.account", ctx.account, ctx.account, doc,
                       unknown)]
