"""Alerts: built from events with their entities, deduplicated and aggregated over a window,
moved through their statuses, and suppressed by rules.

An alert's id is stable: the same detection on the same key entities in the same aggregation
window always gets the same id, so re-running a detection over the same logs does not
create new alerts. Suppressed alerts are kept and counted, never dropped silently.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.attack import tactic as find_tactic
from cloudwarden.detect.attack import technique as find_technique

__all__ = [
    "DEFAULT_KEY_KINDS",
    "MAX_EVIDENCE",
    "TRANSITIONS",
    "AlertAggregator",
    "AlertBuilder",
    "InvalidTransitionError",
    "SuppressionRule",
    "alert_id",
    "entities_of",
    "load_suppressions",
    "transition",
]

MAX_EVIDENCE = 20
#: the entities that make two occurrences of one detection the same alert
DEFAULT_KEY_KINDS: frozenset[EntityKind] = frozenset(
    {EntityKind.IDENTITY, EntityKind.IP, EntityKind.HOST, EntityKind.RESOURCE}
)
#: allowed status changes; a resolved or dismissed alert can only be reopened (active)
TRANSITIONS: Mapping[AlertStatus, frozenset[AlertStatus]] = {
    AlertStatus.NEW: frozenset({AlertStatus.ACTIVE, AlertStatus.RESOLVED, AlertStatus.DISMISSED}),
    AlertStatus.ACTIVE: frozenset({AlertStatus.RESOLVED, AlertStatus.DISMISSED}),
    AlertStatus.RESOLVED: frozenset({AlertStatus.ACTIVE}),
    AlertStatus.DISMISSED: frozenset({AlertStatus.ACTIVE}),
}


class InvalidTransitionError(ValueError):
    """A status change that `TRANSITIONS` does not allow."""


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


_IDENTITY, _IP, _HOST, _RESOURCE, _PROCESS, _DOMAIN = (
    EntityKind.IDENTITY, EntityKind.IP, EntityKind.HOST, EntityKind.RESOURCE, EntityKind.PROCESS,
    EntityKind.DOMAIN,
)  # read once: an attribute of an Enum class goes through the metaclass's __getattr__ hook
#: `Entity(kind, value)` without NamedTuple's Python-level __new__ (the same tuple)
_entity = tuple.__new__


#: the kinds `entities_of` finds in an event, in their sort order (a StrEnum sorts by value)
_ONE_EVENT_ORDER = (_DOMAIN, _HOST, _IDENTITY, _IP, _PROCESS, _RESOURCE)


def entities_of(events: Iterable[Event]) -> tuple[Entity, ...]:
    """Entities named by events: actor -> identity, source_ip -> ip, host, targets -> resource,
    process, domain. Sorted and without duplicates."""
    if type(events) is tuple and len(events) == 1:
        return _entities_of_one(events[0])
    found: set[Entity] = set()
    add = found.add
    for event in events:  # per alert occurrence: each kind spelled out
        if event.actor:
            add(_entity(Entity, (_IDENTITY, event.actor)))
        if event.source_ip:
            add(_entity(Entity, (_IP, event.source_ip)))
        if event.host:
            add(_entity(Entity, (_HOST, event.host)))
        if event.process:
            add(_entity(Entity, (_PROCESS, event.process)))
        if event.domain:
            add(_entity(Entity, (_DOMAIN, event.domain)))
        for target in event.targets:
            if target:
                add(_entity(Entity, (_RESOURCE, target)))
    return tuple(sorted(found))


def _entities_of_one(event: Event) -> tuple[Entity, ...]:
    """`entities_of((event,))`, the usual Sigma match: one event names at most one entity of
    each kind but resources, so they come out sorted without a set or a sort (kinds in
    `_ONE_EVENT_ORDER`, the resources sorted among themselves)."""
    found: list[Entity] = []
    if event.domain:
        found.append(_entity(Entity, (_DOMAIN, event.domain)))
    if event.host:
        found.append(_entity(Entity, (_HOST, event.host)))
    if event.actor:
        found.append(_entity(Entity, (_IDENTITY, event.actor)))
    if event.source_ip:
        found.append(_entity(Entity, (_IP, event.source_ip)))
    if event.process:
        found.append(_entity(Entity, (_PROCESS, event.process)))
    targets = event.targets
    if len(targets) == 1:
        if targets[0]:
            found.append(_entity(Entity, (_RESOURCE, targets[0])))
    elif targets:
        found.extend([_entity(Entity, (_RESOURCE, t)) for t in sorted(set(targets)) if t])
    return tuple(found)


def _key_entities(entities: Iterable[Entity], kinds: frozenset[EntityKind]) -> tuple[Entity, ...]:
    return tuple(sorted({e for e in entities if e.kind in kinds}))


def alert_id(alert_type: str, key_entities: Iterable[Entity], window_start: datetime) -> str:
    """Stable id: the detection, its key entities and the start of its aggregation window."""
    return _alert_id(alert_type, sorted(set(key_entities)), window_start)


def _alert_id(alert_type: str, key: Sequence[Entity], window_start: datetime) -> str:
    """`alert_id` of key entities already sorted and without duplicates (`_key_entities`)."""
    parts = [alert_type, _utc(window_start).isoformat()]
    # `{kind}` is the kind's value (a StrEnum formats as its value), without the slow `.value`
    parts.extend([f"{kind}={value}" for kind, value in key])
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"alert-{digest[:24]}"


def transition(alert: Alert, to: AlertStatus) -> Alert:
    """The alert in status `to`; raises InvalidTransitionError when not allowed. A change to
    the status it already has is a no-op."""
    if alert.status == to:
        return alert
    if to not in TRANSITIONS[alert.status]:
        raise InvalidTransitionError(
            f"alert {alert.id}: cannot go from {alert.status.value} to {to.value}"
        )
    return replace(alert, status=to)


@functools.lru_cache(maxsize=1024)
def _tactic_id(tactic: str, technique: str) -> str:
    """`AlertBuilder.tactic_id`, worked out once per detection (it asks on every alert)."""
    if tactic:
        found = find_tactic(tactic)
        return found.id if found else tactic
    known = find_technique(technique)
    if known is None:
        return ""
    first = find_tactic(known.tactics[0])
    return first.id if first else ""


@dataclass(frozen=True, slots=True)
class AlertBuilder:
    """What a detection knows about the alerts it raises; `build(events)` makes one.

    When only the technique is given, the tactic is the technique's first tactic in
    `cloudwarden.detect.attack`; `Alert.tactic` holds the ATT&CK tactic id (`TA0006`).
    """

    type: str
    title: str
    severity: Severity
    description: str = ""
    technique: str = ""
    tactic: str = ""
    remediation: str = ""
    key_kinds: frozenset[EntityKind] = DEFAULT_KEY_KINDS
    max_evidence: int = MAX_EVIDENCE

    def tactic_id(self) -> str:
        return _tactic_id(self.tactic, self.technique)

    def build(
        self,
        events: Sequence[Event],
        *,
        entities: Iterable[Entity] = (),
        title: str = "",
        description: str = "",
        resources: Iterable[str] = (),
    ) -> Alert:
        """One alert over `events` (at least one); `entities` adds to those of the events."""
        if not events:
            raise ValueError(f"{self.type}: an alert needs at least one event")
        ordered = sorted(events, key=lambda e: _utc(e.time))
        all_entities = tuple(sorted(set(entities_of(ordered)) | set(entities)))
        first, last = _utc(ordered[0].time), _utc(ordered[-1].time)
        targets = {t for e in ordered for t in e.targets} | set(resources)
        return Alert(
            id=_alert_id(self.type, _key_entities(all_entities, self.key_kinds), first),
            type=self.type,
            title=title or self.title,
            severity=self.severity,
            description=description or self.description,
            first_seen=first,
            last_seen=last,
            tactic=self.tactic_id(),
            technique=self.technique,
            entities=all_entities,
            resources=tuple(sorted(targets)),
            evidence=tuple(ordered[: self.max_evidence]),
            remediation=self.remediation,
            count=len(ordered),
        )


class SuppressionRule(BaseModel):
    """Suppresses alerts whose type matches the glob `type` and which carry, for every kind
    in `entities`, at least one entity whose value matches one of that kind's globs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    type: str = "*"
    entities: dict[EntityKind, tuple[str, ...]] = Field(default_factory=dict)
    reason: str = Field(min_length=1)
    expires: datetime | None = None

    @field_validator("expires")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("expires needs a timezone (e.g. 2025-01-31T00:00:00Z)")
        return value

    @field_validator("entities")
    @classmethod
    def _non_empty(cls, value: dict[EntityKind, tuple[str, ...]]) -> Any:
        empty = [kind.value for kind, globs in value.items() if not globs]
        if empty:
            raise ValueError(f"no values given for entity kinds {empty}")
        return value

    def active(self, now: datetime) -> bool:
        return self.expires is None or _utc(now) < self.expires

    def matches(self, alert: Alert, now: datetime) -> bool:
        if not self.active(now) or not fnmatch.fnmatchcase(alert.type, self.type):
            return False
        for kind, globs in self.entities.items():
            values = [e.value for e in alert.entities if e.kind == kind]
            if not any(fnmatch.fnmatchcase(v, g) for v in values for g in globs):
                return False
        return True


