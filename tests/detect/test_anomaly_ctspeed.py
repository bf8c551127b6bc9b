"""`AnomalyDetector.observe` spells its per-event work for speed (late events of a closed hour
decided inline, the same-hour count inline); it must raise the alerts and keep the state the
plain spelling does, event by event, whatever the times: naive, aware, other offsets, out of
order, repeated (the same datetime object or an equal one), across a saved and restored state."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone

import orjson

from cloudwarden.core.events import Alert, Event
from cloudwarden.detect import anomaly
from cloudwarden.detect.anomaly import AnomalyConfig, AnomalyDetector


class _Reference(AnomalyDetector):
    """`observe` as it was, each step spelled plainly (the helpers are shared)."""

    def observe(self, event: Event) -> list[Alert]:
        identity = event.actor
        if not identity:
            return []
        when = event.time
        now = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()
        profile = self._profiles.get(identity)
        if profile is None:
            self._new_profile(identity, event, now)
            return []
        if self._replayed_until and now <= self._replayed_until.get(identity, -1.0):
            return []
        self._profiles.move_to_end(identity)
        config = self.config
        alerts: list[Alert] = []
        learned = now - profile.first_seen >= config.learning.total_seconds()
        idle = now - profile.last_seen
        if idle >= config.dormant_after.total_seconds():
            alerts += self._raise(
                anomaly._DORMANT, profile, identity, event, now,
                f"No activity for {idle / 86_400:.0f} days.",
            )  # fmt: skip
        action = f"{event.source}:{event.action}"
        if action not in profile.actions:
            self._learn(profile.actions, action, now, config.max_actions)
            if learned:
                alerts += self._raise(
                    anomaly._FIRST_ACTION, profile, identity, event, now, f"First time: {action}."
                )
        network = anomaly.source_network(event.source_ip)
        if network:
            if network in profile.networks:
                del profile.networks[network]
                profile.networks[network] = now
            else:
                if learned:
                    alerts += self._raise(
                        anomaly._NEW_NETWORK, profile, identity, event, now,
                        f"New network: {network}.",
                    )  # fmt: skip
                self._learn(profile.networks, network, now, config.max_networks)
        alerts += self._count(profile, identity, event, now, learned)
        if now > profile.last_seen:
            profile.last_seen = now
        return alerts


CONFIG = AnomalyConfig(
    learning=timedelta(hours=6), dormant_after=timedelta(days=2), cooldown=timedelta(minutes=20),
    k_sigma=1.0, min_history=3, min_volume=4, max_identities=5, max_actions=4, max_networks=3,
)  # fmt: skip
T0 = datetime(2026, 3, 1, tzinfo=UTC)
ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
ACTORS = ["alice", "bob", "carol", "dave", "erin", "frank", "", "arn:aws:iam::1:user/x"]
ADDRESSES = ["198.51.100.7", "198.51.100.9", "203.0.113.4", "192.0.2.1", "10.0.0.1",
             "2001:db8::1", "ec2.amazonaws.com", "", "-"]  # fmt: skip


def _time(rng: random.Random, offset: float) -> datetime:
    when = T0 + timedelta(seconds=offset)
    if rng.random() < 0.3:
        when = when.replace(microsecond=rng.choice([0, 1, 500_000, 999_999]))
    kind = rng.random()
    if kind < 0.15:
        return when.replace(tzinfo=None)  # naive: taken as UTC
    if kind < 0.3:
        return when.astimezone(rng.choice(ZONES))
    return when


def _events(rng: random.Random, count: int) -> list[Event]:
    events: list[Event] = []
    offset = 0.0
    when = _time(rng, offset)
    for _ in range(count):
        step = rng.random()
        if step < 0.35:
            pass  # the same second: often the very same datetime, as a parser shares it
        elif step < 0.75:
            offset += rng.choice([1, 30, 600, 3599, 3600])
        elif step < 0.85:
            offset -= rng.choice([5, 3600, 7200, 86_400])  # late, out of order
        elif step < 0.95:
            offset += rng.choice([86_400, 3 * 86_400])  # a new day, a dormant identity
        if step >= 0.35 or rng.random() < 0.3:
            when = _time(rng, offset)  # a new object (sometimes equal to the one before)
        actor = rng.choice(ACTORS[:3]) if rng.random() < 0.6 else rng.choice(ACTORS)
        event = Event(
            when, rng.choice(["aws.cloudtrail", "gcp.audit"]),
            rng.choice(["GetObject", "PutObject", "ListBuckets", "AssumeRole", "StopLogging",
                        "CreateUser"]),
            actor=actor, source_ip=rng.choice(ADDRESSES), origin=f"f:{len(events)}",
        )  # fmt: skip
        events.append(event)
        if rng.random() < 0.05:
            events.append(event)  # a duplicate
    return events


def _state(detector: AnomalyDetector) -> bytes:
    return orjson.dumps(detector.state())  # in order: the LRU order is state too


def _run(detector: AnomalyDetector, reference: AnomalyDetector, events: list[Event]) -> int:
    raised = 0
    for event in events:
        got, expected = detector.observe(event), reference.observe(event)
        assert got == expected, event
        raised += len(got)
    assert _state(detector) == _state(reference)
    return raised


def test_observe_is_the_plain_spelling() -> None:
    rng = random.Random(5)
    raised: set[str] = set()
    for _ in range(60):
        detector, reference = AnomalyDetector(CONFIG), _Reference(CONFIG)
        events = _events(rng, rng.randrange(50, 400))
        cut = rng.randrange(len(events))
        for e in events[:cut]:
            alerts = detector.observe(e)
            assert alerts == reference.observe(e), e
            raised.update(a.type for a in alerts)
        if rng.random() < 0.3:
            at = events[cut - 1].time if cut else T0
            assert detector.flush(at) == reference.flush(at) == []
        assert _state(detector) == _state(reference)
        if rng.random() < 0.5:  # a later run: the state restored, part of the log read again
            state = orjson.loads(_state(detector))
            detector, reference = AnomalyDetector(CONFIG), _Reference(CONFIG)
            detector.restore(state)
            reference.restore(state)
            cut = rng.randrange(cut + 1)
        _run(detector, reference, events[cut:])
    assert raised == set(anomaly.ANOMALY_TYPES)  # every detection was reached


def test_epochs_of_times_that_compare_equal_but_differ() -> None:
    """Equal times of other zones or none, one after the other: each its own epoch."""
    base = datetime(2026, 3, 1, 12, tzinfo=UTC)
    times = [base, base.astimezone(ZONES[1]), base.replace(tzinfo=None), base,
             base.replace(tzinfo=ZONES[2]), base.replace(tzinfo=ZONES[2]), base]
    detector, reference = AnomalyDetector(CONFIG), _Reference(CONFIG)
    events = [Event(when, "aws.cloudtrail", "GetObject", actor="alice") for when in times]
    _run(detector, reference, events)
    last_seen = detector.state()["identities"]["alice"]["last_seen"]
    assert math.isclose(last_seen, base.timestamp() + 5.5 * 3600)
