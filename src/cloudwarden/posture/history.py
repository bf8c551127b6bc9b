"""Score history: every scan records its secure score, so a trend can be shown.

`record_score` computes and stores a scan's score (total, per control, per account with the
account's own controls); `trend` and `sparkline` are pure helpers for the CLI and the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cloudwarden.core.controls import CONTROLS, SecurityControl
from cloudwarden.core.model import Finding
from cloudwarden.posture.score import Rules, SecureScore, rule_index, secure_score

if TYPE_CHECKING:
    from cloudwarden.store import ScorePoint, Store

__all__ = ["record_score", "sparkline", "trend"]

_BLOCKS = "▁▂▃▄▅▆▇█"


def record_score(
    store: Store,
    scan_id: str,
    findings: Iterable[Finding],
    rules: Rules,
    now: datetime,
    *,
    controls: Iterable[SecurityControl] = CONTROLS,
) -> SecureScore:
    """Compute the secure score of a scan's findings and save it in the store's history.

    Pass the findings after `apply_exemptions`, as the score is shown. Each account's own
    score is saved too (its points, resource counts and controls), so an account's trend is
    as detailed as the total's. Returns the total score."""
    found = list(findings)
    index = rule_index(rules)
    controls = tuple(controls)
    by_account: dict[str, list[Finding]] = defaultdict(list)
    for finding in found:
        by_account[finding.asset.account].append(finding)
    total = secure_score(found, index, controls=controls)
    # Only the accounts the total reports: one with nothing assessed has no score to keep.
    accounts = {account: secure_score(by_account[account], index, controls=controls)
                for account in total.accounts}
    store.save_score(scan_id, total, now, accounts=accounts)
    return total


def trend(points: Iterable[ScorePoint]) -> list[tuple[datetime, float]]:
    """(when, percentage) pairs, oldest first."""
    return sorted(((p.recorded_at, p.percentage) for p in points), key=lambda pair: pair[0])


def sparkline(values: Sequence[float], *, low: float | None = None,
              high: float | None = None) -> str:
    """One block character per value, scaled between `low` and `high` (default: the values'
    own minimum and maximum; pass 0 and 100 for percentages). A flat series is drawn at the
    bottom; values outside the range are clamped."""
    if not values:
        return ""
    bottom = min(values) if low is None else low
    top = max(values) if high is None else high
    span = top - bottom
    if span <= 0:
        return _BLOCKS[0] * len(values)
    last = len(_BLOCKS) - 1
    out = []
    for value in values:
        ratio = min(max((value - bottom) / span, 0.0), 1.0)
        out.append(_BLOCKS[round(ratio * last)])
    return "".join(out)
