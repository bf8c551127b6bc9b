"""Allow statements of a customer managed policy that name `service:*` or `*` actions."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import service_wildcard_actions
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("PolicyName")
    wildcards = service_wildcard_actions(doc.get("Document"))
    evidence = Evidence("Document.Statement[].Action", wildcards, "no service:* or * in Allow")
    if wildcards:
        return CheckResult.failed(
            f"policy {name} allows wildcard service actions: {', '.join(wildcards)}", evidence)
    return CheckResult.passed(f"policy {name} allows no wildcard service actions", evidence)
