"""Secret-like environment variable names with a literal value (the value is not shown)."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_workload import Problem, containers, secret_like_env, verdict
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    problems = [Problem(f"Containers[{i}].env[{j}].value", f"{name}=<redacted>",
                        "valueFrom.secretKeyRef")
                for i, container in containers(asset)
                for j, name in secret_like_env(container)]
    return verdict(asset, problems, "secret in a literal environment value", ctx=ctx)
