"""Host ports of every container (regular, init, ephemeral); 0 and the allowed list pass."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.checks.kubernetes_workload import Problem, containers, verdict
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _host_ports(index: int, container: Mapping[str, Any],
                allowed: frozenset[int]) -> Iterator[Problem]:
    ports = container.get("ports")
    for j, port in enumerate(ports if isinstance(ports, list) else []):
        host = port.get("hostPort") if isinstance(port, Mapping) else None
        if host in (None, 0) or (isinstance(host, int) and host in allowed):
            continue
        yield Problem(f"Containers[{index}].ports[{j}].hostPort", host,
                      "unset or 0" + (f" or one of {sorted(allowed)}" if allowed else ""))


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    allowed = frozenset(p for p in ctx.params.get("allowed_host_ports") or ()
                        if isinstance(p, int))
    problems = [p for i, c in containers(asset) for p in _host_ports(i, c, allowed)]
    return verdict(asset, problems, "host port bound", ctx=ctx)
