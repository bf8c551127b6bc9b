"""hostPath volumes naming a runtime socket or a sensitive node directory (or a parent)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    sensitive_host_path,
    verdict,
    volumes,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _problems(asset: Asset) -> Iterator[Problem]:
    for i, volume in volumes(asset):
        host = volume.get("hostPath")
        path = host.get("path") if isinstance(host, Mapping) else None
        if not isinstance(path, str):
            continue
        why = sensitive_host_path(path)
        if why is not None:
            yield Problem(f"PodSpec.volumes[{i}].hostPath.path", path, f"not sensitive ({why})")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return verdict(asset, _problems(asset), "sensitive host path mounted", ctx=ctx)
