"""Statements of a backup vault policy open to any principal, unrestricted by conditions."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import public_statements
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("BackupVaultName")
    public = public_statements(doc.get("AccessPolicy"))
    labels = [str(s.get("Sid") or f"statement granting {s.get('Action')}") for s in public]
    evidence = Evidence("AccessPolicy.Statement", labels,
                        "no Allow to Principal * without a restricting condition")
    if public:
        return CheckResult.failed(
            f"the policy of backup vault {name} grants access to any principal: "
            f"{', '.join(labels)}", evidence)
    return CheckResult.passed(
        f"the policy of backup vault {name} does not grant public access", evidence)
