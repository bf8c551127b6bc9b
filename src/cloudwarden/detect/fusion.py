"""Fusion: alerts that share entities within a time window become one incident, its alerts
ordered along the ATT&CK kill chain, its title telling the story.

Alerts are linked when they share an identity, IP, resource or host and the later one starts
within `window` of the earlier one's last occurrence; incidents are the connected groups
(union-find). An entity shared by very many alerts (a NAT address, a CI identity) links
nothing once it passes `max_fanout`, so one busy address cannot merge everything.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind
from cloudwarden.core.model import Severity
from cloudwarden.detect.attack import KILL_CHAIN, kill_chain_index, tactic, technique

__all__ = ["DEFAULT_LINK_KINDS", "Incident", "fuse", "stage_of"]

DEFAULT_LINK_KINDS: frozenset[EntityKind] = frozenset(
    {EntityKind.IDENTITY, EntityKind.IP, EntityKind.RESOURCE, EntityKind.HOST}
)


@dataclass(frozen=True, slots=True)
class Incident:
    """Correlated alerts. `stages` are the tactic shortnames present, in kill-chain order;
    `alerts` follow the same order (then time)."""

    id: str
    title: str
    entities: tuple[Entity, ...]
    stages: tuple[str, ...]
    severity: Severity
    alerts: tuple[Alert, ...]
    first_seen: datetime
    last_seen: datetime


def stage_of(alert: Alert) -> str:
    """The alert's tactic shortname (from `tactic`, else its technique's first tactic); ''
    when neither is known."""
    return _stage(alert.tactic, alert.technique)


@functools.lru_cache(maxsize=1024)
def _stage(tactic_text: str, technique_id: str) -> str:
    """`stage_of` per (tactic, technique): the same few pairs recur over every alert."""
    found = tactic(tactic_text)
    if found is None:
        known = technique(technique_id)
        found = tactic(known.tactics[0]) if known else None
    return found.shortname if found else ""


@functools.lru_cache(maxsize=64)
def _chain_index(stage: str) -> int:
    return kill_chain_index(stage)


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _groups(
    alerts: Sequence[Alert], window: timedelta, kinds: frozenset[EntityKind], max_fanout: int
) -> list[list[int]]:
    """The connected groups of `alerts` (sorted by first_seen), each in alert order, the
    groups in the order of their first alert. Per alert and entity, so the union-find is
    spelled out inline: the root of a group is its smallest index."""
    linking = [[e for e in set(a.entities) if e.kind in kinds] for a in alerts]
    fanout = Counter([e for entities in linking for e in entities])
    busy = {e for e, n in fanout.items() if n > max_fanout}
    parent = list(range(len(alerts)))
    #: entity -> (index of the alert seen with it whose last occurrence is latest, that time)
    latest: dict[Entity, tuple[int, datetime]] = {}
    for i, alert in enumerate(alerts):
        entities = linking[i]
        if not entities:
            continue
        start, end = alert.first_seen, alert.last_seen
        if start.tzinfo is None:  # `_utc`, inline
            start = start.replace(tzinfo=UTC)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        for entity in entities:
            if entity in busy:
                continue
            seen = latest.get(entity)
            if seen is None:
                latest[entity] = (i, end)
                continue
            if start - seen[1] <= window:
                # union(seen[0], i): both roots, path halving, the larger under the smaller
                a = seen[0]
                while parent[a] != a:
                    parent[a] = parent[parent[a]]
                    a = parent[a]
                b = i
                while parent[b] != b:
                    parent[b] = parent[parent[b]]
                    b = parent[b]
                if a < b:
                    parent[b] = a
                elif b < a:
                    parent[a] = b
            if end >= seen[1]:
                latest[entity] = (i, end)
    groups: dict[int, list[int]] = {}
    for i in range(len(alerts)):
        root = i
        while parent[root] != root:
            parent[root] = parent[parent[root]]
            root = parent[root]
        groups.setdefault(root, []).append(i)
    return list(groups.values())


def _flat_counts(alerts: Iterable[Alert]) -> Counter[Entity]:
    """In how many alerts each entity occurs (counted in C, one pass)."""
    return Counter([e for alert in alerts for e in set(alert.entities)])


def _leaders(flat: Mapping[Entity, int]) -> dict[EntityKind, str]:
    """Per kind, its value in the most alerts, ties broken by the smaller value so titles are
    stable; from `_flat_counts` in one pass, no Counter per kind (an incident has few alerts,
    and a run makes incidents by the ten thousand)."""
    best: dict[EntityKind, tuple[int, str]] = {}
    for (kind, value), count in flat.items():
        held = best.get(kind)
        if held is None or count > held[0] or (count == held[0] and value < held[1]):
            best[kind] = (count, value)
    return {kind: value for kind, (_, value) in best.items()}


@functools.lru_cache(maxsize=1024)
def _story_names(stages: tuple[str, ...]) -> tuple[str, ...]:
    """The kill-chain names of `stages`, in kill-chain order (the same few tuples recur)."""
    return tuple(t.name for t in KILL_CHAIN if t.shortname in stages)


def _title(
    alerts: Sequence[Alert],
    stages: Sequence[str],
    leaders: Mapping[EntityKind, str] | None = None,
) -> str:
    """The incident's story; `leaders` are `_leaders` of the alerts when the caller has them."""
    names = _story_names(tuple(stages))
    story = " then ".join(names) if names else alerts[0].title
    if len(names) == 1 and len(alerts) == 1:
        story = alerts[0].title
    story = story[:1].upper() + story[1:]
    parts = [story]
    if leaders is None:
        leaders = _leaders(_flat_counts(alerts))
    identity = leaders.get(EntityKind.IDENTITY, "")
    host = leaders.get(EntityKind.HOST, "")
    if identity:
        parts.append(f"by identity {identity}")
    elif host:
        parts.append(f"on host {host}")
    else:
        resource = leaders.get(EntityKind.RESOURCE, "")
        if resource:
            parts.append(f"on resource {resource}")
    ip = leaders.get(EntityKind.IP, "")
    if ip:
        parts.append(f"from IP {ip}")
    if identity and host:
        parts.append(f"on host {host}")
    return " ".join(parts)


