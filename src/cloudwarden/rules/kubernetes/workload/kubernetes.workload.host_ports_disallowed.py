"""Host ports of every container (regular, init, ephemeral); 0 and the allowed list pass."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _allowed(ctx: CheckContext) -> tuple[frozenset[int], str]:
    """The allowed host ports and the expected value, read on the first call only."""
    found: tuple[frozenset[int], str] | None = ctx.scratch.get("allowed_host_ports")
    if found is None:
        allowed = frozenset(p for p in ctx.params.get("allowed_host_ports") or ()
                            if isinstance(p, int))
        found = ctx.scratch["allowed_host_ports"] = (
            allowed, "unset or 0" + (f" or one of {sorted(allowed)}" if allowed else ""))
    return found


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    allowed, expected = _allowed(ctx)
    workload = pod(asset)
    problems: list[Problem] = []
    for index, container in workload.containers:
        ports = container.get("ports")
        if not ports or not isinstance(ports, list):
            continue
        for j, port in enumerate(ports):
            host = port.get("hostPort") if isinstance(port, Mapping) else None
            if host in (None, 0) or (isinstance(host, int) and host in allowed):
                continue
            problems.append(Problem(f"Containers[{index}].ports[{j}].hostPort", host, expected))
    return verdict(asset, workload, problems, "host port bound", ctx=ctx)
