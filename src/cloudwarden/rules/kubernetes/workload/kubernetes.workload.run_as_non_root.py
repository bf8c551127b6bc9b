"""runAsNonRoot with the standard's precedence: a container may leave it unset when the pod
sets it to true; the container's own value overrides; the pod may not set it to false."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    container_path,
    containers,
    pod_path,
    pod_security_context,
    security_context,
    verdict,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _problems(asset: Asset) -> list[Problem]:
    problems: list[Problem] = []
    pod = pod_security_context(asset).get("runAsNonRoot")
    if pod is False:
        problems.append(Problem(pod_path("runAsNonRoot"), False, "true or unset"))
    for i, container in containers(asset):
        # the container's own value, else the pod's (a pod-level false is reported above)
        value = security_context(container).get("runAsNonRoot")
        if value is True or (value is None and pod is not None):
            continue
        problems.append(Problem(container_path(i, "runAsNonRoot"), value,
                                "true (on the container or the pod)"))
    return problems


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return verdict(asset, _problems(asset), "container allowed to run as root", ctx=ctx)
