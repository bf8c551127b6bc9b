"""A detection run's outcome does not depend on when the collector is frozen: frozen from the
first event and through fusion, every few events, or not at all (someone else's freeze) gives
the same alerts and incidents, and the run leaves the collector as it found it."""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from cloudwarden.service import detect

ACTIONS = [("StopLogging", "cloudtrail"), ("ConsoleLogin", "signin"),
           ("CreateAccessKey", "iam"), ("DeleteBucket", "s3"), ("GetObject", "s3"),
           ("AuthorizeSecurityGroupIngress", "ec2"), ("DescribeInstances", "ec2")]


def _trail(path: Path, count: int) -> Path:
    rng = random.Random(31)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    records = []
    for i in range(count):
        when += timedelta(seconds=rng.choice([1, 20, 300]))
        name, service = rng.choice(ACTIONS)
        user = f"user{rng.randrange(4)}"
        params: dict[str, object] = {"userName": rng.choice([user, "other"])}
        if name == "AuthorizeSecurityGroupIngress":
            params = {"groupId": "sg-1", "cidrIp": rng.choice(["0.0.0.0/0", "10.0.0.0/8"])}
        records.append({
            "eventVersion": "1.08", "eventName": name, "eventSource": f"{service}.amazonaws.com",
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventID": f"e{i}",
            "sourceIPAddress": f"203.0.113.{rng.randrange(3)}",
            "userIdentity": {"type": rng.choice(["IAMUser", "Root"]), "userName": user,
                             "arn": f"arn:aws:iam::1:user/{user}"},
            "requestParameters": params,
        })
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    return path


def test_outcome_is_the_same_however_the_collector_is_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trail = _trail(tmp_path / "t.jsonl", 400)
    plain = detect.run_detection([trail], anomalies=False)
    assert plain.incidents and any(a.count > 1 for a in plain.alerts)  # merges and incidents
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(detect, "_FREEZE_EVERY", 1)  # a freeze every other event
    often = detect.run_detection([trail], anomalies=False)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # someone else's freeze: the run freezes nothing itself
    try:
        theirs = detect.run_detection([trail], anomalies=False)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    for outcome in (often, theirs):
        assert outcome.alerts == plain.alerts
        assert outcome.incidents == plain.incidents
        assert outcome.events == plain.events == 400
