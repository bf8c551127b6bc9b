"""An inline policy of the user with an Allow of "*" on "*"."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import inline_policies_with_full_admin
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("UserName")
    admin = inline_policies_with_full_admin(doc)
    evidence = Evidence("InlinePolicies[].PolicyName", admin, "no inline policy granting *:*")
    if admin:
        return CheckResult.failed(
            f"IAM user {name} has inline policies granting full administrator access: "
            f"{', '.join(admin)}", evidence)
    return CheckResult.passed(f"no inline policy of IAM user {name} grants *:*", evidence)
