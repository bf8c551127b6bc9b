"""SigmaMatch -> Alert: severity from the Sigma level, ATT&CK tactic and technique from tags."""

from __future__ import annotations

import functools
import hashlib
import re

from cloudwarden.core.events import Alert
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import entities_of
from cloudwarden.detect.sigma._engine import SigmaMatch

__all__ = ["TACTICS", "alert_type", "to_alert"]

#: ATT&CK (v15) tactic tag names as Sigma writes them -> tactic ids
TACTICS = {
    "reconnaissance": "TA0043",
    "resource-development": "TA0042",
    "initial-access": "TA0001",
    "execution": "TA0002",
    "persistence": "TA0003",
    "privilege-escalation": "TA0004",
    "defense-evasion": "TA0005",
    "credential-access": "TA0006",
    "discovery": "TA0007",
    "lateral-movement": "TA0008",
    "collection": "TA0009",
    "command-and-control": "TA0011",
    "exfiltration": "TA0010",
    "impact": "TA0040",
}
_LEVELS = {
    "informational": Severity.INFORMATIONAL,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}
_MEDIUM = Severity.MEDIUM
_TECHNIQUE = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _attack(tags: tuple[str, ...]) -> tuple[str, str]:
    """(tactic id, technique id) of a rule's tags; remembered per rule (per tags), as every
    match of the rule asks again."""
    tactic = technique = ""
    for tag in tags:
        low = tag.lower()
        if not technique and (m := _TECHNIQUE.match(low)):
            technique = m.group(1).upper()
        elif not tactic and low.startswith("attack."):
            name = low.removeprefix("attack.").replace("_", "-")
            tactic = TACTICS.get(name, "")
    return tactic, technique


def alert_type(match: SigmaMatch) -> str:
    """The rule's readable `name` (`aws.cloudtrail.logging_disabled`) when it has one, else
    `sigma.<id>`."""
    return match.name or f"sigma.{match.rule_id}"


def to_alert(match: SigmaMatch, *, with_id: bool = True) -> Alert:
    """The match as an alert. `with_id=False` leaves its `id` empty, for an `AlertAggregator`,
    which gives every alert the id of its aggregation anyway (the digest costs a hash and a
    time formatting per occurrence)."""
    events = match.events or (match.event,)
    tactic, technique = _attack(match.tags)
    if len(events) == 1:  # a rule's match (a correlation's has its evidence): min, max alike
        first = last = events[0].time
        resources = tuple(dict.fromkeys(events[0].targets))
    else:
        times = [e.time for e in events]
        first, last = min(times), max(times)
        resources = tuple(dict.fromkeys(t for e in events for t in e.targets))
    digest = (
        hashlib.sha256(
            "|".join([match.rule_id, *(f"{e.origin}@{e.time.isoformat()}" for e in events)])
            .encode()
        ).hexdigest()[:16]
        if with_id
        else ""
    )
    # positional: one alert per match, and keywords cost more than the fields' order
    return Alert(
        f"sigma-{digest}" if with_id else "",
        match.name or f"sigma.{match.rule_id}",  # `alert_type(match)`, inline
        match.title,
        _LEVELS.get(match.level.lower(), _MEDIUM),
        match.description or match.title,
        first,
        last,
        tactic,
        technique,
        entities_of(events),
        resources,
        events,
        "",
        len(events),
    )
