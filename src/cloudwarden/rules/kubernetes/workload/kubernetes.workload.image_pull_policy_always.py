"""The effective pull policy of each container on a mutable tag (Kubernetes' defaulting:
Always for latest and untagged images, IfNotPresent for other tags)."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem, parse_image
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems: list[Problem] = []
    checked: list[Problem] = []
    for i, container in workload.containers:
        image = container.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        ref = parse_image(image)
        if ref.pinned:
            continue
        policy = container.get("imagePullPolicy")
        if policy is None:
            policy = "Always" if ref.tag in ("", "latest") else "IfNotPresent"
        item = Problem(f"Containers[{i}].imagePullPolicy", policy,
                       f"Always ({image} is not pinned by digest)")
        (checked if policy == "Always" else problems).append(item)
    return verdict(asset, workload, problems,
                   "mutable image tag without imagePullPolicy Always", checked, ctx=ctx)
