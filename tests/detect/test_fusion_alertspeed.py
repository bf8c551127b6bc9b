"""Fusion's inline union-find and once-per-alert sort keys answer what the plain spelling did:
the same incidents (ids, titles, entities, stages, severity, alert order, times) on generated
alerts, naive and non-UTC times, duplicate and unsorted entities included."""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind
from cloudwarden.core.model import Severity
from cloudwarden.detect import fusion
from cloudwarden.detect.attack import KILL_CHAIN

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PLUS_TWO = timezone(timedelta(hours=2))


# --- the reference: fusion as it was spelled before (a union-find object, sort keys per
# comparison, one Counter per kind)
class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _ref_groups(alerts: Sequence[Alert], window: timedelta, kinds: frozenset[EntityKind],
                max_fanout: int) -> list[list[int]]:
    linking = [[e for e in set(a.entities) if e.kind in kinds] for a in alerts]
    fanout = Counter(e for entities in linking for e in entities)
    uf = _UnionFind(len(alerts))
    latest: dict[Entity, tuple[int, datetime]] = {}
    for i, alert in enumerate(alerts):
        start, end = fusion._utc(alert.first_seen), fusion._utc(alert.last_seen)
        for entity in linking[i]:
            if fanout[entity] > max_fanout:
                continue
            seen = latest.get(entity)
            if seen is not None and start - seen[1] <= window:
                uf.union(seen[0], i)
            if seen is None or end >= seen[1]:
                latest[entity] = (i, end)
    groups: dict[int, list[int]] = {}
    for i in range(len(alerts)):
        groups.setdefault(uf.find(i), []).append(i)
    return list(groups.values())


def _ref_counts(alerts: Sequence[Alert]) -> dict[EntityKind, Counter[str]]:
    counts: dict[EntityKind, Counter[str]] = defaultdict(Counter)
    for alert in alerts:
        for kind, value in set(alert.entities):
            counts[kind][value] += 1
    return counts


def _ref_most_common(counts: dict[EntityKind, Counter[str]], kind: EntityKind) -> str:
    values = counts.get(kind)
    return min(values.items(), key=lambda kv: (-kv[1], kv[0]))[0] if values else ""


def _per_kind(flat: Counter[Entity]) -> dict[EntityKind, Counter[str]]:
    counts: dict[EntityKind, Counter[str]] = defaultdict(Counter)
    for (kind, value), count in flat.items():
        counts[kind][value] = count
    return counts


def _ref_title(alerts: Sequence[Alert], stages: Sequence[str]) -> str:
    names = [t.name for t in KILL_CHAIN if t.shortname in stages]
    story = " then ".join(names) if names else alerts[0].title
    if len(names) == 1 and len(alerts) == 1:
        story = alerts[0].title
    parts = [story[:1].upper() + story[1:]]
    counts = _ref_counts(alerts)
    common = {kind: _ref_most_common(counts, kind) for kind in EntityKind}
    identity, host = common[EntityKind.IDENTITY], common[EntityKind.HOST]
    if identity:
        parts.append(f"by identity {identity}")
    elif host:
        parts.append(f"on host {host}")
    elif common[EntityKind.RESOURCE]:
        parts.append(f"on resource {common[EntityKind.RESOURCE]}")
    if common[EntityKind.IP]:
        parts.append(f"from IP {common[EntityKind.IP]}")
    if identity and host:
        parts.append(f"on host {host}")
    return " ".join(parts)


def _ref_incident(alerts: list[Alert]) -> fusion.Incident:
    ordered = sorted(alerts, key=lambda a: (fusion._chain_index(fusion.stage_of(a)),
                                            fusion._utc(a.first_seen), a.id))
    stages = tuple(dict.fromkeys(s for s in map(fusion.stage_of, ordered) if s))
    severity = max(a.severity for a in ordered)
    if len(stages) >= 3:
        severity = Severity(min(severity + 1, Severity.CRITICAL))
    digest = hashlib.sha256("\x1f".join(sorted(a.id for a in ordered)).encode()).hexdigest()
    return fusion.Incident(
        id=f"incident-{digest[:24]}",
        title=_ref_title(ordered, stages),
        entities=tuple(sorted({e for a in ordered for e in a.entities})),
        stages=stages,
        severity=severity,
        alerts=tuple(ordered),
        first_seen=min(fusion._utc(a.first_seen) for a in ordered),
        last_seen=max(fusion._utc(a.last_seen) for a in ordered),
    )


def _ref_fuse(alerts: list[Alert], *, window: timedelta = timedelta(hours=24),
              link_kinds: frozenset[EntityKind] = fusion.DEFAULT_LINK_KINDS,
              min_alerts: int = 2, max_fanout: int = 50,
              include_dismissed: bool = False) -> list[fusion.Incident]:
    pool = sorted((a for a in alerts if include_dismissed or a.status != AlertStatus.DISMISSED),
                  key=lambda a: (fusion._utc(a.first_seen), a.id))
    incidents = [_ref_incident([pool[i] for i in group])
                 for group in _ref_groups(pool, window, link_kinds, max_fanout)
                 if len(group) >= min_alerts]
    return sorted(incidents, key=lambda inc: (inc.first_seen, inc.id))


