"""run_detection freezes what a long run keeps out of the collector's full walks, and leaves
the collector as it found it."""

from __future__ import annotations

import gc
from pathlib import Path

import orjson
import pytest

from cloudwarden.service import detect


def _trail(path: Path, count: int) -> Path:
    records = [{"eventVersion": "1.08", "eventName": "StopLogging",
                "eventSource": "cloudtrail.amazonaws.com",
                "eventTime": f"2026-01-01T00:00:{i % 60:02d}Z", "sourceIPAddress": f"10.0.0.{i}",
                "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/u"}}
               for i in range(count)]
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    return path


def test_freezes_during_the_run_and_unfreezes_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detect, "_FREEZE_EVERY", 1)  # a freeze every other event
    trail = _trail(tmp_path / "t.jsonl", 20)
    assert gc.get_freeze_count() == 0
    plain = detect.run_detection([trail], anomalies=False)
    assert gc.get_freeze_count() == 0
    assert plain.events == 20 and plain.alerts  # read as CloudTrail, and alerting
    monkeypatch.setattr(detect, "_FREEZE_EVERY", (1 << 16) - 1)
    assert [a.id for a in detect.run_detection([trail], anomalies=False).alerts] == [
        a.id for a in plain.alerts
    ]


def test_leaves_a_freeze_of_someone_else_alone(tmp_path: Path) -> None:
    trail = _trail(tmp_path / "t.jsonl", 5)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert detect.run_detection([trail], anomalies=False).events == 5
        # neither unfrozen (0) nor frozen further (more); a frozen object that dies during the
        # run (another test's garbage) leaves the count, so it may only shrink
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_a_followed_run_never_freezes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Following runs for days: cyclic garbage frozen with the rest would stay until it ends."""
    import threading

    monkeypatch.setattr(detect, "_FREEZE_EVERY", 1)  # would freeze at every other event
    trail = _trail(tmp_path / "t.jsonl", 20)
    stop, alerted = threading.Event(), threading.Event()
    counts: list[int] = []

    def on_alert(_alert: object) -> None:
        counts.append(gc.get_freeze_count())
        alerted.set()

    outcome: list[detect.DetectOutcome] = []
    runner = threading.Thread(target=lambda: outcome.append(detect.run_detection(
        [trail], anomalies=False, follow=stop, on_alert=on_alert)))
    runner.start()
    try:
        assert alerted.wait(30), "no alert within 30 s"
    finally:
        stop.set()
        runner.join(30)
    assert outcome and outcome[0].events == 20 and outcome[0].alerts
    assert counts and set(counts) == {0}
    assert gc.get_freeze_count() == 0
