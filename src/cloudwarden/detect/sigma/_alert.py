"""SigmaMatch -> Alert: severity from the Sigma level, ATT&CK tactic and technique from tags."""

from __future__ import annotations

import hashlib
import re

from cloudwarden.core.events import Alert, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
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
_TECHNIQUE = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$", re.IGNORECASE)


def _attack(tags: tuple[str, ...]) -> tuple[str, str]:
    tactic = technique = ""
    for tag in tags:
        low = tag.lower()
        if not technique and (m := _TECHNIQUE.match(low)):
            technique = m.group(1).upper()
        elif not tactic and low.startswith("attack."):
            name = low.removeprefix("attack.").replace("_", "-")
            tactic = TACTICS.get(name, "")
    return tactic, technique


def _entities(events: tuple[Event, ...]) -> tuple[Entity, ...]:
    found: set[Entity] = set()
    for e in events:
        for kind, value in (
            (EntityKind.IDENTITY, e.actor),
            (EntityKind.IP, e.source_ip),
            (EntityKind.HOST, e.host),
            (EntityKind.PROCESS, e.process),
            (EntityKind.DOMAIN, e.domain),
        ):
            if value:
                found.add(Entity(kind, value))
        found.update(Entity(EntityKind.RESOURCE, t) for t in e.targets if t)
    return tuple(sorted(found))


def alert_type(match: SigmaMatch) -> str:
    """The rule's readable `name` (`aws.cloudtrail.logging_disabled`) when it has one, else
    `sigma.<id>`."""
    return match.name or f"sigma.{match.rule_id}"


def to_alert(match: SigmaMatch) -> Alert:
    events = match.events or (match.event,)
    tactic, technique = _attack(match.tags)
    times = [e.time for e in events]
    digest = hashlib.sha256(
        "|".join([match.rule_id, *(f"{e.origin}@{e.time.isoformat()}" for e in events)]).encode()
    ).hexdigest()[:16]
    return Alert(
        id=f"sigma-{digest}",
        type=alert_type(match),
        title=match.title,
        severity=_LEVELS.get(match.level.lower(), Severity.MEDIUM),
        description=match.description or match.title,
        first_seen=min(times),
        last_seen=max(times),
        tactic=tactic,
        technique=technique,
        entities=_entities(events),
        resources=tuple(dict.fromkeys(t for e in events for t in e.targets)),
        evidence=events,
        count=len(events),
    )
