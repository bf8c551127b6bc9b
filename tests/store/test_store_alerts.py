"""Detection alerts and incidents in the store: upsert, status workflow, audit, reading back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import MAX_EVIDENCE, InvalidTransitionError
from cloudwarden.detect.fusion import Incident
from cloudwarden.store import Store, StoreError

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2024, 5, 2, tzinfo=UTC)


def event(minute: int, **fields: object) -> Event:
    return Event(time=T0 + timedelta(minutes=minute), source="aws.cloudtrail",
                 action="StopLogging", actor="alice", source_ip="203.0.113.7",
                 targets=("arn:aws:cloudtrail:us-east-1:1:trail/main",),
                 fields={"eventName": "StopLogging", "when": T0, **fields},
                 origin=f"trail.json:{minute}")


def alert(alert_id: str = "alert-aaaa1111", *, minutes: tuple[int, ...] = (0,),
          severity: Severity = Severity.HIGH, type_: str = "aws.cloudtrail.logging_disabled",
          status: AlertStatus = AlertStatus.NEW) -> Alert:
    evidence = tuple(event(m) for m in minutes)
    return Alert(
        id=alert_id, type=type_, title="CloudTrail logging stopped", severity=severity,
        description="Logging stopped.", first_seen=evidence[0].time,
        last_seen=evidence[-1].time, tactic="TA0005", technique="T1562.008",
        entities=(Entity(EntityKind.IDENTITY, "alice"), Entity(EntityKind.IP, "203.0.113.7")),
        resources=evidence[0].targets, evidence=evidence, remediation="Start logging again.",
        count=len(evidence), status=status,
    )


def test_alerts_round_trip_with_evidence(store: Store) -> None:
    original = alert(minutes=(0, 1))
    assert store.save_alerts([original], now=NOW) == [original]
    [back] = store.alerts()
    assert back.type == "aws.cloudtrail.logging_disabled" and back.status is AlertStatus.NEW
    assert (back.severity, back.count, back.tactic, back.technique) == (
        Severity.HIGH, 2, "TA0005", "T1562.008")
    assert back.entities == original.entities and back.resources == original.resources
    assert back.first_seen == original.first_seen and back.last_seen == original.last_seen
    assert [e.origin for e in back.evidence] == ["trail.json:0", "trail.json:1"]
    # raw fields are kept as JSON can hold them
    assert back.evidence[0].fields["when"] == T0.isoformat()
    assert back.remediation == "Start logging again."


def test_a_later_sighting_adds_up_and_the_same_logs_again_do_not(store: Store) -> None:
    store.save_alerts([alert(minutes=(0, 1))], now=NOW)
    store.save_alerts([alert(minutes=(0, 1))], now=NOW)  # the same logs read again
    assert store.alerts()[0].count == 2
    [merged] = store.save_alerts([alert(minutes=(5,), severity=Severity.CRITICAL)], now=NOW)
    assert merged.count == 3 and merged.severity is Severity.CRITICAL
    assert (merged.first_seen, merged.last_seen) == (T0, T0 + timedelta(minutes=5))
    assert [e.origin for e in store.alerts()[0].evidence] == [
        "trail.json:0", "trail.json:1", "trail.json:5"]


def test_evidence_stays_capped(store: Store) -> None:
    store.save_alerts([alert(minutes=tuple(range(MAX_EVIDENCE)))], now=NOW)
    store.save_alerts([alert(minutes=tuple(range(100, 110)))], now=NOW)
    [back] = store.alerts()
    assert len(back.evidence) == MAX_EVIDENCE and back.count == MAX_EVIDENCE + 10


def test_dismissed_stays_dismissed_and_resolved_reopens(store: Store) -> None:
    store.save_alerts([alert("alert-dismissed"), alert("alert-resolved")], now=NOW)
    store.set_alert_status("alert-dismissed", AlertStatus.DISMISSED, actor="bob",
                           reason="test account")
    store.set_alert_status("alert-resolved", "resolved", actor="bob", reason="fixed")
    again = [alert("alert-dismissed", minutes=(9,)), alert("alert-resolved", minutes=(9,))]
    by_id = {a.id: a for a in store.save_alerts(again, now=NOW)}
    assert by_id["alert-dismissed"].status is AlertStatus.DISMISSED
    assert by_id["alert-resolved"].status is AlertStatus.ACTIVE
    reopened = store.alert_events("alert-resolved")
    assert [(e.from_status, e.to_status, e.actor) for e in reopened] == [
        (AlertStatus.NEW, AlertStatus.RESOLVED, "bob"),
        (AlertStatus.RESOLVED, AlertStatus.ACTIVE, "cloudwarden")]
    # an old occurrence read again does not reopen what was resolved since
    store.set_alert_status("alert-resolved", "resolved", actor="bob", reason="fixed again")
    [same] = store.save_alerts([alert("alert-resolved", minutes=(9,))], now=NOW)
    assert same.status is AlertStatus.RESOLVED


def test_set_status_audit_and_errors(store: Store) -> None:
    store.save_alerts([alert("alert-abc123"), alert("alert-abd456")], now=NOW)
    changed = store.set_alert_status("alert-abc", AlertStatus.ACTIVE, actor="bob",
                                     reason="looking", now=NOW)
    assert changed.id == "alert-abc123" and changed.status is AlertStatus.ACTIVE
    [ev] = store.alert_events()
    assert (ev.alert_id, ev.from_status, ev.to_status, ev.actor, ev.at, ev.reason) == (
        "alert-abc123", AlertStatus.NEW, AlertStatus.ACTIVE, "bob", NOW, "looking")
    # the same status again changes nothing and records nothing
    store.set_alert_status("alert-abc123", "active", actor="bob")
    assert len(store.alert_events()) == 1
    with pytest.raises(StoreError, match="ambiguous"):
        store.set_alert_status("alert-ab", "resolved", actor="bob")
    with pytest.raises(StoreError, match="no alert alert-zz"):
        store.set_alert_status("alert-zz", "resolved", actor="bob")
    with pytest.raises(StoreError, match="no alert"):
        store.set_alert_status("alert_%", "resolved", actor="bob")  # LIKE wildcards are text
    with pytest.raises(StoreError, match="unknown alert status"):
        store.set_alert_status("alert-abc123", "closed", actor="bob")
    store.set_alert_status("alert-abc123", "dismissed", actor="bob")
    with pytest.raises(InvalidTransitionError, match="dismissed to resolved"):
        store.set_alert_status("alert-abc123", "resolved", actor="bob")
    assert store.alerts(statuses=["dismissed"])[0].id == "alert-abc123"


def test_alert_filters_and_order(store: Store) -> None:
    store.save_alerts([
        alert("alert-low", severity=Severity.LOW, type_="linux.auth.ssh_brute_force"),
        alert("alert-crit", severity=Severity.CRITICAL),
        alert("alert-high", severity=Severity.HIGH, minutes=(3,)),
    ], now=NOW)
    assert [a.id for a in store.alerts()] == ["alert-crit", "alert-high", "alert-low"]
    assert [a.id for a in store.alerts(min_severity=Severity.HIGH)] == ["alert-crit",
                                                                        "alert-high"]
    assert [a.id for a in store.alerts(types=["linux.auth.ssh_brute_force"])] == ["alert-low"]
    store.set_alert_status("alert-high", "resolved", actor="bob")
    assert [a.id for a in store.alerts(statuses=[AlertStatus.NEW])] == ["alert-crit",
                                                                        "alert-low"]


def test_incidents_round_trip_and_grow(store: Store) -> None:
    first, second = alert("alert-one"), alert("alert-two", minutes=(4,))
    incident = Incident(id="incident-1", title="Defense evasion by alice",
                        entities=first.entities, stages=("defense-evasion",),
                        severity=Severity.HIGH, alerts=(first,), first_seen=first.first_seen,
                        last_seen=first.last_seen)
    store.save_alerts([first], [incident], now=NOW)
    grown = replace(incident, alerts=(second,), stages=("defense-evasion", "impact"),
                    first_seen=second.first_seen, last_seen=second.last_seen)
    store.save_alerts([second], [grown], now=NOW)
    [back] = store.incidents()
    assert [a.id for a in back.alerts] == ["alert-one", "alert-two"]
    assert back.stages == ("defense-evasion", "impact") and back.severity is Severity.HIGH
    assert (back.first_seen, back.last_seen) == (first.first_seen, second.last_seen)
    assert back.entities == incident.entities


def test_empty_store_has_no_alerts(store: Store) -> None:
    assert store.alerts() == [] and store.incidents() == [] and store.alert_events() == []
    assert store.save_alerts([], []) == []


def test_linked_assets_round_trip_and_merge(store: Store) -> None:
    first = replace(alert(), assets=("aws|1|us-east-1|aws.cloudtrail.trail|main",))
    store.save_alerts([first], now=NOW)
    again = replace(alert(minutes=(5,)), assets=("aws|1|us-east-1|aws.s3.bucket|logs",))
    store.save_alerts([again], now=NOW)
    [back] = store.alerts()
    assert back.assets == ("aws|1|us-east-1|aws.cloudtrail.trail|main",
                           "aws|1|us-east-1|aws.s3.bucket|logs")
