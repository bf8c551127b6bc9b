"""Score history: recording a scan's score, the trend, the sparkline.

The store itself runs on SQLite and PostgreSQL in tests/store; here a SQLite file is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from posture_builders import FAIL, PASS, finding, ref, rule

from cloudwarden.core.controls import SecurityControl
from cloudwarden.core.model import Finding
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.posture.exemptions import Exemption, apply_exemptions
from cloudwarden.posture.history import record_score, sparkline, trend
from cloudwarden.posture.score import secure_score
from cloudwarden.store import ScorePoint, Store

T0 = datetime(2024, 6, 1, tzinfo=UTC)
A1, A2 = "111111111111", "222222222222"
CONTROLS = (SecurityControl("six", "Six points", 6), SecurityControl("four", "Four", 4))
RULES = [rule("r.six", "six"), rule("r.four", "four"), rule("r.new", "six", preview=True)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'cw.db'}") as opened:
        yield opened


def scan(store: Store) -> str:
    scan_id = store.begin_scan("aws", {})
    store.save_results(scan_id, Inventory(), [])
    store.finish_scan(scan_id)
    return scan_id


def findings(fixed: int) -> list[Finding]:
    """A1: four resources, `fixed` of them pass r.six, all pass r.four. A2: one failing."""
    out = []
    for i in range(4):
        out.append(finding("r.six", ref(f"a{i}", A1), PASS if i < fixed else FAIL))
        out.append(finding("r.four", ref(f"a{i}", A1), PASS))
    out.append(finding("r.six", ref("b", A2), FAIL))
    out.append(finding("r.new", ref("b", A2), FAIL))  # preview: not counted
    return out


def test_record_score_saves_total_controls_and_accounts(store: Store) -> None:
    scan_id = scan(store)
    found = findings(2)
    score = record_score(store, scan_id, found, RULES, T0, controls=CONTROLS)
    assert score == secure_score(found, RULES, controls=CONTROLS)

    (total,) = store.score_history()
    assert (total.scan_id, total.recorded_at, total.percentage) == (scan_id, T0,
                                                                    score.percentage)
    (six,) = store.score_history(control_id="six")
    assert (six.healthy, six.unhealthy, six.max_score, six.percentage) == (2, 3, 6, 40.0)
    (a1,) = store.score_history(account=A1)
    assert a1.percentage == score.accounts[A1] == 70.0
    assert (a1.current, a1.max_score, a1.healthy, a1.unhealthy) == (7.0, 10, 6, 2)
    (a1_six,) = store.score_history(account=A1, control_id="six")
    assert (a1_six.healthy, a1_six.unhealthy, a1_six.percentage) == (2, 2, 50.0)
    (a2,) = store.score_history(account=A2)
    assert (a2.percentage, a2.healthy, a2.unhealthy) == (0.0, 0, 1)
    assert store.score_history(account=A2, control_id="four") == []


def test_history_of_several_scans_is_oldest_first_and_feeds_the_trend(store: Store) -> None:
    for day, fixed in enumerate((0, 1, 4)):
        record_score(store, scan(store), findings(fixed), RULES, T0 + timedelta(days=day),
                     controls=CONTROLS)
    points = store.score_history()
    assert trend(points) == [(T0, 40.0), (T0 + timedelta(days=1), 52.0),
                             (T0 + timedelta(days=2), 88.0)]
    assert trend(reversed(points)) == trend(points)
    assert [v for _, v in trend(store.score_history(account=A1))] == [40.0, 55.0, 100.0]
    assert sparkline([v for _, v in trend(points)], low=0, high=100) == "▄▅▇"


def test_exempted_findings_are_recorded_as_shown(store: Store) -> None:
    found = findings(0)
    waiver = Exemption.new(scope="account", account=A2, category="waiver", reason="sandbox",
                           author="alice", created_at=T0)
    before = record_score(store, scan(store), found, RULES, T0, controls=CONTROLS)
    after = record_score(store, scan(store), apply_exemptions(found, [waiver], T0), RULES,
                         T0 + timedelta(days=1), controls=CONTROLS)
    assert A2 not in after.accounts
    assert [p.percentage for p in store.score_history()] == [before.percentage, 40.0]
    assert len(store.score_history(account=A2)) == 1


def point(day: int, percentage: float) -> ScorePoint:
    return ScorePoint(scan_id=f"s{day}", recorded_at=T0 + timedelta(days=day),
                      percentage=percentage, current=None, max_score=None, healthy=None,
                      unhealthy=None)


def test_trend_orders_by_time() -> None:
    assert trend([point(2, 30.0), point(0, 10.0), point(1, 20.0)]) == [
        (T0, 10.0), (T0 + timedelta(days=1), 20.0), (T0 + timedelta(days=2), 30.0)]
    assert trend([]) == []


@pytest.mark.parametrize(("values", "kwargs", "expected"), [
    ([], {}, ""),
    ([5.0], {}, "▁"),
    ([3.0, 3.0, 3.0], {}, "▁▁▁"),
    ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], {}, "▁▂▃▄▅▆▇█"),
    ([10.0, 20.0], {}, "▁█"),
    ([0.0, 50.0, 100.0], {"low": 0, "high": 100}, "▁▅█"),
    ([50.0, 50.0], {"low": 0, "high": 100}, "▅▅"),
    ([-5.0, 120.0], {"low": 0, "high": 100}, "▁█"),  # clamped
])
def test_sparkline(values: list[float], kwargs: dict[str, float], expected: str) -> None:
    assert sparkline(values, **kwargs) == expected
