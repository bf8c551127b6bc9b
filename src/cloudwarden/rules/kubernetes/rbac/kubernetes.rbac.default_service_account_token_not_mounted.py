"""Cross-resource: a workload running as its namespace's `default` service account gets the
account's token unless the pod spec or the service account turns automounting off (the pod
spec wins). The account is joined by namespace through the inventory's account index."""

from __future__ import annotations

from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_SERVICE_ACCOUNT = "kubernetes.service_account"
_EXPECTED = "automountServiceAccountToken: false, or a dedicated service account"


def _default_account(ctx: CheckContext, asset: Asset, namespace: Any) -> Asset | None:
    for account in ctx.inventory.find_in_account(_SERVICE_ACCOUNT, asset.ref.account,
                                                 "Namespace", namespace):
        if account.properties.get("Name") == "default":
            return account
    return None


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    spec = doc.get("PodSpec")
    spec = spec if isinstance(spec, dict) else {}
    kind, name = doc.get("Kind") or "Workload", doc.get("Name") or asset.name
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    if account != "default":
        return CheckResult.passed(
            f"{kind} {name} runs as its own service account {account}",
            Evidence("PodSpec.serviceAccountName", account, _EXPECTED))
    mount = spec.get("automountServiceAccountToken")
    if mount is False:
        return CheckResult.passed(
            f"{kind} {name} runs as the default service account without its token",
            Evidence("PodSpec.automountServiceAccountToken", False, _EXPECTED))
    if mount is True:
        return CheckResult.failed(
            f"{kind} {name} mounts the default service account's token (set in the pod spec)",
            Evidence("PodSpec.automountServiceAccountToken", True, _EXPECTED))
    namespace = doc.get("Namespace") or "default"
    sa = _default_account(ctx, asset, namespace)
    if sa is not None and sa.properties.get("AutomountServiceAccountToken") is False:
        return CheckResult.passed(
            f"{kind} {name} runs as the default service account of {namespace}, which does "
            "not automount its token",
            Evidence(f"serviceaccount:{namespace}/default.automountServiceAccountToken", False,
                     _EXPECTED))
    where = ("which automounts its token" if sa is not None
             else "whose token the API mounts by default")
    return CheckResult.failed(
        f"{kind} {name} runs as the default service account of {namespace}, {where}",
        Evidence("PodSpec.serviceAccountName", spec.get("serviceAccountName"), _EXPECTED),
        Evidence(f"serviceaccount:{namespace}/default.automountServiceAccountToken",
                 None if sa is None else sa.properties.get("AutomountServiceAccountToken"),
                 "false"))
