"""CIS 3.9: a multi-region, logging trail records S3 object-level read events for all buckets."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import check_s3_object_events
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return check_s3_object_events(asset, ctx, "read")
