"""IAM: users, roles, groups, managed policies, server certificates, the credential report."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import GLOBAL, Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, policy_doc, tag_dict
from cloudwarden.core.model import Asset

#: Credential report cells that mean "no value".
_REPORT_NULLS = frozenset({"", "N/A", "no_information", "not_supported"})
ROOT_ROW = "<root_account>"


# -- credential report ---------------------------------------------------------------------------

def _report_value(text: str) -> Any:
    if text in _REPORT_NULLS:
        return None
    if text in ("true", "false"):
        return text == "true"
    return text


def parse_credential_report(content: bytes | str) -> dict[str, dict[str, Any]]:
    """CSV rows keyed by the `user` column, with null markers and booleans decoded."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows = csv.DictReader(io.StringIO(text))
    return {row["user"]: {k: _report_value(v or "") for k, v in row.items()} for row in rows
            if row.get("user")}


def get_credential_report(api: Api) -> Fetched[dict[str, dict[str, Any]]]:
    """Generate and fetch the credential report; polls while AWS builds it."""
    for attempt in range(12):
        state = api.fetch("generate_credential_report")
        if state.value is None:
            return Fetched(None, state.failure)
        if state.value.get("State") == "COMPLETE":
            break
        time.sleep(min(2.0, 0.1 * 2**attempt))
    report = api.fetch("get_credential_report")
    if report.value is None:
        return Fetched(None, report.failure)
    return Fetched(parse_credential_report(report.value.get("Content") or b""))


def credential_report(ctx: ScanContext) -> Fetched[dict[str, dict[str, Any]]]:
    """The scan's one credential report, shared by the user and the account collection."""
    result: Fetched[dict[str, dict[str, Any]]] = ctx.once(
        "iam.credential_report", lambda: get_credential_report(ctx.api("iam")))
    return result


# -- normalize -----------------------------------------------------------------------------------

