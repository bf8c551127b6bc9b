"""SELinux options at the pod and at every container level, each judged on its own."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    containers,
    pod_security_context,
    verdict,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ALLOWED_TYPES = frozenset({"container_t", "container_init_t", "container_kvm_t",
                           "container_engine_t"})


def _judge(options: Any, where: str) -> Iterator[Problem]:
    if not isinstance(options, Mapping):
        return
    kind = options.get("type")
    if kind not in (None, "") and kind not in ALLOWED_TYPES:
        yield Problem(f"{where}.type", kind, f"unset or one of {sorted(ALLOWED_TYPES)}")
    for key in ("user", "role"):
        if options.get(key) not in (None, ""):
            yield Problem(f"{where}.{key}", options.get(key), "unset")


def _problems(asset: Asset) -> Iterator[Problem]:
    yield from _judge(pod_security_context(asset).get("seLinuxOptions"),
                      "PodSpec.securityContext.seLinuxOptions")
    for i, container in containers(asset):
        context = container.get("securityContext")
        if isinstance(context, Mapping):
            yield from _judge(context.get("seLinuxOptions"),
                              f"Containers[{i}].securityContext.seLinuxOptions")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return verdict(asset, _problems(asset), "custom SELinux options", ctx=ctx)
