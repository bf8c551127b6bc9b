"""Statements of a backup vault policy open to any principal, unrestricted by conditions."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import resource_policy_check
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    result: CheckResult = resource_policy_check(
        asset, policy_field="AccessPolicy", name_field="BackupVaultName", what="backup vault")
    return result
