"""Secret-like environment variable names with a literal value (the value is not shown)."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import pod, remembered, verdict
from cloudwarden.checks.kubernetes_workload import Problem, secret_like_env
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    workload = pod(asset)
    problems = [Problem(f"Containers[{i}].env[{j}].value", f"{name}=<redacted>",
                        "valueFrom.secretKeyRef")
                for i, container in workload.containers if container.get("env")
                for j, name in secret_like_env(container)]
    return verdict(asset, workload, problems, "secret in a literal environment value", ctx=ctx)
