"""`latest` or no tag fails; a digest passes whatever the tag."""

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
        path = f"Containers[{i}].image"
        if not isinstance(image, str) or not image.strip():
            problems.append(Problem(path, image, "an image with a version tag or digest"))
            continue
        ref = parse_image(image)
        if not ref.pinned and ref.tag in ("", "latest"):
            problems.append(Problem(path, image, "a version tag (not latest) or a digest"))
        else:
            checked.append(Problem(path, image, "a version tag (not latest) or a digest"))
    return verdict(asset, workload, problems, "image on latest or without a tag", checked,
                   ctx=ctx)
