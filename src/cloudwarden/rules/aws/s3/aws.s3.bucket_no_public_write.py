"""Public write through the ACL or the policy, unless the effective public access block
neutralizes it (IgnorePublicAcls for ACLs, RestrictPublicBuckets for policies)."""

from __future__ import annotations

from cloudwarden.checks.aws_s3_policy import (
    WRITE_ACTIONS,
    WRITE_PERMISSIONS,
    bucket_public_access_check,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return bucket_public_access_check(asset, ctx, WRITE_PERMISSIONS, WRITE_ACTIONS,
                                      "write access")
