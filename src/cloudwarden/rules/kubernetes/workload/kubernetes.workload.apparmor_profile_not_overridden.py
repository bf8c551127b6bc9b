"""AppArmor at both levels: the `appArmorProfile` fields and the legacy annotations."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import nested, pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem, pod_annotations
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
ALLOWED_TYPES = frozenset({"RuntimeDefault", "Localhost"})
EXPECTED = "unset, RuntimeDefault or Localhost"


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems: list[Problem] = []
    pod_type = nested(workload.security_context, "appArmorProfile", "type")
    if pod_type is not None and pod_type not in ALLOWED_TYPES:
        problems.append(Problem("PodSpec.securityContext.appArmorProfile.type", pod_type,
                                EXPECTED))
    for i, container in workload.containers:
        own = nested(container.get("securityContext") or {}, "appArmorProfile", "type")
        if own is not None and own not in ALLOWED_TYPES:
            problems.append(Problem(f"Containers[{i}].securityContext.appArmorProfile.type", own,
                                    EXPECTED))
    for key, value in pod_annotations(asset).items():
        if not str(key).startswith(ANNOTATION_PREFIX):
            continue
        text = str(value)
        if text != "runtime/default" and not text.startswith("localhost/"):
            field = "PodAnnotations" if asset.properties.get("PodAnnotations") else "Annotations"
            problems.append(Problem(f"{field}.{key}", text,
                                    "runtime/default or localhost/<profile>"))
    return verdict(asset, workload, problems, "AppArmor profile disabled or overridden", ctx=ctx)
