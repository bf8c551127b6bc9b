"""The fifteen CIS alarm rules' check, with an account's trail gaps read once for them all.

`aws_monitoring.check_metric_alarm` shares the walk over an account's qualifying trails
between the fifteen rules the engine runs on one account in a row (`_trails_and_groups`); but
when no trail qualifies, each rule describes every trail of the account again to say why. Here that
description is made once per account and shared (each finding gets its own copy of the
list); the other outcomes are `aws_monitoring.check_metric_alarm`'s own. The results are the
same (tests/checks/test_aws_monitoring_alarms.py compares them).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

# _trails_and_groups: the walk check_metric_alarm starts with, memoized there for the account;
# whether a trail qualifies is read from it, not again
from cloudwarden.checks import aws_monitoring
from cloudwarden.checks.aws_monitoring import (
    METRIC_CONTROLS,
    TRAIL,
    _trails_and_groups,
    trail_gaps,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

__all__ = ["check_metric_alarm"]

_STEP = Evidence("monitoring.failed_step", "trail",
                 "a multi-region, logging trail with all management events that delivers to "
                 "CloudWatch Logs")


class _NoTrail(NamedTuple):
    """Why no trail of the account can feed the alarms: one line per trail."""

    gaps: list[str]
    suffix: str  # the lines as the message ends


#: the last account read: its document and trails (by identity, with strong references), the
#: inventory asked (weakly: the memo must not keep a scan alive) and the reading. The engine
#: runs the fifteen rules of one account in a row; documents and inventory are read-only
#: during an assessment, and a miss only reads again.
_last: tuple[Any, Sequence[Asset], weakref.ref[Any], _NoTrail] | None = None


def _no_trail(account: Asset, ctx: CheckContext) -> _NoTrail:
    global _last
    doc, inventory = account.properties, ctx.inventory
    trails = ctx.same_account(account, TRAIL)
    last = _last
    if last is not None and last[0] is doc and last[1] is trails and last[2]() is inventory:
        return last[3]
    gaps = [f"{t.properties.get('Name')}: {', '.join(trail_gaps(t.properties))}"
            for t in trails]
    reading = _NoTrail(gaps, f" ({'; '.join(gaps)})" if gaps else " (no trails)")
    try:
        _last = (doc, trails, weakref.ref(inventory), reading)
    except TypeError:  # an inventory type without weak references: no memo
        _last = None
    return reading


def check_metric_alarm(account: Asset, ctx: CheckContext, key: str) -> CheckResult:
    """`aws_monitoring.check_metric_alarm`, the no-trail failure read once per account."""
    control = METRIC_CONTROLS[key]
    if _trails_and_groups(account, ctx)[0]:
        return aws_monitoring.check_metric_alarm(account, ctx, key)
    reading = _no_trail(account, ctx)
    return CheckResult.failed(
        "no multi-region, logging trail with all management events delivers to CloudWatch "
        "Logs, so nothing can alert on " + control.summary + reading.suffix,
        _STEP, Evidence("aws.cloudtrail.trail", list(reading.gaps),
                        "CloudWatchLogsLogGroupArn set"))
