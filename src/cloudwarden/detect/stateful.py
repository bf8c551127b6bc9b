"""Stateful detections: thresholds, sequences and volumes over a sliding window, per key.

Every detector implements `Detector`: `observe(event)` returns the alerts the event completes,
`flush(now)` drops state that can no longer contribute to an alert, and `state()` /
`restore(state)` round-trip the state through plain JSON so a detection carries on between runs
(a brute force split across two log files is still one brute force).

State is bounded: at most `max_keys` keys per detector (the least recently seen key is evicted
first), and per key only what the rule needs (the last `threshold` times, a fixed number of
volume buckets). Evidence events are kept in memory only, capped at `max_evidence` per key; after
a restore an alert's evidence starts with the events seen since. Each key alerts at most once per
`cooldown` (by default the window), so a sustained attack is one alert, not a storm.

Replays count once: the state keeps, per key, the time of the latest event it counted. After a
restore, an event of that key at or before that time is one the previous run already counted
(the same file read again, an overlapping delivery) and is ignored, so reading a log twice
never adds up to a threshold it did not reach. The mark is fixed for the run: events of the
current run never hide each other, whatever the order of the files.

A detector may declare the event `sources`, `actions` and `outcomes` it can conclude anything
from (`None`: any); a `Router` then hands each event only to the detectors it can concern, so a
detection costs nothing on the events of other log sources (nor a failure-only detection on the
successful calls that make most of a log). The declaration must cover every event the detector's
predicates accept: it is a routing shortcut, never an extra filter.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar, runtime_checkable

from cloudwarden.core.events import Alert, Event
from cloudwarden.detect.alerts import AlertBuilder

__all__ = [
    "STATE_VERSION",
    "Detector",
    "EventKey",
    "EventMatch",
    "PredicateDetector",
    "Router",
    "SequenceDetector",
    "ThresholdDetector",
    "VolumeDetector",
    "epoch",
]

STATE_VERSION = 1
#: is this event one the detector counts?
EventMatch = Callable[[Event], bool]
#: the key an event is counted under (source IP, actor, ...); "" to ignore the event
EventKey = Callable[[Event], str]

_V = TypeVar("_V")


@runtime_checkable
class Detector(Protocol):
    """A detection that needs more than one event, or more than a field match, to conclude."""

    @property
    def id(self) -> str: ...

    @property
    def sources(self) -> frozenset[str] | None:
        """The event sources the detector can alert on; `None` for any."""

    @property
    def actions(self) -> frozenset[str] | None:
        """The event actions the detector can alert on; `None` for any."""

    def observe(self, event: Event) -> list[Alert]: ...

    def flush(self, now: datetime) -> list[Alert]: ...

    def state(self) -> dict[str, Any]: ...

    def restore(self, state: Mapping[str, Any]) -> None: ...


def epoch(when: datetime) -> float:
    """Seconds since the epoch; naive datetimes are taken as UTC."""
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).timestamp()


class _Lru(OrderedDict[str, _V]):
    """A dict that forgets its least recently touched keys beyond `limit`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def touch(self, key: str, make: Callable[[], _V]) -> _V:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        while len(self) > self.limit:
            self.popitem(last=False)
        return value


