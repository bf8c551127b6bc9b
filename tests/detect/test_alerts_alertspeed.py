"""The alert path's one-event spellings answer what the general ones did: entities of one
event without a set or a sort, Sigma alerts of one event, ids of key entities already sorted."""

from __future__ import annotations

import functools
import hashlib
import random
import re
from datetime import UTC, datetime, timedelta, timezone

from cloudwarden.core.events import Alert, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect import alerts
from cloudwarden.detect.alerts import AlertAggregator, _alert_id, alert_id, entities_of
from cloudwarden.detect.sigma import SigmaMatch, to_alert
from cloudwarden.detect.sigma._alert import TACTICS

T0 = datetime(2026, 3, 1, tzinfo=UTC)


# --- the reference: the spellings before the one-event paths
def _ref_entities(events: list[Event] | tuple[Event, ...]) -> tuple[Entity, ...]:
    found: set[Entity] = set()
    for event in events:
        for kind, value in [(EntityKind.IDENTITY, event.actor), (EntityKind.IP, event.source_ip),
                            (EntityKind.HOST, event.host), (EntityKind.PROCESS, event.process),
                            (EntityKind.DOMAIN, event.domain)]:
            if value:
                found.add(Entity(kind, value))
        found.update(Entity(EntityKind.RESOURCE, t) for t in event.targets if t)
    return tuple(sorted(found))


def _ref_alert_id(alert_type: str, key_entities: list[Entity], window_start: datetime) -> str:
    start = window_start.replace(tzinfo=UTC) if window_start.tzinfo is None else window_start
    parts = [alert_type, start.isoformat()]
    parts.extend(f"{e.kind.value}={e.value}" for e in sorted(set(key_entities)))
    return "alert-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


_LEVELS = {"informational": Severity.INFORMATIONAL, "low": Severity.LOW,
           "medium": Severity.MEDIUM, "high": Severity.HIGH, "critical": Severity.CRITICAL}
_TECHNIQUE = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$", re.IGNORECASE)


@functools.cache
def _ref_attack(tags: tuple[str, ...]) -> tuple[str, str]:
    tactic = technique = ""
    for tag in tags:
        low = tag.lower()
        if not technique and (m := _TECHNIQUE.match(low)):
            technique = m.group(1).upper()
        elif not tactic and low.startswith("attack."):
            tactic = TACTICS.get(low.removeprefix("attack.").replace("_", "-"), "")
    return tactic, technique


def _ref_to_alert(match: SigmaMatch, *, with_id: bool = True) -> Alert:
    events = match.events or (match.event,)
    tactic, technique = _ref_attack(match.tags)
    times = [e.time for e in events]
    digest = hashlib.sha256("|".join(
        [match.rule_id, *(f"{e.origin}@{e.time.isoformat()}" for e in events)]
    ).encode()).hexdigest()[:16] if with_id else ""
    return Alert(
        id=f"sigma-{digest}" if with_id else "",
        type=match.name or f"sigma.{match.rule_id}",
        title=match.title,
        severity=_LEVELS.get(match.level.lower(), Severity.MEDIUM),
        description=match.description or match.title,
        first_seen=min(times),
        last_seen=max(times),
        tactic=tactic,
        technique=technique,
        entities=_ref_entities(events),
        resources=tuple(dict.fromkeys(t for e in events for t in e.targets)),
        evidence=events,
        count=len(events),
    )


# --- generated events
def _event(rng: random.Random, i: int, naive: bool = False) -> Event:
    """Naive (read as UTC) or aware times, never both in one match: they do not compare."""

    def pick(prefix: str) -> str:
        return "" if rng.random() < 0.35 else f"{prefix}{rng.randrange(3)}"

    zone = None if naive else rng.choice([UTC, UTC, timezone(timedelta(hours=-5))])
    return Event(
        (T0 + timedelta(seconds=rng.randrange(5000), microseconds=rng.choice([0, 0, 9])))
        .replace(tzinfo=zone),
        "aws.cloudtrail",
        "StopLogging",
        actor=pick("arn:user/"),
        source_ip=pick("10.0.0."),
        host=pick("host"),
        process=pick("/bin/p"),
        domain=pick("d.example."),
        # duplicates and empty targets, in any order
        targets=tuple(rng.choice(["", "b", "a", "arn:x", "a"]) for _ in range(rng.randrange(4))),
        origin=rng.choice(["", f"f.jsonl:{i}"]),
    )


