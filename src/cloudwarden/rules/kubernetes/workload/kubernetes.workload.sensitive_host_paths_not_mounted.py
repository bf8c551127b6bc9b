"""hostPath volumes naming a runtime socket or a sensitive node directory (or a parent)."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict, volumes
from cloudwarden.checks.kubernetes_workload import Problem, sensitive_host_path
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems: list[Problem] = []
    for i, volume in volumes(workload):
        host = volume.get("hostPath")
        path = host.get("path") if isinstance(host, Mapping) else None
        if not isinstance(path, str):
            continue
        why = sensitive_host_path(path)
        if why is not None:
            problems.append(Problem(f"PodSpec.volumes[{i}].hostPath.path", path,
                                    f"not sensitive ({why})"))
    return verdict(asset, workload, problems, "sensitive host path mounted", ctx=ctx)
