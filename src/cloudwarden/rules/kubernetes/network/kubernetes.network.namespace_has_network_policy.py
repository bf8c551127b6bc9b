"""Cross-resource: a namespace is covered when at least one NetworkPolicy lives in it. The
policies are joined by namespace through the inventory's account index."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_POLICY = "kubernetes.network_policy"
_EXPECTED = "at least one NetworkPolicy in the namespace"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.properties.get("Name") or asset.name
    policies = sorted(str(p.properties.get("Name") or p.name) for p in
                      ctx.inventory.find_in_account(_POLICY, asset.ref.account, "Namespace",
                                                    name))
    if policies:
        shown = ", ".join(policies[:5]) + (f" and {len(policies) - 5} more"
                                           if len(policies) > 5 else "")
        return CheckResult.passed(f"namespace {name} has network policies: {shown}",
                                  Evidence("networkpolicies", policies[:20], _EXPECTED))
    return CheckResult.failed(f"namespace {name} has no NetworkPolicy: every pod in it accepts "
                              "traffic from any pod of the cluster",
                              Evidence("networkpolicies", [], _EXPECTED))
