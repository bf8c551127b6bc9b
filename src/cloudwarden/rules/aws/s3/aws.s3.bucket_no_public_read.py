"""Public read through the ACL or the policy, unless the effective public access block
neutralizes it (IgnorePublicAcls for ACLs, RestrictPublicBuckets for policies)."""

from __future__ import annotations

from cloudwarden.checks.aws_s3_policy import (
    READ_ACTIONS,
    READ_PERMISSIONS,
    bucket_public_access_check,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return bucket_public_access_check(asset, ctx, READ_PERMISSIONS, READ_ACTIONS, "read access")
