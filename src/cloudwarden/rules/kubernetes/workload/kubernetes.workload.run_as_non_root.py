"""runAsNonRoot with the standard's precedence: a container may leave it unset when the pod
sets it to true; the container's own value overrides; the pod may not set it to false."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import as_mapping, pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem, container_path, pod_path
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems: list[Problem] = []
    pod_value = workload.security_context.get("runAsNonRoot")
    if pod_value is False:
        problems.append(Problem(pod_path("runAsNonRoot"), False, "true or unset"))
    for i, container in workload.containers:
        # the container's own value, else the pod's (a pod-level false is reported above)
        value = as_mapping(container.get("securityContext")).get("runAsNonRoot")
        if value is True or (value is None and pod_value is not None):
            continue
        problems.append(Problem(container_path(i, "runAsNonRoot"), value,
                                "true (on the container or the pod)"))
    return verdict(asset, workload, problems, "container allowed to run as root", ctx=ctx)