def test_one_event_kinds_are_in_sort_order() -> None:
    assert tuple(sorted(alerts._ONE_EVENT_ORDER)) == alerts._ONE_EVENT_ORDER
    assert set(alerts._ONE_EVENT_ORDER) == set(EntityKind) - {EntityKind.FILE}


def test_entities_of_is_the_reference() -> None:
    rng = random.Random(11)
    for i in range(2000):
        naive = rng.random() < 0.2
        events = [_event(rng, i, naive) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        expected = _ref_entities(events)
        for given in (tuple(events), list(events), iter(events)):
            got = entities_of(given)
            assert got == expected
            assert all(type(e) is Entity for e in got)


def test_sigma_alert_is_the_reference() -> None:
    rng = random.Random(12)
    tags = [(), ("attack.defense_evasion", "attack.t1562.008"), ("attack.T1078", "attack.bogus"),
            ("cve.2024", "attack.credential_access")]
    for i in range(1500):
        naive = rng.random() < 0.2
        events = [_event(rng, i, naive) for _ in range(3)]
        correlation = rng.random() < 0.3
        match = SigmaMatch(
            f"rule-{rng.randrange(5)}",
            rng.choice(["Title", "T"]),
            rng.choice(["high", "Critical", "bogus", "low"]),
            rng.choice(tags),
            events[0],
            rng.choice(["", "desc"]),
            name=rng.choice(["", "aws.cloudtrail.logging_disabled"]),
            correlation="event_count" if correlation else "",
            events=tuple(events[: rng.randrange(1, 4)]) if correlation else (),
        )
        for with_id in (True, False):
            got, expected = to_alert(match, with_id=with_id), _ref_to_alert(match, with_id=with_id)
            assert got == expected
            assert got.first_seen is expected.first_seen and got.last_seen is expected.last_seen


def test_alert_ids_are_the_reference() -> None:
    rng = random.Random(13)
    kinds = list(EntityKind)
    for _ in range(1000):
        key = [Entity(rng.choice(kinds), f"v{rng.randrange(4)}") for _ in range(rng.randrange(5))]
        start = (T0 + timedelta(minutes=rng.randrange(100))).replace(
            tzinfo=rng.choice([UTC, None, timezone(timedelta(hours=3))]))
        expected = _ref_alert_id("t.x", key, start)
        assert alert_id("t.x", key, start) == expected
        assert alert_id("t.x", iter(key), start) == expected
        assert _alert_id("t.x", sorted(set(key)), start) == expected


def test_aggregation_of_sigma_alerts_is_the_reference() -> None:
    # the whole path as `run_detection` drives it, against the reference alerts and ids
    # (aware times: the aggregator cannot compare a naive open alert with a later one)
    rng = random.Random(14)
    events = sorted((_event(rng, i) for i in range(600)), key=lambda e: e.time)
    got, expected = AlertAggregator(), AlertAggregator()
    for event in events:
        match = SigmaMatch("r1", "Title", "high", ("attack.t1562.008",), event, name="t.x")
        kept = got.add(to_alert(match, with_id=False))
        ref = _ref_to_alert(match, with_id=False)
        assert kept is not None and kept == expected.add(ref)
        if kept.count == 1:  # a new alert: the id of its key entities and its time
            key = [e for e in ref.entities if e.kind in alerts.DEFAULT_KEY_KINDS]
            assert kept.id == _ref_alert_id("t.x", key, kept.first_seen)
    assert got.alerts() == expected.alerts()
