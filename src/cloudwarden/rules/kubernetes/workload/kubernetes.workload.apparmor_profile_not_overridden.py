"""AppArmor at both levels: the `appArmorProfile` fields and the legacy annotations."""

from __future__ import annotations

from collections.abc import Iterator

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    containers,
    field_at,
    pod_annotations,
    pod_security_context,
    verdict,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
ALLOWED_TYPES = frozenset({"RuntimeDefault", "Localhost"})
EXPECTED = "unset, RuntimeDefault or Localhost"


def _problems(asset: Asset) -> Iterator[Problem]:
    pod_type = field_at(pod_security_context(asset), "appArmorProfile.type")
    if pod_type is not None and pod_type not in ALLOWED_TYPES:
        yield Problem("PodSpec.securityContext.appArmorProfile.type", pod_type, EXPECTED)
    for i, container in containers(asset):
        own = field_at(container.get("securityContext") or {}, "appArmorProfile.type")
        if own is not None and own not in ALLOWED_TYPES:
            yield Problem(f"Containers[{i}].securityContext.appArmorProfile.type", own,
                          EXPECTED)
    for key, value in pod_annotations(asset).items():
        if not str(key).startswith(ANNOTATION_PREFIX):
            continue
        text = str(value)
        if text != "runtime/default" and not text.startswith("localhost/"):
            field = "PodAnnotations" if asset.properties.get("PodAnnotations") else "Annotations"
            yield Problem(f"{field}.{key}", text, "runtime/default or localhost/<profile>")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return verdict(asset, _problems(asset), "AppArmor profile disabled or overridden", ctx=ctx)
