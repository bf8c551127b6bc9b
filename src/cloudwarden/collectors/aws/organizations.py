"""AWS Organizations (global): one status document for the scanned account - membership, and
for the management account its service control policies and delegated administrators."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import GLOBAL, Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, policy_doc
from cloudwarden.core.model import Asset

NOT_IN_ORG = ("AWSOrganizationsNotInUseException",)
#: The fields only the management account (or a delegated administrator) can read.
MANAGEMENT_FIELDS = ("EnabledPolicyTypes", "Policies", "DelegatedAdministrators")


def normalize_policy(summary: Mapping[str, Any], content: Any,
                     targets: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "Id": summary.get("Id"),
        "Arn": summary.get("Arn"),
        "Name": summary.get("Name"),
        "AwsManaged": summary.get("AwsManaged"),
        "Document": policy_doc(content),
        "Targets": None if targets is None else [
            {"TargetId": t.get("TargetId"), "Type": t.get("Type"), "Name": t.get("Name")}
            for t in targets],
    }


def normalize_status(arn: str, account: str, org: Mapping[str, Any] | None, *,
                     roots: Sequence[Mapping[str, Any]] | None = None,
                     policies: list[dict[str, Any]] | None = None,
                     delegated: Sequence[Mapping[str, Any]] | None = None,
                     services: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """`org` is {} when the account is in no organization, None when it could not be read."""
    master = (org or {}).get("MasterAccountId")
    enabled = None
    if roots is not None:
        enabled = sorted({p["Type"] for r in roots for p in r.get("PolicyTypes") or []
                          if p.get("Status") == "ENABLED"})
    return {
        "Arn": arn,
        "InOrganization": None if org is None else bool(org),
        "OrganizationId": (org or {}).get("Id"),
        "OrganizationArn": (org or {}).get("Arn"),
        "FeatureSet": (org or {}).get("FeatureSet"),
        "MasterAccountId": master,
        "IsManagementAccount": None if org is None else master == account,
        "EnabledPolicyTypes": enabled,
        "Policies": policies,
        "DelegatedAdministrators": None if delegated is None else [
            {"Id": d.get("Id"), "Name": d.get("Name"), "Email": d.get("Email"),
             "ServicePrincipals": sorted((services or {}).get(str(d.get("Id")), []))}
            for d in delegated],
    }


def _policies(api: Api) -> Fetched[list[dict[str, Any]]]:
    listed = api.fetch_pages("list_policies", "Policies", Filter="SERVICE_CONTROL_POLICY")
    if listed.value is None:
        return Fetched(None, listed.failure)
    out = []
    for summary in listed.value:
        described = api.fetch("describe_policy", PolicyId=summary["Id"])
        if described.value is None:
            return Fetched(None, described.failure)
        targets = api.fetch_pages("list_targets_for_policy", "Targets", PolicyId=summary["Id"])
        if targets.value is None:
            return Fetched(None, targets.failure)
        content = (described.value.get("Policy") or {}).get("Content")
        out.append(normalize_policy(summary, content, targets.value))
    return Fetched(out)


def _delegated(api: Api) -> tuple[Fetched[list[Any]], dict[str, list[str]]]:
    admins = api.fetch_pages("list_delegated_administrators", "DelegatedAdministrators")
    services: dict[str, list[str]] = {}
    for admin in admins.value or []:
        listed = api.fetch_pages("list_delegated_services_for_account", "DelegatedServices",
                                 AccountId=admin["Id"])
        if listed.value is None:
            return Fetched(None, listed.failure), {}
        services[admin["Id"]] = [s.get("ServicePrincipal") for s in listed.value]
    return admins, services


def collect_global(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("organizations", GLOBAL)
    arn = f"arn:{ctx.partition}:organizations::{ctx.account}:settings"
    described = api.fetch("describe_organization", absent=NOT_IN_ORG)
    org = None if described.value is None else described.value.get("Organization", {})
    unknown: dict[str, str] = {}
    if org is None:
        doc = normalize_status(arn, ctx.account, None)
        unknown = {f: described.failure for f in doc if f != "Arn"}
    elif not org:
        doc = normalize_status(arn, ctx.account, org, roots=[], policies=[], delegated=[])
    elif org.get("MasterAccountId") != ctx.account:
        doc = normalize_status(arn, ctx.account, org)
        # a member account cannot read them: unknown, not "none"
        unknown = dict.fromkeys(MANAGEMENT_FIELDS, "ListPolicies: not the management account")
    else:
        roots = api.fetch_pages("list_roots", "Roots")
        policies = _policies(api)
        admins, services = _delegated(api)
        doc = normalize_status(arn, ctx.account, org, roots=roots.value,
                               policies=policies.value, delegated=admins.value,
                               services=services)
        unknown = failures({"EnabledPolicyTypes": roots, "Policies": policies,
                            "DelegatedAdministrators": admins})
    return [make_asset(ctx.account, GLOBAL, "aws.organizations.status", arn,
                       "AWS Organizations", doc, unknown)]
