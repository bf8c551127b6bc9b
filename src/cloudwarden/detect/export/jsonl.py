"""Alerts and incidents as plain JSON documents, written one per line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from cloudwarden.core.events import Alert, Event
from cloudwarden.core.jsonutil import json_default
from cloudwarden.detect.attack import tactic, technique
from cloudwarden.detect.fusion import Incident, stage_of

__all__ = ["alert_to_dict", "event_to_dict", "incident_to_dict", "to_dict", "write_jsonl"]


def _iso(when: datetime) -> str:
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).isoformat()


def event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "time": _iso(event.time),
        "source": event.source,
        "action": event.action,
        "outcome": event.outcome,
        "actor": event.actor,
        "actor_type": event.actor_type,
        "source_ip": event.source_ip,
        "user_agent": event.user_agent,
        "targets": list(event.targets),
        "account": event.account,
        "region": event.region,
        "host": event.host,
        "process": event.process,
        "command_line": event.command_line,
        "domain": event.domain,
        "origin": event.origin,
        "fields": dict(event.fields),
    }


def alert_to_dict(alert: Alert, *, evidence: bool = True) -> dict[str, Any]:
    known_tactic = tactic(alert.tactic) or tactic(stage_of(alert))
    known_technique = technique(alert.technique)
    doc: dict[str, Any] = {
        "kind": "alert",
        "id": alert.id,
        "type": alert.type,
        "title": alert.title,
        "severity": alert.severity.label,
        "status": alert.status.value,
        "description": alert.description,
        "first_seen": _iso(alert.first_seen),
        "last_seen": _iso(alert.last_seen),
        "count": alert.count,
        "tactic": known_tactic.id if known_tactic else alert.tactic,
        "tactic_name": known_tactic.name if known_tactic else "",
        "technique": alert.technique,
        "technique_name": known_technique.name if known_technique else "",
        "entities": [{"kind": e.kind.value, "value": e.value} for e in alert.entities],
        "resources": list(alert.resources),
        "assets": list(alert.assets),
        "remediation": alert.remediation,
    }
    if evidence:
        doc["evidence"] = [event_to_dict(e) for e in alert.evidence]
    return doc


def incident_to_dict(incident: Incident, *, evidence: bool = False) -> dict[str, Any]:
    return {
        "kind": "incident",
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.label,
        "stages": list(incident.stages),
        "first_seen": _iso(incident.first_seen),
        "last_seen": _iso(incident.last_seen),
        "entities": [{"kind": e.kind.value, "value": e.value} for e in incident.entities],
        "alerts": [alert_to_dict(a, evidence=evidence) for a in incident.alerts],
    }


def to_dict(item: Alert | Incident) -> dict[str, Any]:
    return alert_to_dict(item) if isinstance(item, Alert) else incident_to_dict(item)


def write_jsonl(items: Iterable[Alert | Incident], out: TextIO) -> int:
    """Writes one compact JSON document per line; returns how many."""
    count = 0
    for item in items:
        out.write(json.dumps(to_dict(item), default=json_default, sort_keys=True))
        out.write("\n")
        count += 1
    return count
