"""Each image's registry against the `allowed_registries` parameter; with the list empty,
each image must at least name its registry host (no implicit Docker Hub, no search order)."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_workload import (
    Problem,
    containers,
    parse_image,
    registry_allowed,
    verdict,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def _names_registry(image: str) -> bool:
    first, slash, _ = image.strip().partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    allowed = [str(r) for r in ctx.params.get("allowed_registries") or () if str(r).strip()]
    expected = (f"from {', '.join(allowed)}" if allowed
                else "a registry host named (allowed_registries is empty)")
    problems: list[Problem] = []
    checked: list[Problem] = []
    for i, container in containers(asset):
        image = container.get("image")
        path = f"Containers[{i}].image"
        if not isinstance(image, str) or not image.strip():
            problems.append(Problem(path, image, expected))
            continue
        ok = (registry_allowed(parse_image(image), allowed) if allowed
              else _names_registry(image))
        (checked if ok else problems).append(Problem(path, image, expected))
    return verdict(asset, problems, "image from a registry not allowed", checked, ctx=ctx)