def load_suppressions(data: Iterable[Mapping[str, Any]]) -> list[SuppressionRule]:
    """Rules from parsed YAML/JSON documents; pydantic errors name the bad field. Duplicate
    names are an error."""
    rules = [SuppressionRule.model_validate(item) for item in data]
    seen = Counter(rule.name for rule in rules)
    duplicates = sorted(name for name, count in seen.items() if count > 1)
    if duplicates:
        raise ValueError(f"duplicate suppression rule names: {', '.join(duplicates)}")
    return rules


def _evidence_key(event: Event) -> tuple[Any, ...] | Event:
    """What makes two evidence events the same: the record they were read from (origin and
    time), else - for events without an origin - the event itself (compared by equality)."""
    return (event.origin, event.time, event.action) if event.origin else event


def _merged_evidence(current: tuple[Event, ...], new: tuple[Event, ...],
                     max_evidence: int) -> tuple[Event, ...]:
    """The earliest `max_evidence` distinct events of both. A sustained attack adds later
    occurrences to a full evidence list all the time: those cannot enter it, so they cost no
    sort and no comparison."""
    if len(current) >= max_evidence and current:
        last = _utc(current[-1].time)
        if all(_utc(e.time) > last for e in new):
            return current
    evidence: list[Event] = []
    seen: list[tuple[Any, ...] | Event] = []
    for event in sorted([*current, *new], key=lambda e: _utc(e.time)):
        key = _evidence_key(event)
        if key not in seen:  # events hold dicts: not hashable, compared by equality
            seen.append(key)
            evidence.append(event)
            if len(evidence) == max_evidence:
                break
    return tuple(evidence)


