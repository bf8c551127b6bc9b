"""The token is mounted unless the pod, or (when the pod leaves it unset) its service account,
disables it. The pod's own value overrides the service account's, as the kubelet does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.checks.kubernetes_pod import as_mapping
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

SERVICE_ACCOUNT = "kubernetes.service_account"


def _spec(asset: Asset) -> Mapping[str, Any]:
    """The pod spec, as `kubernetes_pod.pod(asset).spec` reads it, without reading the
    containers (this rule needs none)."""
    return as_mapping(asset.properties.get("PodSpec"))


def service_account_name(asset: Asset) -> str:
    spec = _spec(asset)
    name = spec.get("serviceAccountName") or spec.get("serviceAccount")
    return name if isinstance(name, str) and name else "default"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    kind = asset.properties.get("Kind")
    own = _spec(asset).get("automountServiceAccountToken")
    path = "PodSpec.automountServiceAccountToken"
    if own is False:
        return CheckResult.passed(f"{kind} {asset.name} does not mount a service account token",
                                  Evidence(path, False, "false"))
    if own is True:
        return CheckResult.failed(f"{kind} {asset.name} mounts its service account token",
                                  Evidence(path, True, "false"))
    name = service_account_name(asset)
    namespace = asset.properties.get("Namespace")
    accounts = [a for a in ctx.inventory.find_in_account(SERVICE_ACCOUNT, asset.ref.account,
                                                         "Name", name)
                if a.properties.get("Namespace") == namespace]
    if any(a.properties.get("AutomountServiceAccountToken") is False for a in accounts):
        return CheckResult.passed(
            f"{kind} {asset.name}: service account {name} disables token automounting",
            Evidence(path, None, "false, or unset with the service account's false"),
            Evidence(f"ServiceAccount {namespace}/{name}.automountServiceAccountToken", False,
                     "false"))
    found = "sets no false" if accounts else "is not in the scan"
    return CheckResult.failed(
        f"{kind} {asset.name} mounts the token of service account {name} (unset on the pod; "
        f"the service account {found})",
        Evidence(path, None, "false, or unset with the service account's false"))
