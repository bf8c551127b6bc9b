"""The alert path's fast spellings answer what the plain ones do: entities, merges, aggregation
of alerts that already carry their aggregation id, Sigma alerts without their own id, and
fusion's stage and title helpers."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect import fusion
from cloudwarden.detect.alerts import (
    AlertAggregator,
    AlertBuilder,
    _merge,
    _merged_evidence,
    entities_of,
)
from cloudwarden.detect.attack import tactic, technique
from cloudwarden.detect.sigma import SigmaMatch, to_alert

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _events(rng: random.Random, count: int) -> list[Event]:
    def pick(prefix: str) -> str:
        return "" if rng.random() < 0.3 else f"{prefix}{rng.randrange(4)}"

    return [
        Event(
            T0 + timedelta(minutes=rng.randrange(300)),
            "aws.cloudtrail",
            rng.choice(["StopLogging", "GetObject"]),
            actor=pick("arn:user/"),
            source_ip=pick("10.0.0."),
            host=pick("host"),
            process=pick("/bin/p"),
            domain=pick("d.example."),
            targets=tuple(pick("arn:res/") for _ in range(rng.randrange(3))),
            origin=f"f.jsonl:{i}",
        )
        for i in range(count)
    ]


def _reference_entities(events: list[Event]) -> tuple[Entity, ...]:
    found: set[Entity] = set()
    for event in events:
        pairs = [
            (EntityKind.IDENTITY, event.actor),
            (EntityKind.IP, event.source_ip),
            (EntityKind.HOST, event.host),
            (EntityKind.PROCESS, event.process),
            (EntityKind.DOMAIN, event.domain),
        ]
        pairs.extend((EntityKind.RESOURCE, target) for target in event.targets)
        found.update(Entity(kind, value) for kind, value in pairs if value)
    return tuple(sorted(found))


def test_entities_of_is_the_reference() -> None:
    rng = random.Random(1)
    for _ in range(300):
        events = _events(rng, rng.randrange(1, 4))
        got = entities_of(events)
        assert got == _reference_entities(events)
        assert all(type(e) is Entity for e in got)


def _reference_merge(current: Alert, new: Alert, cap: int) -> Alert:
    status = AlertStatus.ACTIVE if current.status == AlertStatus.RESOLVED else current.status
    return replace(
        current,
        severity=max(current.severity, new.severity),
        first_seen=min(current.first_seen, new.first_seen),
        last_seen=max(current.last_seen, new.last_seen),
        entities=tuple(sorted({*current.entities, *new.entities})),
        resources=tuple(sorted({*current.resources, *new.resources})),
        evidence=_merged_evidence(current.evidence, new.evidence, cap),
        count=current.count + new.count,
        status=status,
    )


def _alert(rng: random.Random, builder: AlertBuilder) -> Alert:
    built = builder.build(_events(rng, rng.randrange(1, 3)))
    return replace(
        built,
        severity=rng.choice(list(Severity)),
        status=rng.choice(list(AlertStatus)),
        assets=tuple(f"asset{i}" for i in range(rng.randrange(2))),
        entities=built.entities[::-1] if rng.random() < 0.3 else built.entities,  # unsorted
    )


BUILDER = AlertBuilder(type="t.x", title="X", severity=Severity.LOW, technique="T1078")


def test_merge_is_the_replace_it_spells_out() -> None:
    rng = random.Random(2)
    for _ in range(300):
        current, new = _alert(rng, BUILDER), _alert(rng, BUILDER)
        cap = rng.randrange(1, 4)
        assert _merge(current, new, cap) == _reference_merge(current, new, cap)


def test_aggregation_is_the_same_whatever_id_an_alert_arrives_with() -> None:
    rng = random.Random(3)
    alerts = [BUILDER.build(_events(rng, 1)) for _ in range(400)]
    alerts.sort(key=lambda a: a.first_seen)
    as_built, renamed = AlertAggregator(), AlertAggregator()
    for alert in alerts:
        assert as_built.add(alert) == renamed.add(replace(alert, id="other"))
    assert as_built.alerts() == renamed.alerts()


def test_sigma_alert_without_id_differs_only_by_id() -> None:
    rng = random.Random(4)
    events = _events(rng, 3)
    for match in [
        SigmaMatch("r1", "Title", "high", ("attack.defense_evasion", "attack.t1562.008"),
                   events[0], "desc", name="aws.cloudtrail.logging_disabled"),
        SigmaMatch("r2", "Corr", "bogus", (), events[2], correlation="event_count",
                   group=(("actor", "a"),), events=tuple(events)),
    ]:
        with_id, without = to_alert(match), to_alert(match, with_id=False)
        assert with_id.id.startswith("sigma-") and without.id == ""
        assert replace(without, id=with_id.id) == with_id


def _reference_stage(alert: Alert) -> str:
    found = tactic(alert.tactic)
    if found is None:
        known = technique(alert.technique)
        found = tactic(known.tactics[0]) if known else None
    return found.shortname if found else ""


def test_fusion_helpers_are_the_reference() -> None:
    rng = random.Random(5)
    tactics = ["", "TA0005", "credential_access", "Impact", "bogus"]
    techniques = ["", "T1078", "T1562.008", "T9999"]
    alerts = []
    for i in range(200):
        alert = replace(
            _alert(rng, BUILDER),
            id=f"a{i}",
            tactic=rng.choice(tactics),
            technique=rng.choice(techniques),
        )
        alerts.append(alert)
        assert fusion.stage_of(alert) == _reference_stage(alert)
    leaders = fusion._leaders(fusion._flat_counts(alerts))
    for kind in EntityKind:
        reference = Counter(e.value for a in alerts for e in set(a.entities) if e.kind == kind)
        expected = min(reference.items(), key=lambda kv: (-kv[1], kv[0]))[0] if reference else ""
        assert leaders.get(kind, "") == expected
