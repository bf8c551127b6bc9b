"""Cross-resource: is the role an administrator (attached or inline "*:*"), and does its
trust policy let principals of other accounts (or anyone) assume it?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.checks.aws_iam_policy import (
    action_allowed,
    allow_statements,
    as_list,
    grants_full_admin,
    has_attached_policy,
    inline_policies_with_full_admin,
    principal_accounts,
    principal_is_public,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _account_policies(asset: Asset, ctx: CheckContext, arns: set[str]) -> list[Asset]:
    """The aws.iam.policy assets of the role's account whose Arn is one of `arns`, in
    inventory order: an indexed lookup per ARN rather than a scan of the account's policies."""
    account = asset.ref.account
    found: list[Asset] = []
    for arn in arns:
        found.extend(p for p in ctx.inventory.find_in_account("aws.iam.policy", account, "Arn", arn)
                     if p.ref.account == account)
    if len(found) > 1:  # several: back to the account's order, which the message follows
        found = [p for p in ctx.same_account(asset, "aws.iam.policy")
                 if p.properties.get("Arn") in arns]
    return found


def _admin_sources(asset: Asset, ctx: CheckContext) -> list[str]:
    doc = asset.properties
    sources: list[str] = []
    if has_attached_policy(doc, "AdministratorAccess"):
        sources.append("AdministratorAccess")
    attached = {str(p.get("PolicyArn")) for p in as_list(doc.get("AttachedPolicies"))
                if (type(p) is dict or isinstance(p, Mapping)) and p.get("PolicyArn")}
    if attached:
        for policy in _account_policies(asset, ctx, attached):
            props = policy.properties
            if props.get("AwsManaged") is not True and grants_full_admin(props.get("Document")):
                sources.append(str(props.get("PolicyName")))
    sources.extend(f"inline {n}" for n in inline_policies_with_full_admin(doc))
    return sources


def _external_trust(trust: Any, own: str, allowed: set[str]) -> list[str]:
    found: list[str] = []
    for stmt in allow_statements(trust):
        if not action_allowed(stmt, "sts:AssumeRole"):
            continue
        principal = stmt.get("Principal")
        if principal_is_public(principal):
            found.append("*")
        found.extend(a for a in sorted(principal_accounts(principal))
                     if a != own and a not in allowed and a not in found)
    return found


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    role = doc.get("RoleName")
    allowed = ctx.scratch.get("trusted")
    if allowed is None:  # the parameter, read on the first call only
        allowed = ctx.scratch["trusted"] = {str(a) for a in ctx.params.get("trusted_accounts")
                                            or []}
    external = _external_trust(doc.get("AssumeRolePolicyDocument"), asset.ref.account, allowed)
    trust_ev = Evidence("AssumeRolePolicyDocument.Statement[].Principal", external,
                        "no account other than this one (or trusted_accounts)")
    if not external:
        return CheckResult.passed(f"role {role} is not assumable from other accounts", trust_ev)
    admin = _admin_sources(asset, ctx)
    admin_ev = Evidence("AttachedPolicies/InlinePolicies", admin, "no full administrator access")
    if not admin:
        return CheckResult.passed(
            f"role {role} trusts other accounts but has no administrator policy", admin_ev)
    return CheckResult.failed(
        f"administrator role {role} ({', '.join(admin)}) can be assumed from "
        f"{', '.join('any account' if a == '*' else a for a in external)}", trust_ev, admin_ev)
