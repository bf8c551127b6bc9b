"""Each image's registry against the `allowed_registries` parameter; with the list empty,
each image must at least name its registry host (no implicit Docker Hub, no search order)."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem, parse_image, registry_allowed
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _names_registry(image: str) -> bool:
    first, slash, _ = image.strip().partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")


def _parameters(ctx: CheckContext) -> tuple[list[str], str]:
    """The allowed registries and the expected value, read on the first call only."""
    found: tuple[list[str], str] | None = ctx.scratch.get("allowed_registries")
    if found is None:
        allowed = [str(r) for r in ctx.params.get("allowed_registries") or () if str(r).strip()]
        found = ctx.scratch["allowed_registries"] = (
            allowed, f"from {', '.join(allowed)}" if allowed
            else "a registry host named (allowed_registries is empty)")
    return found


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    allowed, expected = _parameters(ctx)
    workload = pod(asset)
    problems: list[Problem] = []
    checked: list[Problem] = []
    for i, container in workload.containers:
        image = container.get("image")
        path = f"Containers[{i}].image"
        if not isinstance(image, str) or not image.strip():
            problems.append(Problem(path, image, expected))
            continue
        ok = (registry_allowed(parse_image(image), allowed) if allowed
              else _names_registry(image))
        (checked if ok else problems).append(Problem(path, image, expected))
    return verdict(asset, workload, problems, "image from a registry not allowed", checked,
                   ctx=ctx)
