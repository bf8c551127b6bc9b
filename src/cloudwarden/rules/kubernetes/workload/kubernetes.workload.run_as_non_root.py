"""runAsNonRoot with the standard's precedence: a container may leave it unset when the pod
sets it to true; the container's own value overrides; the pod may not set it to false."""

from __future__ import annotations

from collections.abc import Iterator

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    container_path,
    containers,
    effective,
    pod_path,
    pod_security_context,
    verdict,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _problems(asset: Asset) -> Iterator[Problem]:
    if pod_security_context(asset).get("runAsNonRoot") is False:
        yield Problem(pod_path("runAsNonRoot"), False, "true or unset")
    for i, container in containers(asset):
        value, where = effective(asset, container, "runAsNonRoot")
        if value is True or where == "pod":  # a pod-level false is reported once, above
            continue
        yield Problem(container_path(i, "runAsNonRoot"), value,
                      "true (on the container or the pod)")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return verdict(asset, _problems(asset), "container allowed to run as root", ctx=ctx)
