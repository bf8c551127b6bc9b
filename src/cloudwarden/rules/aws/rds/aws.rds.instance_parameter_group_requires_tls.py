"""Cross-resource: an RDS instance refuses clear-text connections when the DB parameter group
it uses forces TLS. The join and the per-engine parameters live in `cloudwarden.checks.aws_rds`."""

from __future__ import annotations

from cloudwarden.checks.aws_rds import instance_requires_tls
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return instance_requires_tls(asset, ctx)