def _merge(current: Alert, new: Alert, max_evidence: int) -> Alert:
    status = current.status
    if status == AlertStatus.RESOLVED:
        status = AlertStatus.ACTIVE  # it happened again: reopen
    # `replace(current, ...)` spelled out: `replace` walks the dataclass fields on every call
    return Alert(
        current.id,
        current.type,
        current.title,
        max(current.severity, new.severity),
        current.description,
        min(current.first_seen, new.first_seen),
        max(current.last_seen, new.last_seen),
        current.tactic,
        current.technique,
        tuple(sorted({*current.entities, *new.entities})),
        tuple(sorted({*current.resources, *new.resources})),
        _merged_evidence(current.evidence, new.evidence, max_evidence),
        current.remediation,
        current.count + new.count,
        status,
        current.assets,
    )


def _renamed(alert: Alert, new_id: str) -> Alert:
    """`replace(alert, id=new_id)`, spelled out (`replace` walks the fields on every call)."""
    return Alert(
        new_id, alert.type, alert.title, alert.severity, alert.description, alert.first_seen,
        alert.last_seen, alert.tactic, alert.technique, alert.entities, alert.resources,
        alert.evidence, alert.remediation, alert.count, alert.status, alert.assets,
    )


@dataclass
class _Bucket:
    alerts: dict[str, Alert] = field(default_factory=dict)
    #: (type, key entities) -> id of the alert whose window is open
    open: dict[tuple[str, tuple[Entity, ...]], str] = field(default_factory=dict)

    def add(
        self, alert: Alert, key_kinds: frozenset[EntityKind], window: timedelta, cap: int
    ) -> Alert:
        key = (alert.type, _key_entities(alert.entities, key_kinds))
        open_id = self.open.get(key)
        if open_id is not None:
            current = self.alerts[open_id]
            if _utc(alert.first_seen) - current.first_seen <= window:
                merged = _merge(current, alert, cap)
                self.alerts[open_id] = merged
                return merged
        fresh_id = _alert_id(alert.type, key[1], alert.first_seen)
        # built with its aggregation id already (`AlertBuilder` with the same key kinds): as is
        fresh = alert if alert.id == fresh_id else _renamed(alert, fresh_id)
        if fresh.id in self.alerts:  # the same occurrence seen again (a re-run)
            fresh = _merge(self.alerts[fresh.id], fresh, cap)
        self.alerts[fresh.id] = fresh
        self.open[key] = fresh.id
        return fresh


