"""Anomaly detections: each identity against its own history, persisted between runs.

Four detections share one profile per identity (`Event.actor`):

- `anomaly.first_seen_action`: an operation the identity has never performed before;
- `anomaly.new_source_network`: a call from a network (/24 IPv4, /48 IPv6) it has never used;
- `anomaly.dormant_identity`: activity after `dormant_after` without any;
- `anomaly.volume_spike`: more events in an hour than its exponentially weighted baseline
  (mean + `k_sigma` standard deviations), once `min_history` hours are known.

All but the dormant identity stay silent while an identity is learning (its first `learning`
period; the volume baseline also needs `min_history` hours), so a new deployment or a new
identity does not flood the queue. Each identity raises a given anomaly at
most once per `cooldown`; what it did meanwhile is still learned. Time is the events' time, so
replaying old logs gives the same alerts. State is plain JSON: `save(path)` writes it atomically
(temporary file + rename) and `AnomalyDetector.load(path)` resumes it.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from cloudwarden.core.events import Alert, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import AlertBuilder

__all__ = [
    "ANOMALY_TYPES",
    "STATE_VERSION",
    "AnomalyConfig",
    "AnomalyDetector",
    "Baseline",
    "source_network",
]

STATE_VERSION = 1

_FIRST_ACTION = AlertBuilder(
    type="anomaly.first_seen_action",
    title="Identity performed an operation for the first time",
    severity=Severity.LOW,
    description="The identity performed an operation it had not performed before.",
    tactic="discovery",
    technique="T1078",
    remediation="Confirm the operation with the identity's owner; if it is not theirs, rotate "
    "its credentials and review its other recent activity.",
)
_NEW_NETWORK = AlertBuilder(
    type="anomaly.new_source_network",
    title="Identity used from a new network",
    severity=Severity.MEDIUM,
    description="The identity made calls from a network it had never used.",
    tactic="initial_access",
    technique="T1078",
    remediation="Confirm the location with the identity's owner; if unknown, revoke its "
    "sessions, rotate its credentials and restrict it to known networks.",
)
_DORMANT = AlertBuilder(
    type="anomaly.dormant_identity",
    title="Dormant identity active again",
    severity=Severity.MEDIUM,
    description="An identity that had been inactive for a long time is active again.",
    tactic="initial_access",
    technique="T1078",
    remediation="Confirm the identity is still needed and used by its owner; disable unused "
    "identities and their keys.",
)
_VOLUME = AlertBuilder(
    type="anomaly.volume_spike",
    title="Unusual activity volume for an identity",
    severity=Severity.MEDIUM,
    description="The identity generated far more events in an hour than its usual rate.",
    tactic="collection",
    technique="T1530",
    remediation="Review what the identity did during the spike; rotate its credentials if the "
    "activity is not explained.",
)
#: every anomaly detection's alert type
ANOMALY_TYPES: tuple[str, ...] = tuple(
    b.type for b in (_FIRST_ACTION, _NEW_NETWORK, _DORMANT, _VOLUME)
)


@dataclass(frozen=True, slots=True)
class AnomalyConfig:
    learning: timedelta = timedelta(days=7)
    dormant_after: timedelta = timedelta(days=30)
    cooldown: timedelta = timedelta(hours=1)
    #: weight of the newest hour in the running baseline
    alpha: float = 0.1
    k_sigma: float = 4.0
    min_history: int = 24
    #: a spike needs at least this many events, however quiet the baseline
    min_volume: int = 20
    max_identities: int = 50_000
    max_actions: int = 2_000
    max_networks: int = 256


def _epoch(when: datetime) -> float:
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).timestamp()


#: a dotted quad as `ipaddress` writes it: four decimal octets 0-255, no leading zero
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
#: address -> network, for the addresses seen lately (cleared when full)
_NETWORKS: dict[str, str] = {}
_MAX_NETWORKS_MEMO = 65536


def source_network(address: str) -> str:
    """The network an address belongs to for `anomaly.new_source_network`: its /24 (IPv4) or
    /48 (IPv6); "" for what is not an IP address (`ec2.amazonaws.com`, `-`). Remembered: the
    same addresses recur across an event stream, and parsing one costs microseconds."""
    network = _NETWORKS.get(address)
    if network is None:
        if len(_NETWORKS) >= _MAX_NETWORKS_MEMO:
            _NETWORKS.clear()
        network = _NETWORKS[address] = _network(address)
    return network


def _network(address: str) -> str:
    if _CANONICAL_IPV4.fullmatch(address):  # the common case, fast: its /24 is its text
        return f"{address[: address.rindex('.')]}.0/24"
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@dataclass
class Baseline:
    """Exponentially weighted mean and variance of an hourly count."""

    mean: float = 0.0
    var: float = 0.0
    samples: int = 0

    def add(self, value: float, alpha: float) -> None:
        if self.samples == 0:
            self.mean, self.var = value, 0.0
        else:
            diff = value - self.mean
            increment = alpha * diff
            self.mean += increment
            self.var = (1 - alpha) * (self.var + diff * increment)
        self.samples += 1

    def limit(self, k_sigma: float) -> float:
        return self.mean + k_sigma * math.sqrt(max(self.var, 0.0))


@dataclass
class _Profile:
    first_seen: float
    last_seen: float
    actions: dict[str, float] = field(default_factory=dict)
    networks: dict[str, float] = field(default_factory=dict)
    quiet_until: dict[str, float] = field(default_factory=dict)
    baseline: Baseline = field(default_factory=Baseline)
    hour: float = 0.0
    hour_count: int = 0
    hour_alerted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "actions": self.actions,
            "networks": self.networks,
            "quiet_until": self.quiet_until,
            "baseline": [self.baseline.mean, self.baseline.var, self.baseline.samples],
            "hour": [self.hour, self.hour_count, self.hour_alerted],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> _Profile:
        mean, var, samples = data.get("baseline", [0.0, 0.0, 0])
        hour, count, alerted = data.get("hour", [0.0, 0, False])
        return cls(
            first_seen=float(data["first_seen"]),
            last_seen=float(data["last_seen"]),
            actions={str(k): float(v) for k, v in data.get("actions", {}).items()},
            networks={str(k): float(v) for k, v in data.get("networks", {}).items()},
            quiet_until={str(k): float(v) for k, v in data.get("quiet_until", {}).items()},
            baseline=Baseline(float(mean), float(var), int(samples)),
            hour=float(hour),
            hour_count=int(count),
            hour_alerted=bool(alerted),
        )


_HOUR = 3600.0
#: hours of silence fed to the baseline as zeros at most (a week)
_MAX_GAP_HOURS = 168


class AnomalyDetector:
    """The four anomaly detections over one shared profile per identity (see the module)."""

    def __init__(self, config: AnomalyConfig | None = None) -> None:
        self.config = config or AnomalyConfig()
        self._profiles: OrderedDict[str, _Profile] = OrderedDict()
        #: identity -> time of its last event when the state was restored (fixed for the run)
        self._replayed_until: dict[str, float] = {}
        self._seconds_of: AnomalyConfig | None = None
        self._learning = self._dormant_after = 0.0

    @property
    def id(self) -> str:
        return "anomaly"

    @property
    def sources(self) -> frozenset[str] | None:
        return None  # every identity's events, whatever their source

    @property
    def actions(self) -> frozenset[str] | None:
        return None

    # ------------------------------------------------------------------ detection
    def observe(self, event: Event) -> list[Alert]:
        identity = event.actor
        if not identity:
            return []
        when = event.time
        now = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()
        profiles = self._profiles
        profile = profiles.get(identity)
        if profile is None:
            self._new_profile(identity, event, now)
            return []
        if self._replayed_until and now <= self._replayed_until.get(identity, -1.0):
            return []  # already learned from and counted by an earlier run
        profiles.move_to_end(identity)
        if self._seconds_of is not self.config:  # the config's durations, converted once
            self._seconds_of = self.config
            self._learning = self.config.learning.total_seconds()
            self._dormant_after = self.config.dormant_after.total_seconds()
        alerts: list[Alert] = []
        learned = now - profile.first_seen >= self._learning
        idle = now - profile.last_seen
        if idle >= self._dormant_after:
            days = idle / 86_400
            alerts += self._raise(
                _DORMANT, profile, identity, event, now, f"No activity for {days:.0f} days."
            )
        action = f"{event.source}:{event.action}"
        if action not in profile.actions:
            self._learn(profile.actions, action, now, self.config.max_actions)
            if learned:
                alerts += self._raise(
                    _FIRST_ACTION, profile, identity, event, now, f"First time: {action}."
                )
        network = _NETWORKS.get(event.source_ip)  # `source_network`, without the call
        if network is None:
            network = source_network(event.source_ip)
        if network:
            networks = profile.networks
            if network in networks:
                del networks[network]
                networks[network] = now
            else:
                if learned:
                    alerts += self._raise(
                        _NEW_NETWORK, profile, identity, event, now, f"New network: {network}."
                    )
                self._learn(networks, network, now, self.config.max_networks)
        # what `_count` does, inlined for the common cases: in the same hour, when no spike is
        # possible, the event is only counted; a late event of a closed hour (out-of-order
        # logs) is already in the baseline
        hour = now // _HOUR * _HOUR
        if hour == profile.hour and (
            profile.hour_alerted
            or not learned
            or profile.baseline.samples < self.config.min_history
        ):
            profile.hour_count += 1
        elif hour < profile.hour:
            pass
        else:
            alerts += self._count(profile, identity, event, now, learned)
        if now > profile.last_seen:
            profile.last_seen = now
        return alerts

    def flush(self, now: datetime) -> list[Alert]:
        """Close the hourly buckets that ended before `now` into the baselines."""
        at = _epoch(now)
        for profile in self._profiles.values():
            self._roll(profile, at)
        return []

    def _new_profile(self, identity: str, event: Event, now: float) -> None:
        profile = _Profile(first_seen=now, last_seen=now, hour=_hour(now), hour_count=1)
        profile.actions[f"{event.source}:{event.action}"] = now
        network = source_network(event.source_ip)
        if network:
            profile.networks[network] = now
        self._profiles[identity] = profile
        while len(self._profiles) > self.config.max_identities:
            self._profiles.popitem(last=False)

    @staticmethod
    def _learn(known: dict[str, float], key: str, now: float, limit: int) -> None:
        known.pop(key, None)
        known[key] = now
        while len(known) > limit:
            del known[next(iter(known))]

    def _raise(
        self,
        builder: AlertBuilder,
        profile: _Profile,
        identity: str,
        event: Event,
        now: float,
        detail: str,
    ) -> list[Alert]:
        if profile.quiet_until.get(builder.type, 0.0) > now:
            return []
        profile.quiet_until[builder.type] = now + self.config.cooldown.total_seconds()
        return [
            builder.build(
                [event],
                entities=[Entity(EntityKind.IDENTITY, identity)],
                description=f"{builder.description} {detail}",
            )
        ]

    def _roll(self, profile: _Profile, now: float) -> None:
        current = _hour(now)
        if current <= profile.hour:
            return
        profile.baseline.add(profile.hour_count, self.config.alpha)
        gap = min(int((current - profile.hour) / _HOUR) - 1, _MAX_GAP_HOURS)
        for _ in range(max(gap, 0)):
            profile.baseline.add(0.0, self.config.alpha)
        profile.hour, profile.hour_count, profile.hour_alerted = current, 0, False

    def _count(
        self, profile: _Profile, identity: str, event: Event, now: float, learned: bool
    ) -> list[Alert]:
        if _hour(now) < profile.hour:  # late event of a closed hour: already in the baseline
            return []
        self._roll(profile, now)
        profile.hour_count += 1
        baseline, config = profile.baseline, self.config
        if (
            profile.hour_alerted
            or not learned
            or baseline.samples < config.min_history
            or profile.hour_count < config.min_volume
            or profile.hour_count <= baseline.limit(config.k_sigma)
        ):
            return []
        profile.hour_alerted = True
        detail = (
            f"{profile.hour_count} events this hour against a baseline of "
            f"{baseline.mean:.1f} ± {math.sqrt(max(baseline.var, 0.0)):.1f}."
        )
        return self._raise(_VOLUME, profile, identity, event, now, detail)

    # ------------------------------------------------------------------ persistence
    def state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "type": self.id,
            "identities": {k: p.to_json() for k, p in self._profiles.items()},
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        if state.get("version") != STATE_VERSION or state.get("type") != self.id:
            raise ValueError("anomaly: state of another detector or version")
        self._profiles = OrderedDict(
            (str(k), _Profile.from_json(v)) for k, v in state.get("identities", {}).items()
        )
        # a replay (the same log read again with the state kept) counts once: what an identity
        # did up to its last event of the previous runs is already in its profile
        self._replayed_until = {k: p.last_seen for k, p in self._profiles.items()}

    def save(self, path: Path) -> None:
        """Write the state to `path` atomically: readers see the old or the new file, never a
        torn one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            # one orjson call: json.dump writes a large state in hundreds of thousands of
            # small chunks (a measurable part of a detection run)
            with os.fdopen(handle, "wb") as out:
                out.write(orjson.dumps(self.state()))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, config: AnomalyConfig | None = None) -> AnomalyDetector:
        """A detector resuming the state saved at `path`; a fresh one when there is none."""
        detector = cls(config)
        if path.exists():
            detector.restore(orjson.loads(path.read_bytes()))
        return detector


def _hour(epoch_seconds: float) -> float:
    return epoch_seconds // _HOUR * _HOUR