@dataclass
class _Keyed:
    """What every windowed detector shares: the alert it raises, its key, match and window,
    cooldowns per key and capped in-memory evidence."""

    builder: AlertBuilder
    key: EventKey
    window: timedelta
    cooldown: timedelta | None = None
    max_keys: int = 10_000
    max_evidence: int = 20
    #: routing (see the module): the sources and actions `observe` can alert on, `None` for any
    sources: frozenset[str] | None = None
    actions: frozenset[str] | None = None
    #: routing by a test of the action name where no set can list them (`Delete*`): decided
    #: once per (source, action) by the `Router`, never per event
    action_filter: Callable[[str], bool] | None = None
    #: routing: the event outcomes `observe` can alert on (or count), `None` for any
    outcomes: frozenset[str] | None = None
    _quiet_until: _Lru[float] = field(init=False, repr=False)
    _evidence: _Lru[deque[Event]] = field(init=False, repr=False)
    #: per key: time of the latest event counted (saved), and as restored (fixed for the run)
    _counted_until: _Lru[float] = field(init=False, repr=False)
    _replayed_until: dict[str, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._quiet_until = _Lru(self.max_keys)
        self._evidence = _Lru(self.max_keys)
        self._counted_until = _Lru(self.max_keys)
        self._replayed_until = {}

    def _fresh(self, key: str, now: float) -> bool:
        """False for an event a previous run already counted; marks the key's latest event."""
        if self._replayed_until and now <= self._replayed_until.get(key, -1.0):
            return False
        if self._counted_until.touch(key, float) < now:
            self._counted_until[key] = now
        return True

    @property
    def id(self) -> str:
        return self.builder.type

    @property
    def _cooldown_seconds(self) -> float:
        return (self.cooldown or self.window).total_seconds()

    def _quiet(self, key: str, now: float) -> bool:
        return self._quiet_until.get(key, 0.0) > now

    def _remember(self, key: str, event: Event) -> None:
        self._evidence.touch(key, lambda: deque(maxlen=self.max_evidence)).append(event)

    def _alert(self, key: str, now: float, description: str) -> Alert:
        self._quiet_until.touch(key, float)
        self._quiet_until[key] = now + self._cooldown_seconds
        events = list(self._evidence.pop(key, deque()))
        return self.builder.build(events, description=description)

    def _base_state(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "type": self.id, "quiet_until": dict(self._quiet_until),
                "counted_until": dict(self._counted_until)}

    def _restore_base(self, state: Mapping[str, Any]) -> None:
        if state.get("version") != STATE_VERSION or state.get("type") != self.id:
            raise ValueError(f"{self.id}: state of another detector or version")
        self._quiet_until.clear()
        for key, until in state.get("quiet_until", {}).items():
            self._quiet_until.touch(str(key), float)
            self._quiet_until[str(key)] = float(until)
        self._counted_until.clear()
        for key, until in state.get("counted_until", {}).items():
            self._counted_until.touch(str(key), float)
            self._counted_until[str(key)] = float(until)
        self._replayed_until = dict(self._counted_until)

    def _flush_quiet(self, now: float) -> None:
        for key in [k for k, until in self._quiet_until.items() if until <= now]:
            del self._quiet_until[key]


#: (source, action) pairs a `Router` remembers; past that, it decides per event
_MAX_ROUTES = 4096


class Router:
    """Hands an event only to the detectors whose `sources`, `actions` and (when the outcome is
    given) `outcomes` admit it, in their original order. The detectors per (source, action,
    outcome) are worked out once and remembered."""

    def __init__(self, detectors: Iterable[Detector]) -> None:
        self.detectors = tuple(detectors)
        #: the routes worked out so far, by (source, action, outcome): a caller running per
        #: event may look here first and call `route` only when the key is missing
        self.routes: dict[tuple[str, str, str | None], tuple[Detector, ...]] = {}

    def route(self, source: str, action: str, outcome: str | None = None) -> tuple[Detector, ...]:
        key = (source, action, outcome)
        found = self.routes.get(key)
        if found is None:
            found = tuple(
                d
                for d in self.detectors
                if (d.sources is None or source in d.sources)
                and (d.actions is None or action in d.actions)
                and _admits(getattr(d, "action_filter", None), action)
                and _admits_outcome(getattr(d, "outcomes", None), outcome)
            )
            if len(self.routes) < _MAX_ROUTES:
                self.routes[key] = found
        return found


def _admits(action_filter: Callable[[str], bool] | None, action: str) -> bool:
    return action_filter is None or action_filter(action)


def _admits_outcome(outcomes: frozenset[str] | None, outcome: str | None) -> bool:
    return outcomes is None or outcome is None or outcome in outcomes


def _fresh_name(seen: Mapping[str, float], now: float) -> str:
    serial = 0
    while f"{now!r}#{serial}" in seen:
        serial += 1
    return f"{now!r}#{serial}"


@dataclass
class ThresholdDetector(_Keyed):
    """At least `threshold` matching events per key within `window`; with `distinct`, at least
    `threshold` distinct values of it (users tried from one IP, buckets deleted by one actor)."""

    match: EventMatch = lambda _event: True
    threshold: int = 10
    distinct: Callable[[Event], str] | None = None
    #: per key: time of each counted event (or of the latest sighting of each distinct value)
    _seen: _Lru[dict[str, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        self._seen = _Lru(self.max_keys)

    def observe(self, event: Event) -> list[Alert]:
        if not self.match(event):
            return []
        key = self.key(event)
        if not key:
            return []
        now = epoch(event.time)
        if not self._fresh(key, now) or self._quiet(key, now):
            return []
        seen = self._seen.touch(key, dict)
        value = self.distinct(event) if self.distinct else _fresh_name(seen, now)
        if not value:
            return []
        seen[value] = now
        horizon = now - self.window.total_seconds()
        for stale in [v for v, t in seen.items() if t < horizon]:
            del seen[stale]
        while len(seen) > self.threshold:  # keep only what can still reach the threshold
            del seen[min(seen, key=seen.__getitem__)]
        self._remember(key, event)
        if len(seen) < self.threshold:
            return []
        count = len(seen)
        del self._seen[key]
        what = "distinct values" if self.distinct else "events"
        minutes = self.window.total_seconds() / 60
        return [
            self._alert(
                key,
                now,
                f"{self.builder.description} {count} {what} for {key} within {minutes:g} minutes.",
            )
        ]

    def flush(self, now: datetime) -> list[Alert]:
        horizon = epoch(now) - self.window.total_seconds()
        for key in [k for k, seen in self._seen.items() if max(seen.values(), default=0) < horizon]:
            del self._seen[key]
            self._evidence.pop(key, None)
        self._flush_quiet(epoch(now))
        return []

    def state(self) -> dict[str, Any]:
        return {**self._base_state(), "seen": {k: dict(v) for k, v in self._seen.items()}}

    def restore(self, state: Mapping[str, Any]) -> None:
        self._restore_base(state)
        self._seen.clear()
        for key, seen in state.get("seen", {}).items():
            self._seen.touch(str(key), dict).update({str(v): float(t) for v, t in seen.items()})


@dataclass
class SequenceDetector(_Keyed):
    """`first` at least `min_first` times, then `then` at least `min_then` times, by the same key
    within `window`: failures then a success, secrets listed then read."""

    first: EventMatch = lambda _event: False
    then: EventMatch = lambda _event: False
    min_first: int = 1
    min_then: int = 1
    #: per key: times of `first` events (the last `min_first`) and of `then` events after them
    _steps: _Lru[dict[str, list[float]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._steps = _Lru(self.max_keys)

    def observe(self, event: Event) -> list[Alert]:
        is_first, is_then = self.first(event), self.then(event)
        if not (is_first or is_then):
            return []
        key = self.key(event)
        if not key:
            return []
        now = epoch(event.time)
        if not self._fresh(key, now) or self._quiet(key, now):
            return []
        horizon = now - self.window.total_seconds()
        if is_first:
            started = self._steps.touch(key, lambda: {"first": [], "then": []})
            recent = [*(t for t in started["first"] if t >= horizon), now]
            started["first"] = recent[-self.min_first :]
            started["then"] = []
            self._remember(key, event)
            return []
        steps = self._steps.get(key)
        if steps is None:
            return []
        steps["first"] = [t for t in steps["first"] if t >= horizon]
        if len(steps["first"]) < self.min_first:
            return []
        steps["then"] = [*(t for t in steps["then"] if t >= horizon), now][-self.min_then :]
        self._remember(key, event)
        if len(steps["then"]) < self.min_then:
            return []
        del self._steps[key]
        return [self._alert(key, now, f"{self.builder.description} Key: {key}.")]

    def flush(self, now: datetime) -> list[Alert]:
        horizon = epoch(now) - self.window.total_seconds()
        for key in [
            k
            for k, steps in self._steps.items()
            if max(steps["first"] + steps["then"], default=0) < horizon
        ]:
            del self._steps[key]
            self._evidence.pop(key, None)
        self._flush_quiet(epoch(now))
        return []

    def state(self) -> dict[str, Any]:
        return {
            **self._base_state(),
            "steps": {k: {n: list(ts) for n, ts in v.items()} for k, v in self._steps.items()},
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self._restore_base(state)
        self._steps.clear()
        for key, steps in state.get("steps", {}).items():
            self._steps.touch(str(key), dict).update(
                {n: [float(t) for t in steps.get(n, [])] for n in ("first", "then")}
            )


@dataclass
class VolumeDetector(_Keyed):
    """The sum of `measure` over matching events per key within `window` reaches `limit`
    (bytes read by one requester, resources deleted by one identity). Sums are kept in
    `buckets` time buckets per key, so memory does not grow with the event rate."""

    match: EventMatch = lambda _event: True
    measure: Callable[[Event], float] = lambda _event: 1.0
    limit: float = 100.0
    buckets: int = 30
    unit: str = "events"
    #: per key: bucket start (epoch seconds, as text for JSON) -> summed measure
    _sums: _Lru[dict[str, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._sums = _Lru(self.max_keys)

    @property
    def _width(self) -> float:
        return max(self.window.total_seconds() / self.buckets, 1.0)

    def observe(self, event: Event) -> list[Alert]:
        if not self.match(event):
            return []
        key = self.key(event)
        amount = self.measure(event)
        if not key or amount <= 0:
            return []
        now = epoch(event.time)
        if not self._fresh(key, now) or self._quiet(key, now):
            return []
        sums = self._sums.touch(key, dict)
        bucket = str(int(now // self._width * self._width))
        sums[bucket] = sums.get(bucket, 0.0) + amount
        horizon = now - self.window.total_seconds()
        for stale in [b for b in sums if float(b) + self._width <= horizon]:
            del sums[stale]
        self._remember(key, event)
        total = sum(sums.values())
        if total < self.limit:
            return []
        del self._sums[key]
        minutes = self.window.total_seconds() / 60
        return [
            self._alert(
                key,
                now,
                f"{self.builder.description} {total:g} {self.unit} for {key} "
                f"within {minutes:g} minutes (limit {self.limit:g}).",
            )
        ]

    def flush(self, now: datetime) -> list[Alert]:
        horizon = epoch(now) - self.window.total_seconds()
        for key in [
            k for k, s in self._sums.items() if all(float(b) + self._width <= horizon for b in s)
        ]:
            del self._sums[key]
            self._evidence.pop(key, None)
        self._flush_quiet(epoch(now))
        return []

    def state(self) -> dict[str, Any]:
        return {**self._base_state(), "sums": {k: dict(v) for k, v in self._sums.items()}}

    def restore(self, state: Mapping[str, Any]) -> None:
        self._restore_base(state)
        self._sums.clear()
        for key, sums in state.get("sums", {}).items():
            self._sums.touch(str(key), dict).update({str(b): float(s) for b, s in sums.items()})


@dataclass
class PredicateDetector(_Keyed):
    """One event suffices, but deciding needs code (entropy of a domain, a public principal
    deep in a policy document). `explain` returns why the event is suspicious, or "" when it
    is not; each key alerts once per cooldown."""

    explain: Callable[[Event], str] = lambda _event: ""

    def observe(self, event: Event) -> list[Alert]:
        reason = self.explain(event)
        if not reason:
            return []
        key = self.key(event)
        if not key:
            return []
        now = epoch(event.time)
        if not self._fresh(key, now) or self._quiet(key, now):
            return []
        self._remember(key, event)
        return [self._alert(key, now, f"{self.builder.description} {reason}")]

    def flush(self, now: datetime) -> list[Alert]:
        self._flush_quiet(epoch(now))
        return []

    def state(self) -> dict[str, Any]:
        return self._base_state()

    def restore(self, state: Mapping[str, Any]) -> None:
        self._restore_base(state)
