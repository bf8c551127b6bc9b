"""A trust policy statement open to any AWS principal that no condition restricts."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import as_list, public_statements
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    role = doc.get("RoleName")
    public = public_statements(doc.get("AssumeRolePolicyDocument"))
    labels = [str(s.get("Sid") or ", ".join(map(str, as_list(s.get("Action"))))) for s in public]
    evidence = Evidence("AssumeRolePolicyDocument.Statement", labels,
                        "no Allow to Principal * without a restricting condition")
    if public:
        return CheckResult.failed(f"any AWS principal can assume role {role} ({'; '.join(labels)})",
                                  evidence)
    return CheckResult.passed(f"the trust policy of role {role} names specific principals",
                              evidence)
