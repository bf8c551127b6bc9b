"""The seccomp profile with the standard's precedence: a container may leave it unset when
the pod sets an allowed type; the container's own type overrides the pod's."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import nested, pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem, container_path, pod_path
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ALLOWED = frozenset({"RuntimeDefault", "Localhost"})
FIELD = "seccompProfile.type"


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems: list[Problem] = []
    pod_type = nested(workload.security_context, "seccompProfile", "type")
    if pod_type is not None and pod_type not in ALLOWED:
        problems.append(Problem(pod_path(FIELD), pod_type, "RuntimeDefault or Localhost"))
    for i, container in workload.containers:
        # the container's own type, else the pod's (a bad pod-level type is reported above)
        value = nested(container.get("securityContext"), "seccompProfile", "type")
        if (value is None and pod_type is not None) or value in ALLOWED:
            continue
        problems.append(Problem(container_path(i, FIELD), value,
                                "RuntimeDefault or Localhost (on the container or the pod)"))
    return verdict(asset, workload, problems, "container without a restricted seccomp profile",
                   ctx=ctx)
