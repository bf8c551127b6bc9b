"""Principals of other accounts are found by the account in their ARN (or a bare account id);
`*` counts as every account unless a condition pins it to the owner's own account."""

from __future__ import annotations

from cloudwarden.checks.aws_s3_policy import cross_account_statements
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _parameters(ctx: CheckContext) -> tuple[tuple[str, ...], str]:
    """The denied actions and the expected value, read on the first call only."""
    found = ctx.scratch.get("denied")
    if found is None:
        denied = tuple(str(a) for a in ctx.params.get("denied_actions") or [])
        found = ctx.scratch["denied"] = (
            denied, "no grant of " + ", ".join(denied) + " to other accounts")
    return found


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("Name") or asset.name
    denied, expected = _parameters(ctx)
    grants = cross_account_statements(doc.get("Policy"), asset.ref.account, denied)
    if grants:
        return CheckResult.failed(
            f"bucket {name}'s policy lets other accounts run "
            + "; ".join(f"{', '.join(g.actions)} ({', '.join(g.principals)})" for g in grants),
            *(Evidence(f"Policy.Statement[{g.index}]", list(g.principals), expected)
              for g in grants))
    return CheckResult.passed(f"bucket {name}'s policy grants no dangerous actions to other "
                              "accounts", Evidence("Policy", "checked", expected))
