"""Cross-resource: an RDS for PostgreSQL instance forces TLS through rds.force_ssl in its DB
parameter group (shared with aws.rds.instance_parameter_group_requires_tls)."""

from __future__ import annotations

from cloudwarden.checks.aws_rds import instance_requires_tls
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return instance_requires_tls(asset, ctx)
