"""Each volume's source must be one of the restricted profile's core types."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict, volumes
from cloudwarden.checks.kubernetes_workload import Problem
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ALLOWED = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                     "persistentVolumeClaim", "projected", "secret"})
_EXPECTED = f"one of {', '.join(sorted(ALLOWED))}"


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems = [
        Problem(f"PodSpec.volumes[{i}].{source}", volume.get("name"), _EXPECTED)
        for i, volume in volumes(workload)
        for source in volume
        if source != "name" and source not in ALLOWED and volume.get(source) is not None
    ]
    return verdict(asset, workload, problems, "volume of a non-core type", ctx=ctx)
