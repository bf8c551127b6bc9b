"""CIS 4.13: an alarm with a subscriber watches route table changes."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring_alarms import check_metric_alarm
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return check_metric_alarm(asset, ctx, "route_table_changes")
