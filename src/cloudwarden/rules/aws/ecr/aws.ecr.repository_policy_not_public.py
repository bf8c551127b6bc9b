"""A repository policy statement open to any principal that no condition restricts."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import resource_policy_check
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    result: CheckResult = resource_policy_check(
        asset, policy_field="Policy", name_field="repositoryName", what="repository",
        passed="grants nothing to the public")
    return result