# --- generated alerts
TACTICS = ["", "TA0005", "credential_access", "Impact", "bogus", "TA0001"]
TECHNIQUES = ["", "T1078", "T1562.008", "T9999", "T1098.001", "T1496"]


def _when(rng: random.Random, minutes: int) -> datetime:
    moment = T0 + timedelta(minutes=minutes, microseconds=rng.choice([0, 0, 7]))
    style = rng.random()
    if style < 0.15:
        return moment.replace(tzinfo=None)  # naive: read as UTC
    if style < 0.3:
        return moment.astimezone(PLUS_TWO)
    return moment


def _alert(rng: random.Random, i: int, spread: int, values: int) -> Alert:
    kinds = list(EntityKind)
    entities = [Entity(rng.choice(kinds), f"v{rng.randrange(values)}")
                for _ in range(rng.randrange(0, 5))]
    if entities and rng.random() < 0.2:
        entities.append(entities[0])  # a duplicate
    if rng.random() < 0.5:
        entities.sort()
    start = rng.randrange(spread)
    return Alert(
        id=f"alert-{rng.randrange(10 ** 6):06d}-{i}" if rng.random() < 0.9 else "alert-same",
        type=rng.choice(["t.a", "t.b", "t.c"]),
        title=rng.choice(["stopped logging", "Key made", "", "x"]),
        severity=rng.choice(list(Severity)),
        description="",
        first_seen=_when(rng, start),
        last_seen=_when(rng, start + rng.randrange(0, 600)),
        tactic=rng.choice(TACTICS),
        technique=rng.choice(TECHNIQUES),
        entities=tuple(entities),
        status=rng.choice(list(AlertStatus)),
    )


def _alerts(seed: int, count: int, spread: int, values: int) -> list[Alert]:
    rng = random.Random(seed)
    return [_alert(rng, i, spread, values) for i in range(count)]


def _same(got: list[fusion.Incident], expected: list[fusion.Incident]) -> None:
    assert got == expected
    for g, e in zip(got, expected, strict=True):  # the alerts in the same order, by identity
        assert [id(a) for a in g.alerts] == [id(a) for a in e.alerts]
        assert g.first_seen.tzinfo is e.first_seen.tzinfo


def test_fuse_is_the_reference_on_generated_alerts() -> None:
    for seed in range(40):
        rng = random.Random(seed)
        alerts = _alerts(seed, rng.randrange(1, 120), rng.choice([60, 2000, 6000]),
                         rng.choice([3, 10, 40]))
        options = {
            "window": timedelta(minutes=rng.choice([0, 30, 1440])),
            "min_alerts": rng.choice([1, 2, 3]),
            "max_fanout": rng.choice([1, 3, 50]),
            "include_dismissed": rng.random() < 0.5,
            "link_kinds": rng.choice([fusion.DEFAULT_LINK_KINDS,
                                      frozenset({EntityKind.IP}), frozenset(EntityKind)]),
        }
        _same(fusion.fuse(alerts, **options), _ref_fuse(alerts, **options))  # type: ignore[arg-type]


def test_one_large_incident_is_the_reference() -> None:
    # many alerts on a few identities, each with its own address: one incident of hundreds
    rng = random.Random(9)
    alerts = [
        replace(_alert(rng, i, 3000, 5),
                entities=(Entity(EntityKind.IDENTITY, f"user{rng.randrange(30)}"),
                          Entity(EntityKind.IP, f"10.0.{i // 250}.{i % 250}"),
                          Entity(EntityKind.RESOURCE, f"r{rng.randrange(5)}")))
        for i in range(800)
    ]
    _same(fusion.fuse(alerts), _ref_fuse(alerts))
    _same(fusion.fuse(alerts, min_alerts=1), _ref_fuse(alerts, min_alerts=1))


def test_groups_and_counts_are_the_reference() -> None:
    for seed in range(20):
        alerts = sorted(_alerts(100 + seed, 80, 3000, 8),
                        key=lambda a: (fusion._utc(a.first_seen), a.id))
        for fanout in (1, 4, 50):
            assert fusion._groups(alerts, timedelta(minutes=90), fusion.DEFAULT_LINK_KINDS,
                                  fanout) == _ref_groups(alerts, timedelta(minutes=90),
                                                         fusion.DEFAULT_LINK_KINDS, fanout)
        assert _per_kind(fusion._flat_counts(alerts)) == _ref_counts(alerts)
        counts = _ref_counts(alerts)
        leaders = fusion._leaders(fusion._flat_counts(alerts))
        assert leaders == {kind: _ref_most_common(counts, kind) for kind in counts}
        for stages in [("impact",), ["initial-access", "impact"], (), ("bogus",),
                       ("defense-evasion", "credential-access", "discovery")]:
            for some in (alerts, alerts[:1]):
                assert fusion._title(some, stages) == _ref_title(some, stages)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(1, 40), st.sampled_from([0, 20, 600]))
def test_fuse_is_the_reference_hypothesis(seed: int, count: int, window: int) -> None:
    alerts = _alerts(seed, count, 400, 6)
    options = {"window": timedelta(minutes=window), "min_alerts": 1, "max_fanout": 5}
    _same(fusion.fuse(alerts, **options), _ref_fuse(alerts, **options))  # type: ignore[arg-type]
