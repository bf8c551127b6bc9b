"""Anomaly detections on a fixed clock: learning window, each anomaly, dedupe, persistence."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cloudwarden.core.events import Alert, EntityKind, Event
from cloudwarden.detect.anomaly import (
    ANOMALY_TYPES,
    AnomalyConfig,
    AnomalyDetector,
    Baseline,
    source_network,
)
from cloudwarden.detect.stateful import Detector

T0 = datetime(2025, 6, 1, 0, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
CONFIG = AnomalyConfig(learning=7 * DAY, dormant_after=30 * DAY, min_history=24, min_volume=20)
#: volume tests: a short learning window so the 24-hour baseline decides
VOLUME = AnomalyConfig(learning=HOUR, min_history=24, min_volume=20)


def event(
    when: datetime, action: str = "DescribeInstances", ip: str = "198.51.100.10",
    actor: str = "alice",
) -> Event:  # fmt: skip
    return Event(time=when, source="aws.cloudtrail", action=action, actor=actor, source_ip=ip)


def run(detector: AnomalyDetector, events: list[Event]) -> list[Alert]:
    return [alert for e in events for alert in detector.observe(e)]


def types(alerts: list[Alert]) -> list[str]:
    return [a.type for a in alerts]


def learned() -> AnomalyDetector:
    """alice, used daily for 8 days from one network, two actions."""
    detector = AnomalyDetector(CONFIG)
    history = [event(T0 + d * DAY + h * HOUR) for d in range(8) for h in (9, 10)]
    history += [event(T0 + d * DAY + 11 * HOUR, "ListBuckets") for d in range(8)]
    assert run(detector, history) == []
    return detector


def test_is_a_detector_with_all_types() -> None:
    assert isinstance(AnomalyDetector(), Detector)
    assert set(ANOMALY_TYPES) == {
        "anomaly.first_seen_action", "anomaly.new_source_network",
        "anomaly.dormant_identity", "anomaly.volume_spike",
    }  # fmt: skip


def test_no_volume_alert_during_learning() -> None:
    detector = AnomalyDetector(AnomalyConfig(learning=30 * DAY, min_history=24))
    assert hourly(detector, T0, 48, 5) == []
    assert hourly(detector, T0 + 48 * HOUR, 1, 500) == []


def test_no_alerts_during_learning() -> None:
    detector = AnomalyDetector(CONFIG)
    events = [event(T0), event(T0 + DAY, "DeleteTrail", ip="203.0.113.9")]
    events += [event(T0 + 2 * DAY, f"Action{i}", ip=f"192.0.{i}.1") for i in range(50)]
    assert run(detector, events) == []


def test_first_seen_action_after_learning() -> None:
    detector = learned()
    alerts = run(detector, [event(T0 + 8 * DAY + 12 * HOUR, "StopLogging")])
    assert types(alerts) == ["anomaly.first_seen_action"]
    alert = alerts[0]
    assert "aws.cloudtrail:StopLogging" in alert.description
    assert any(e.kind is EntityKind.IDENTITY and e.value == "alice" for e in alert.entities)
    assert alert.remediation and alert.technique == "T1078"
    assert run(detector, [event(T0 + 9 * DAY + 12 * HOUR, "StopLogging")]) == []


def test_known_actions_and_networks_are_quiet() -> None:
    detector = learned()
    assert run(detector, [event(T0 + 8 * DAY + 12 * HOUR, ip="198.51.100.200")]) == []


def test_new_source_network_ipv4_and_ipv6() -> None:
    detector = learned()
    alerts = run(detector, [event(T0 + 8 * DAY + 12 * HOUR, ip="203.0.113.50")])
    assert types(alerts) == ["anomaly.new_source_network"]
    assert "203.0.113.0/24" in alerts[0].description
    v6 = run(detector, [event(T0 + 8 * DAY + 14 * HOUR, ip="2001:db8:1:2::1")])
    assert types(v6) == ["anomaly.new_source_network"]
    same48 = run(detector, [event(T0 + 8 * DAY + 16 * HOUR, ip="2001:db8:1:ffff::9")])
    assert same48 == []


def test_source_network() -> None:
    assert source_network("198.51.100.7") == "198.51.100.0/24"
    assert source_network("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert source_network("::ffff:198.51.100.7") == "198.51.100.0/24"
    assert source_network("ec2.amazonaws.com") == ""
    assert source_network("") == ""


def test_dormant_identity_reactivated() -> None:
    detector = learned()
    alerts = run(detector, [event(T0 + 60 * DAY)])
    assert types(alerts) == ["anomaly.dormant_identity"]
    assert "53 days" in alerts[0].description
    assert run(detector, [event(T0 + 60 * DAY + HOUR)]) == []


def test_not_dormant_within_the_limit() -> None:
    detector = learned()
    assert run(detector, [event(T0 + 30 * DAY)]) == []


def hourly(detector: AnomalyDetector, start: datetime, hours: int, per_hour: int) -> list[Alert]:
    events = [
        event(start + h * HOUR + timedelta(seconds=i * 60)) for h in range(hours)
        for i in range(per_hour)
    ]  # fmt: skip
    return run(detector, events)


def test_volume_spike_against_own_baseline() -> None:
    detector = AnomalyDetector(VOLUME)
    start = T0 + 8 * DAY
    assert hourly(detector, start, 48, 5) == []
    spike = hourly(detector, start + 48 * HOUR, 1, 60)
    assert types(spike) == ["anomaly.volume_spike"]
    assert "20 events this hour against a baseline of 5.0" in spike[0].description
    assert spike[0].count == 1


def test_no_volume_alert_before_minimum_history() -> None:
    detector = AnomalyDetector(VOLUME)
    assert hourly(detector, T0, 10, 5) == []
    assert hourly(detector, T0 + 10 * HOUR, 1, 200) == []


def test_volume_within_usual_variation_is_quiet() -> None:
    detector = AnomalyDetector(VOLUME)
    noisy = [event(T0 + h * HOUR + timedelta(seconds=i)) for h in range(48) for i in range(
        30 if h % 2 else 10)]  # fmt: skip
    assert run(detector, noisy) == []
    assert hourly(detector, T0 + 48 * HOUR, 1, 32) == []


def test_volume_spike_alerts_once_per_hour_and_cooldown() -> None:
    detector = AnomalyDetector(VOLUME)
    hourly(detector, T0, 48, 5)
    spike = hourly(detector, T0 + 48 * HOUR, 1, 500)
    assert types(spike) == ["anomaly.volume_spike"]
    assert hourly(detector, T0 + 49 * HOUR, 1, 30) == []  # cooldown: still the same spike


def test_no_alert_storm_for_many_new_actions() -> None:
    detector = learned()
    burst = [event(T0 + 8 * DAY + 12 * HOUR, f"Action{i}") for i in range(100)]
    alerts = [a for a in run(detector, burst) if a.type == "anomaly.first_seen_action"]
    assert len(alerts) == 1
    after_cooldown = run(detector, [event(T0 + 8 * DAY + 14 * HOUR, "Brand.New")])
    assert types(after_cooldown) == ["anomaly.first_seen_action"]


def test_baseline_ewma() -> None:
    baseline = Baseline()
    for value in [10.0] * 50:
        baseline.add(value, 0.1)
    assert baseline.mean == pytest.approx(10.0) and baseline.var == pytest.approx(0.0)
    baseline.add(20.0, 0.1)
    assert baseline.mean == pytest.approx(11.0)
    assert baseline.var == pytest.approx(0.9 * (0 + 10 * 1.0))


def test_persistence_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state" / "anomaly.json"
    detector = learned()
    detector.save(path)
    assert not [p for p in path.parent.iterdir() if p.name != "anomaly.json"]  # no temp left
    resumed = AnomalyDetector.load(path, CONFIG)
    assert resumed.state() == json.loads(path.read_text())
    alerts = run(resumed, [event(T0 + 8 * DAY + 12 * HOUR, "StopLogging", ip="203.0.113.1")])
    assert sorted(types(alerts)) == ["anomaly.first_seen_action", "anomaly.new_source_network"]
    assert AnomalyDetector.load(tmp_path / "missing.json").state()["identities"] == {}


def test_learning_continues_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "anomaly.json"
    first = AnomalyDetector(CONFIG)
    run(first, [event(T0)])
    first.save(path)
    second = AnomalyDetector.load(path, CONFIG)
    assert run(second, [event(T0 + 3 * DAY, "CreateUser")]) == []  # still learning
    second.save(path)
    third = AnomalyDetector.load(path, CONFIG)
    assert run(third, [event(T0 + 8 * DAY, "CreateUser")]) == []  # learned on day 3
    assert types(run(third, [event(T0 + 8 * DAY, "DeleteUser")])) == ["anomaly.first_seen_action"]


def test_restore_rejects_foreign_state() -> None:
    with pytest.raises(ValueError, match="anomaly"):
        AnomalyDetector().restore({"version": 1, "type": "linux.auth.ssh_brute_force"})


def test_identities_are_bounded() -> None:
    detector = AnomalyDetector(AnomalyConfig(max_identities=10))
    run(detector, [event(T0, actor=f"user{i}") for i in range(100)])
    assert len(detector.state()["identities"]) == 10


def test_events_without_an_identity_are_ignored() -> None:
    detector = AnomalyDetector(CONFIG)
    assert run(detector, [event(T0, actor="")]) == []
    assert detector.state()["identities"] == {}


@pytest.mark.parametrize(
    "address",
    ["1.2.3.4", "0.0.0.0", "10.20.30.255", " 1.2.3.4", "01.2.3.4", "1.2.3.04", "256.1.1.1",
     "1.2.3", "1.2.3.4.5", "1..2.3", "+1.2.3.4", "1.2.3.\u0664", "::ffff:1.2.3.4", "[::1]",
     "2001:db8::1", "ec2.amazonaws.com", "-", ""],
)  # fmt: skip
def test_source_network_fast_path_agrees_with_ipaddress(address: str) -> None:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        expected = ""
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        prefix = 24 if ip.version == 4 else 48
        expected = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    assert source_network(address) == expected


def test_a_replayed_hour_is_counted_once(tmp_path: Path) -> None:
    """The last hour read again with the state kept: no spike out of the same events."""
    path = tmp_path / "anomaly.json"
    first = AnomalyDetector(VOLUME)
    start = T0 + 8 * DAY
    hourly(first, start, 48, 5)
    busy_hour = [event(start + 48 * HOUR + timedelta(seconds=i)) for i in range(12)]
    assert run(first, busy_hour) == []  # 12 against a baseline of 5: not a spike
    first.save(path)
    again = AnomalyDetector.load(path, VOLUME)
    assert run(again, busy_hour) == []  # replayed: not 24
    assert run(again, busy_hour + busy_hour) == []