class AlertAggregator:
    """Deduplicates and aggregates alerts: occurrences of one type on the same key entities
    whose first event falls within `window` of the open alert's first event become one alert
    (count summed, first/last seen widened, evidence capped at `max_evidence`). Feed
    occurrences in time order. Suppressed alerts are aggregated apart and counted per rule.
    `clock` gives "now" for suppression expiry (tests pass a fixed one).
    """

    def __init__(
        self,
        *,
        window: timedelta = timedelta(minutes=60),
        max_evidence: int = MAX_EVIDENCE,
        key_kinds: frozenset[EntityKind] = DEFAULT_KEY_KINDS,
        suppressions: Iterable[SuppressionRule] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if window < timedelta(0) or max_evidence < 1:
            raise ValueError("window must be >= 0 and max_evidence >= 1")
        self.window = window
        self.max_evidence = max_evidence
        self.key_kinds = key_kinds
        self.suppressions = tuple(suppressions)
        self._clock = clock
        self._kept = _Bucket()
        self._suppressed = _Bucket()
        #: suppression rule name -> occurrences it suppressed
        self.suppressed_counts: Counter[str] = Counter()

    def add(self, alert: Alert) -> Alert | None:
        """Adds one occurrence; returns the aggregated alert, or None when suppressed. Times
        without a zone are taken as UTC, as every parser reads them: an alert kept naive could
        not be compared with the next occurrence's aware times."""
        if alert.first_seen.tzinfo is None or alert.last_seen.tzinfo is None:
            alert = replace(alert, first_seen=_utc(alert.first_seen),
                            last_seen=_utc(alert.last_seen))
        if not self.suppressions:
            return self._kept.add(alert, self.key_kinds, self.window, self.max_evidence)
        now = self._clock()
        rule = next((r for r in self.suppressions if r.matches(alert, now)), None)
        if rule is not None:
            self.suppressed_counts[rule.name] += alert.count
            self._suppressed.add(alert, self.key_kinds, self.window, self.max_evidence)
            return None
        return self._kept.add(alert, self.key_kinds, self.window, self.max_evidence)

    def add_all(self, alerts: Iterable[Alert]) -> None:
        for alert in sorted(alerts, key=lambda a: _utc(a.first_seen)):
            self.add(alert)

    def alerts(self) -> list[Alert]:
        """Kept alerts, oldest first."""
        return sorted(self._kept.alerts.values(), key=lambda a: (a.first_seen, a.id))

    def suppressed(self) -> list[Alert]:
        """Suppressed alerts (aggregated like the others), oldest first."""
        return sorted(self._suppressed.alerts.values(), key=lambda a: (a.first_seen, a.id))

    def get(self, alert_id: str) -> Alert:
        return self._kept.alerts[alert_id]

    def set_status(self, alert_id: str, status: AlertStatus) -> Alert:
        """Moves a kept alert to `status` (raises InvalidTransitionError, KeyError)."""
        changed = transition(self._kept.alerts[alert_id], status)
        self._kept.alerts[alert_id] = changed
        return changed

    def resolve_inactive(self, idle: timedelta) -> list[Alert]:
        """Resolves new and active alerts with no occurrence for `idle` before now."""
        now = _utc(self._clock())
        resolved = []
        for alert in self.alerts():
            live = alert.status in (AlertStatus.NEW, AlertStatus.ACTIVE)
            if live and now - alert.last_seen >= idle:
                resolved.append(self.set_status(alert.id, AlertStatus.RESOLVED))
        return resolved
