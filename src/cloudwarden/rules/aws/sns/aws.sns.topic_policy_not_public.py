"""A topic policy statement open to any principal that no condition restricts."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import public_statements
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.name
    public = public_statements(asset.properties.get("Policy"))
    labels = [str(s.get("Sid") or f"statement granting {s.get('Action')}") for s in public]
    evidence = Evidence("Policy.Statement", labels,
                        "no Allow to Principal * without a restricting condition")
    if public:
        return CheckResult.failed(f"the access policy of topic {name} grants access to any "
                                  f"principal: {', '.join(labels)}", evidence)
    return CheckResult.passed(f"the access policy of topic {name} is not public", evidence)
