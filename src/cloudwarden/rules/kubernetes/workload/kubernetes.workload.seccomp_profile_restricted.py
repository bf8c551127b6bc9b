"""The seccomp profile with the standard's precedence: a container may leave it unset when
the pod sets an allowed type; the container's own type overrides the pod's."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    container_path,
    containers,
    field_at,
    pod_path,
    pod_security_context,
    security_context,
    verdict,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ALLOWED = frozenset({"RuntimeDefault", "Localhost"})
FIELD = "seccompProfile.type"


def _problems(asset: Asset) -> list[Problem]:
    problems: list[Problem] = []
    pod_type = field_at(pod_security_context(asset), FIELD)
    if pod_type is not None and pod_type not in ALLOWED:
        problems.append(Problem(pod_path(FIELD), pod_type, "RuntimeDefault or Localhost"))
    for i, container in containers(asset):
        # the container's own type, else the pod's (a bad pod-level type is reported above)
        value = field_at(security_context(container), FIELD)
        if (value is None and pod_type is not None) or value in ALLOWED:
            continue
        problems.append(Problem(container_path(i, FIELD), value,
                                "RuntimeDefault or Localhost (on the container or the pod)"))
    return problems


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return verdict(asset, _problems(asset), "container without a restricted seccomp profile",
                   ctx=ctx)
