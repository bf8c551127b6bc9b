"""A function policy statement open to anyone, or to a service without a source condition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.checks.aws_iam_policy import (
    allow_statements,
    as_list,
    has_restricting_condition,
    principal_is_public,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _open_service_grant(stmt: Mapping[str, Any]) -> bool:
    principal = stmt.get("Principal")
    if not isinstance(principal, Mapping):
        return False
    return bool(as_list(principal.get("Service"))) and not has_restricting_condition(stmt)


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("FunctionName")
    open_ = [s for s in allow_statements(doc.get("Policy"))
             if (principal_is_public(s.get("Principal")) and not has_restricting_condition(s))
             or _open_service_grant(s)]
    labels = [str(s.get("Sid") or f"statement granting {s.get('Action')}") for s in open_]
    evidence = Evidence("Policy.Statement", labels,
                        "no Allow to * or to a service without a source account/ARN condition")
    if open_:
        return CheckResult.failed(f"the policy of function {name} is open to any account: "
                                  f"{', '.join(labels)}", evidence)
    return CheckResult.passed(f"the policy of function {name} grants nothing to the public",
                              evidence)
