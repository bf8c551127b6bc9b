"""CIS 4.7: an alarm with a subscriber watches disabling or scheduled deletion of KMS keys."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring_alarms import check_metric_alarm
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return check_metric_alarm(asset, ctx, "cmk_disable_or_deletion")
