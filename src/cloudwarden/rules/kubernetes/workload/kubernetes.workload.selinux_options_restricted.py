"""SELinux options at the pod and at every container level, each judged on its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ALLOWED_TYPES = frozenset({"container_t", "container_init_t", "container_kvm_t",
                           "container_engine_t"})
_EXPECTED_TYPE = f"unset or one of {sorted(ALLOWED_TYPES)}"


def _judge(options: Any, where: str, problems: list[Problem]) -> None:
    if not isinstance(options, Mapping):
        return
    kind = options.get("type")
    if kind not in (None, "") and kind not in ALLOWED_TYPES:
        problems.append(Problem(f"{where}.type", kind, _EXPECTED_TYPE))
    for key in ("user", "role"):
        if options.get(key) not in (None, ""):
            problems.append(Problem(f"{where}.{key}", options.get(key), "unset"))


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems: list[Problem] = []
    options = workload.security_context.get("seLinuxOptions")
    if options is not None:
        _judge(options, "PodSpec.securityContext.seLinuxOptions", problems)
    for i, container in workload.containers:
        context = container.get("securityContext")
        if context is not None and isinstance(context, Mapping):
            options = context.get("seLinuxOptions")
            if options is not None:
                _judge(options, f"Containers[{i}].securityContext.seLinuxOptions", problems)
    return verdict(asset, workload, problems, "custom SELinux options", ctx=ctx)
