"""The CloudWatch Logs group a trail delivers to is encrypted with a KMS key."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import trail_log_group
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    group = trail_log_group(asset, ctx)
    if isinstance(group, CheckResult):
        return group
    name = group.properties.get("logGroupName")
    key = group.properties.get("kmsKeyId")
    evidence = Evidence(f"log_group:{name}.kmsKeyId", key, "a KMS key ARN")
    if key:
        return CheckResult.passed(f"log group {name} is encrypted with {key}", evidence)
    return CheckResult.failed(
        f"log group {name} of trail {asset.properties.get('Name')} is not encrypted with a KMS key",
        evidence)
