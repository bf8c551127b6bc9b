"""Alerts: entities, stable ids, aggregation windows, statuses and suppression."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from cloudwarden.core.events import AlertStatus, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import (
    AlertAggregator,
    AlertBuilder,
    InvalidTransitionError,
    SuppressionRule,
    entities_of,
    load_suppressions,
    transition,
)
from cloudwarden.detect.attack import (
    ATTACK_VERSION,
    KILL_CHAIN,
    TECHNIQUES,
    kill_chain_index,
    tactic,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=2)

BRUTE = AlertBuilder(
    type="linux.ssh.brute_force",
    title="SSH brute force",
    severity=Severity.MEDIUM,
    technique="T1110.001",
)


def ev(minutes: float, *, ip: str = "203.0.113.9", actor: str = "root", host: str = "web-1",
       action: str = "ssh.login", targets: tuple[str, ...] = ()) -> Event:
    return Event(time=T0 + timedelta(minutes=minutes), source="linux.auth", action=action,
                 outcome="failure", actor=actor, source_ip=ip, host=host, targets=targets,
                 process="sshd", fields={"n": minutes}, origin=f"auth.log:{int(minutes)}")


def test_attack_table_is_versioned_and_consistent() -> None:
    assert ATTACK_VERSION.startswith("15")
    required = ["T1078.004", "T1098.001", "T1562.008", "T1555.006", "T1611", "T1548.003",
                "T1071.004", "T1568.002", "T1136.003", "T1021.004", "T1070.003"]
    assert all(t in TECHNIQUES for t in required)
    for tech in TECHNIQUES.values():
        assert tech.tactics and all(tactic(t) for t in tech.tactics), tech.id
        assert tech.parent in TECHNIQUES or tech.parent == tech.id or "." in tech.id
    order = ["initial-access", "execution", "persistence", "privilege-escalation",
             "defense-evasion", "credential-access", "discovery", "lateral-movement",
             "collection", "exfiltration", "impact"]
    assert [kill_chain_index(t) for t in order] == sorted(kill_chain_index(t) for t in order)
    assert tactic("TA0006") is tactic("Credential Access") is tactic("credential_access")
    assert kill_chain_index("nonsense") == len(KILL_CHAIN)


def test_entities_from_events() -> None:
    event = Event(time=T0, source="aws.cloudtrail", action="GetObject",
                  actor="arn:aws:iam::1:user/a", source_ip="198.51.100.1",
                  targets=("arn:aws:s3:::b",), domain="x.example")
    assert entities_of([event, event]) == tuple(sorted((
        Entity(EntityKind.IDENTITY, "arn:aws:iam::1:user/a"),
        Entity(EntityKind.IP, "198.51.100.1"),
        Entity(EntityKind.RESOURCE, "arn:aws:s3:::b"),
        Entity(EntityKind.DOMAIN, "x.example"),
    )))


def test_builder_fills_tactic_from_technique_and_id_is_stable() -> None:
    a = BRUTE.build([ev(1), ev(0)])
    b = BRUTE.build([ev(0), ev(1)])
    assert a.id == b.id and a.id.startswith("alert-")
    assert a.tactic == "TA0006" and a.count == 2
    assert a.first_seen == T0 and a.last_seen == T0 + timedelta(minutes=1)
    assert Entity(EntityKind.PROCESS, "sshd") in a.entities
    assert BRUTE.build([ev(0, ip="203.0.113.10")]).id != a.id
    with pytest.raises(ValueError):
        BRUTE.build([])


def test_aggregation_within_window_counts_and_caps_evidence() -> None:
    agg = AlertAggregator(window=timedelta(minutes=30), max_evidence=20, clock=lambda: NOW)
    for minute in range(25):
        agg.add(BRUTE.build([ev(minute)]))
    (alert,) = agg.alerts()
    assert alert.count == 25
    assert alert.first_seen == T0 and alert.last_seen == T0 + timedelta(minutes=24)
    assert len(alert.evidence) == 20 and alert.evidence[0].time == T0


def test_occurrence_after_window_is_a_new_alert_and_other_entities_stay_apart() -> None:
    agg = AlertAggregator(window=timedelta(minutes=30), clock=lambda: NOW)
    first = agg.add(BRUTE.build([ev(0)]))
    agg.add(BRUTE.build([ev(30)]))  # exactly at the window edge: merged
    later = agg.add(BRUTE.build([ev(31)]))
    other = agg.add(BRUTE.build([ev(5, ip="192.0.2.7")]))
    assert first and later and other
    assert len({first.id, later.id, other.id}) == 3
    counts = {a.id: a.count for a in agg.alerts()}
    assert counts == {first.id: 2, later.id: 1, other.id: 1}


def test_occurrences_without_a_time_zone_are_taken_as_utc() -> None:
    from dataclasses import replace

    naive = T0.replace(tzinfo=None)
    agg = AlertAggregator(window=timedelta(minutes=30), clock=lambda: NOW)
    first = agg.add(replace(BRUTE.build([ev(0)]), first_seen=naive, last_seen=naive))
    second = agg.add(BRUTE.build([ev(10)]))  # aware: merged into the naive one's alert
    third = agg.add(replace(BRUTE.build([ev(20)]), first_seen=naive + timedelta(minutes=20),
                            last_seen=naive + timedelta(minutes=20)))
    assert first and second and third
    (alert,) = agg.alerts()
    assert alert.count == 3 and alert.id == first.id == BRUTE.build([ev(0)]).id
    assert alert.first_seen == T0 and alert.last_seen == T0 + timedelta(minutes=20)


def test_rerun_over_the_same_logs_gives_the_same_ids() -> None:
    ids = []
    for _ in range(2):
        agg = AlertAggregator(clock=lambda: NOW)
        agg.add_all([BRUTE.build([ev(m)]) for m in (0, 10, 90)])
        ids.append([a.id for a in agg.alerts()])
    assert ids[0] == ids[1] and len(ids[0]) == 2


def test_status_transitions() -> None:
    alert = BRUTE.build([ev(0)])
    assert alert.status == AlertStatus.NEW
    active = transition(alert, AlertStatus.ACTIVE)
    resolved = transition(active, AlertStatus.RESOLVED)
    assert transition(resolved, AlertStatus.ACTIVE).status == AlertStatus.ACTIVE
    assert transition(alert, AlertStatus.NEW) is alert
    with pytest.raises(InvalidTransitionError):
        transition(resolved, AlertStatus.DISMISSED)
    with pytest.raises(InvalidTransitionError):
        transition(active, AlertStatus.NEW)


def test_recurrence_reopens_a_resolved_alert_and_idle_alerts_resolve() -> None:
    agg = AlertAggregator(window=timedelta(minutes=60), clock=lambda: NOW)
    alert = agg.add(BRUTE.build([ev(0)]))
    assert alert is not None
    agg.set_status(alert.id, AlertStatus.RESOLVED)
    again = agg.add(BRUTE.build([ev(10)]))
    assert again is not None and again.status == AlertStatus.ACTIVE and again.count == 2
    assert [a.id for a in agg.resolve_inactive(timedelta(hours=1))] == [alert.id]
    assert agg.get(alert.id).status == AlertStatus.RESOLVED


def test_suppression_is_counted_not_lost() -> None:
    rules = load_suppressions([{
        "name": "scanner", "type": "linux.ssh.*", "entities": {"ip": ["203.0.113.*"]},
        "reason": "our vulnerability scanner", "expires": "2024-06-01T00:00:00Z",
    }])
    agg = AlertAggregator(suppressions=rules, clock=lambda: NOW)
    assert agg.add(BRUTE.build([ev(0)])) is None
    assert agg.add(BRUTE.build([ev(1), ev(2)])) is None
    kept = agg.add(BRUTE.build([ev(3, ip="192.0.2.1")]))
    assert kept is not None and [a.id for a in agg.alerts()] == [kept.id]
    assert agg.suppressed_counts == {"scanner": 3}
    (suppressed,) = agg.suppressed()
    assert suppressed.count == 3


def test_expired_suppression_no_longer_applies() -> None:
    rule = SuppressionRule(name="old", reason="maintenance", expires=T0)
    assert not rule.matches(BRUTE.build([ev(0)]), NOW)
    assert rule.matches(BRUTE.build([ev(0)]), T0 - timedelta(seconds=1))


def test_suppression_rules_are_validated() -> None:
    with pytest.raises(ValidationError):
        SuppressionRule.model_validate({"name": "x", "reason": ""})
    with pytest.raises(ValidationError):
        SuppressionRule.model_validate({"name": "x", "reason": "r", "entities": {"user": ["a"]}})
    with pytest.raises(ValidationError):
        SuppressionRule.model_validate({"name": "x", "reason": "r", "expires": "2024-06-01T00:00"})
    with pytest.raises(ValidationError):
        SuppressionRule.model_validate({"name": "x", "reason": "r", "colour": "red"})
    with pytest.raises(ValueError, match="duplicate"):
        load_suppressions([{"name": "a", "reason": "r"}, {"name": "a", "reason": "r"}])