def normalize_attached(raw: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    return [{"PolicyName": p.get("PolicyName"), "PolicyArn": p.get("PolicyArn")} for p in raw]


def normalize_inline(raw: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Inline policies from get_*_policy responses: [{PolicyName, PolicyDocument}]."""
    if raw is None:
        return None
    return [{"PolicyName": p.get("PolicyName"),
             "PolicyDocument": policy_doc(p.get("PolicyDocument"))} for p in raw]


def normalize_user(raw: Mapping[str, Any], *, report_row: Mapping[str, Any] | None,
                   mfa_devices: list[dict[str, Any]] | None,
                   access_keys: list[dict[str, Any]] | None,
                   attached: list[dict[str, Any]] | None, inline: list[dict[str, Any]] | None,
                   groups: list[str] | None, tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    row = report_row or {}
    return {
        "UserName": raw["UserName"],
        "UserId": raw.get("UserId"),
        "Arn": raw["Arn"],
        "Path": raw.get("Path"),
        "CreateDate": iso(raw.get("CreateDate")),
        "PasswordEnabled": row.get("password_enabled"),
        "PasswordLastUsed": iso(row.get("password_last_used") or raw.get("PasswordLastUsed")),
        "PasswordLastChanged": iso(row.get("password_last_changed")),
        "MfaActive": row.get("mfa_active"),
        "MFADevices": None if mfa_devices is None else [
            {"SerialNumber": d.get("SerialNumber"), "EnableDate": iso(d.get("EnableDate"))}
            for d in mfa_devices],
        "AccessKeys": None if access_keys is None else [
            {"AccessKeyId": k.get("AccessKeyId"), "Status": k.get("Status"),
             "CreateDate": iso(k.get("CreateDate")), "LastUsedDate": iso(k.get("LastUsedDate"))}
            for k in access_keys],
        "AttachedPolicies": normalize_attached(attached),
        "InlinePolicies": normalize_inline(inline),
        "Groups": groups,
        "Tags": tag_dict(tags),
    }


def normalize_role(raw: Mapping[str, Any], *, detail: Mapping[str, Any] | None,
                   attached: list[dict[str, Any]] | None, inline: list[dict[str, Any]] | None,
                   tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    last_used = (detail or {}).get("RoleLastUsed")
    return {
        "RoleName": raw["RoleName"],
        "Arn": raw["Arn"],
        "Path": raw.get("Path"),
        "CreateDate": iso(raw.get("CreateDate")),
        "AssumeRolePolicyDocument": policy_doc(raw.get("AssumeRolePolicyDocument")),
        "MaxSessionDuration": raw.get("MaxSessionDuration"),
        "RoleLastUsed": None if detail is None else {
            "LastUsedDate": iso((last_used or {}).get("LastUsedDate")),
            "Region": (last_used or {}).get("Region")},
        "AttachedPolicies": normalize_attached(attached),
        "InlinePolicies": normalize_inline(inline),
        "Tags": tag_dict(tags),
    }


def normalize_group(raw: Mapping[str, Any], *, users: list[str] | None,
                    attached: list[dict[str, Any]] | None,
                    inline: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "GroupName": raw["GroupName"],
        "Arn": raw["Arn"],
        "Path": raw.get("Path"),
        "CreateDate": iso(raw.get("CreateDate")),
        "Users": users,
        "AttachedPolicies": normalize_attached(attached),
        "InlinePolicies": normalize_inline(inline),
    }


def normalize_policy(raw: Mapping[str, Any], *, document: Any,
                     entities: Mapping[str, list[dict[str, Any]]] | None) -> dict[str, Any]:
    def names(key: str, field: str) -> list[str] | None:
        return None if entities is None else [e[field] for e in entities.get(key) or []]

    return {
        "PolicyName": raw["PolicyName"],
        "Arn": raw["Arn"],
        "AwsManaged": ":iam::aws:policy/" in raw["Arn"],
        "AttachmentCount": raw.get("AttachmentCount"),
        "AttachedUsers": names("PolicyUsers", "UserName"),
        "AttachedRoles": names("PolicyRoles", "RoleName"),
        "AttachedGroups": names("PolicyGroups", "GroupName"),
        "DefaultVersionId": raw.get("DefaultVersionId"),
        "Document": policy_doc(document),
        "CreateDate": iso(raw.get("CreateDate")),
        "UpdateDate": iso(raw.get("UpdateDate")),
    }


def normalize_server_certificate(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "ServerCertificateName": raw["ServerCertificateName"],
        "Arn": raw["Arn"],
        "UploadDate": iso(raw.get("UploadDate")),
        "Expiration": iso(raw.get("Expiration")),
    }


# -- get -----------------------------------------------------------------------------------------

def _inline(api: Api, kind: str, name: str) -> Fetched[list[dict[str, Any]]]:
    """Inline policy documents of a user, role or group (`kind` is User, Role or Group).

    A document that could not be read stays null in the list, and the whole field counts as
    failed: a partial list would be judged as if it were complete."""
    names = api.fetch_pages(f"list_{kind.lower()}_policies", "PolicyNames",
                            **{f"{kind}Name": name})
    if names.value is None:
        return Fetched(None, names.failure)
    out = []
    failure = ""
    for policy_name in names.value:
        got = api.fetch(f"get_{kind.lower()}_policy", **{f"{kind}Name": name,
                                                          "PolicyName": policy_name})
        failure = failure or got.failure
        out.append({"PolicyName": policy_name,
                    "PolicyDocument": None if got.value is None
                    else got.value.get("PolicyDocument")})
    return Fetched(out, failure)


def _access_keys(api: Api, user: str) -> Fetched[list[dict[str, Any]]]:
    """Access keys with their last use; a failed GetAccessKeyLastUsed marks the field failed
    (a null LastUsedDate would otherwise read as "never used")."""
    keys = api.fetch_pages("list_access_keys", "AccessKeyMetadata", UserName=user)
    if keys.value is None:
        return keys
    failure = ""
    for key in keys.value:
        used = api.fetch("get_access_key_last_used", AccessKeyId=key["AccessKeyId"])
        failure = failure or used.failure
        key["LastUsedDate"] = ((used.value or {}).get("AccessKeyLastUsed") or {}).get(
            "LastUsedDate")
    return Fetched(keys.value, failure)


#: User fields read from the credential report.
_REPORT_FIELDS = ("PasswordEnabled", "PasswordLastChanged", "MfaActive")


def collect_users(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("iam")
    report = credential_report(ctx)
    assets = []
    for raw in api.pages("list_users", "Users") or []:
        name = raw["UserName"]
        row = None if report.value is None else report.value.get(name)
        fetched = {
            "MFADevices": api.fetch_pages("list_mfa_devices", "MFADevices", UserName=name),
            "AccessKeys": _access_keys(api, name),
            "AttachedPolicies": api.fetch_pages("list_attached_user_policies",
                                                "AttachedPolicies", UserName=name),
            "InlinePolicies": _inline(api, "User", name),
            "Groups": api.fetch_pages("list_groups_for_user", "Groups", UserName=name),
            "Tags": api.fetch_pages("list_user_tags", "Tags", UserName=name),
        }
        groups = fetched["Groups"].value
        doc = normalize_user(
            raw,
            report_row=row,
            mfa_devices=fetched["MFADevices"].value,
            access_keys=fetched["AccessKeys"].value,
            attached=fetched["AttachedPolicies"].value,
            inline=fetched["InlinePolicies"].value,
            groups=None if groups is None else [g["GroupName"] for g in groups],
            tags=fetched["Tags"].value,
        )
        # A user created after the report was generated has no row in it yet.
        report_failure = report.failure or (
            "" if row is not None else "GetCredentialReport: user not in the report")
        unknown = failures({**fetched, **dict.fromkeys(_REPORT_FIELDS, report_failure)})
        assets.append(make_asset(ctx.account, GLOBAL, "aws.iam.user", doc["Arn"], name, doc,
                                 unknown))
    return assets


def collect_roles(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("iam")
    assets = []
    for raw in api.pages("list_roles", "Roles") or []:
        name = raw["RoleName"]
        fetched: dict[str, Fetched[Any]] = {
            "RoleLastUsed": api.fetch("get_role", RoleName=name),
            "AttachedPolicies": api.fetch_pages("list_attached_role_policies",
                                                "AttachedPolicies", RoleName=name),
            "InlinePolicies": _inline(api, "Role", name),
            "Tags": api.fetch_pages("list_role_tags", "Tags", RoleName=name),
        }
        detail = fetched["RoleLastUsed"].value
        doc = normalize_role(
            raw,
            detail=None if detail is None else detail.get("Role", {}),
            attached=fetched["AttachedPolicies"].value,
            inline=fetched["InlinePolicies"].value,
            tags=fetched["Tags"].value,
        )
        assets.append(make_asset(ctx.account, GLOBAL, "aws.iam.role", doc["Arn"], name, doc,
                                 failures(fetched)))
    return assets


def collect_groups(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("iam")
    assets = []
    for raw in api.pages("list_groups", "Groups") or []:
        name = raw["GroupName"]
        fetched = {
            "Users": api.fetch_pages("get_group", "Users", GroupName=name),
            "AttachedPolicies": api.fetch_pages("list_attached_group_policies",
                                                "AttachedPolicies", GroupName=name),
            "InlinePolicies": _inline(api, "Group", name),
        }
        members = fetched["Users"].value
        doc = normalize_group(
            raw,
            users=None if members is None else [u["UserName"] for u in members],
            attached=fetched["AttachedPolicies"].value,
            inline=fetched["InlinePolicies"].value,
        )
        assets.append(make_asset(ctx.account, GLOBAL, "aws.iam.group", doc["Arn"], name, doc,
                                 failures(fetched)))
    return assets


def collect_policies(ctx: ScanContext) -> list[Asset]:
    """Customer managed policies, and AWS managed ones only where attached (there are ~1000)."""
    api = ctx.api("iam")
    listed: dict[str, dict[str, Any]] = {}
    for params in ({"Scope": "All", "OnlyAttached": True}, {"Scope": "Local"}):
        for raw in api.pages("list_policies", "Policies", **params) or []:
            listed.setdefault(raw["Arn"], raw)
    assets = []
    for arn, raw in listed.items():
        version = api.fetch("get_policy_version", PolicyArn=arn,
                            VersionId=raw.get("DefaultVersionId"))
        entities: dict[str, list[dict[str, Any]]] = {}
        entities_failure = ""
        for key in ("PolicyUsers", "PolicyRoles", "PolicyGroups"):
            found = api.fetch_pages("list_entities_for_policy", key, PolicyArn=arn,
                                    EntityFilter=key.removeprefix("Policy")[:-1])
            if found.value is None:
                entities_failure = found.failure
                break
            entities[key] = found.value
        doc = normalize_policy(
            raw,
            document=None if version.value is None
            else version.value.get("PolicyVersion", {}).get("Document"),
            # a failed listing leaves the attachment lists null rather than wrongly empty
            entities=None if entities_failure else entities,
        )
        unknown = failures({
            "Document": version,
            **dict.fromkeys(("AttachedUsers", "AttachedRoles", "AttachedGroups"),
                            entities_failure)})
        assets.append(make_asset(ctx.account, GLOBAL, "aws.iam.policy", arn, raw["PolicyName"],
                                 doc, unknown))
    return assets


def collect_server_certificates(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("iam")
    assets = []
    for raw in api.pages("list_server_certificates", "ServerCertificateMetadataList") or []:
        doc = normalize_server_certificate(raw)
        assets.append(make_asset(ctx.account, GLOBAL, "aws.iam.server_certificate", doc["Arn"],
                                 doc["ServerCertificateName"], doc))
    return assets