def _incident(alerts: list[Alert]) -> Incident:
    # each alert's sort key worked out once (its stage, then time, then id), the alerts
    # sorted by it: a stable sort of the indices is the stable sort of the alerts
    stages_of = [_stage(a.tactic, a.technique) for a in alerts]
    keys = [
        (_chain_index(stage), _utc(a.first_seen), a.id)
        for stage, a in zip(stages_of, alerts, strict=True)
    ]
    order = sorted(range(len(alerts)), key=keys.__getitem__)
    ordered = [alerts[i] for i in order]
    stages = tuple(dict.fromkeys([s for s in [stages_of[i] for i in order] if s]))
    severity = max([a.severity for a in ordered])
    if len(stages) >= 3:
        severity = Severity(min(severity + 1, Severity.CRITICAL))
    digest = hashlib.sha256("\x1f".join(sorted([a.id for a in ordered])).encode()).hexdigest()
    flat = _flat_counts(ordered)  # its keys: every entity of the incident
    return Incident(
        id=f"incident-{digest[:24]}",
        title=_title(ordered, stages, _leaders(flat)),
        entities=tuple(sorted(flat)),
        stages=stages,
        severity=severity,
        alerts=tuple(ordered),
        first_seen=min([keys[i][1] for i in order]),
        last_seen=max([_utc(a.last_seen) for a in ordered]),
    )


def fuse(
    alerts: Iterable[Alert],
    *,
    window: timedelta = timedelta(hours=24),
    link_kinds: frozenset[EntityKind] = DEFAULT_LINK_KINDS,
    min_alerts: int = 2,
    max_fanout: int = 50,
    include_dismissed: bool = False,
) -> list[Incident]:
    """Incidents of at least `min_alerts` alerts (1 gives every alert an incident), oldest
    first. Dismissed alerts take no part unless `include_dismissed`."""
    pool = sorted(
        [a for a in alerts if include_dismissed or a.status != AlertStatus.DISMISSED],
        key=lambda a: (_utc(a.first_seen), a.id),
    )
    incidents = [
        _incident([pool[i] for i in group])
        for group in _groups(pool, window, link_kinds, max_fanout)
        if len(group) >= min_alerts
    ]
    return sorted(incidents, key=lambda inc: (inc.first_seen, inc.id))
