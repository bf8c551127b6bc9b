"""Cross-resource: the AWSSupportAccess managed policy, as seen from the policy asset (its
attachment lists) or from any role, group or user that lists it among AttachedPolicies."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import as_list, has_attached_policy
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

POLICY = "AWSSupportAccess"
POLICY_ARN_TAIL = f":aws:policy/{POLICY}"


def _from_policy_assets(asset: Asset, ctx: CheckContext) -> list[str]:
    found: list[str] = []
    for policy in ctx.same_account(asset, "aws.iam.policy"):
        doc = policy.properties
        if not str(doc.get("Arn") or "").endswith(POLICY_ARN_TAIL):
            continue
        for field, kind in (("AttachedRoles", "role"), ("AttachedGroups", "group"),
                            ("AttachedUsers", "user")):
            found.extend(f"{kind} {name}" for name in as_list(doc.get(field)))
        if not found and (doc.get("AttachmentCount") or 0) > 0:
            found.append(f"{doc.get('AttachmentCount')} entities")
    return found


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    holders = _from_policy_assets(asset, ctx)
    for kind, name_field in (("role", "RoleName"), ("group", "GroupName"), ("user", "UserName")):
        for identity in ctx.same_account(asset, f"aws.iam.{kind}"):
            if has_attached_policy(identity.properties, POLICY):
                label = f"{kind} {identity.properties.get(name_field)}"
                if label not in holders:
                    holders.append(label)
    evidence = Evidence(f"aws.iam.policy:arn:aws:iam::aws:policy/{POLICY}", holders,
                        "attached to at least one role, group or user")
    if holders:
        return CheckResult.passed(f"{POLICY} is attached to {', '.join(holders)}", evidence)
    return CheckResult.failed(f"no role, group or user of the account has {POLICY} attached",
                              evidence)
