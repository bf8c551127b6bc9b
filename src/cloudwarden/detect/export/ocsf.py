"""Alerts as OCSF Detection Finding events (class 2004), one per alert.

Written against OCSF schema 1.3.0 and validated against it in the tests. The alert's status is
the finding's triage state (New, In Progress for active, Resolved, Suppressed for dismissed);
ATT&CK goes in `finding_info.attacks` with sub-techniques split out; entities become
observables; evidence events become `evidences` (up to the alert's evidence cap).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from cloudwarden import __version__ as _tool_version
from cloudwarden.core.events import Alert, AlertStatus, EntityKind, Event
from cloudwarden.core.jsonutil import json_default
from cloudwarden.core.model import Severity
from cloudwarden.detect.attack import ATTACK_VERSION, tactic, technique
from cloudwarden.detect.fusion import stage_of

__all__ = ["OCSF_VERSION", "alert_to_ocsf", "write_ocsf_lines"]

OCSF_VERSION = "1.3.0"
_CLASS_UID = 2004
_CATEGORY_UID = 2
_ACTIVITY_CREATE = 1
_VENDOR = "Cloudwarden"

_SEVERITY_IDS: dict[Severity, tuple[int, str]] = {
    Severity.INFORMATIONAL: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
_STATUS_IDS: dict[AlertStatus, tuple[int, str]] = {
    AlertStatus.NEW: (1, "New"),
    AlertStatus.ACTIVE: (2, "In Progress"),
    AlertStatus.DISMISSED: (3, "Suppressed"),
    AlertStatus.RESOLVED: (4, "Resolved"),
}
#: entity kinds to OCSF observable type_id (1.3.0: Hostname, IP Address, User Name, File Name,
#: Process Name, Resource UID); domains are hostnames to OCSF
_OBSERVABLE_TYPES: dict[EntityKind, tuple[int, str]] = {
    EntityKind.HOST: (1, "device.hostname"),
    EntityKind.IP: (2, "src_endpoint.ip"),
    EntityKind.IDENTITY: (4, "actor.user.name"),
    EntityKind.FILE: (7, "file.name"),
    EntityKind.PROCESS: (9, "process.name"),
    EntityKind.RESOURCE: (10, "resources.uid"),
    EntityKind.DOMAIN: (1, "query.hostname"),
}


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _attack(alert: Alert) -> dict[str, Any] | None:
    found_tactic = tactic(alert.tactic) or tactic(stage_of(alert))
    attack: dict[str, Any] = {}
    if found_tactic:
        attack["tactic"] = {"uid": found_tactic.id, "name": found_tactic.name,
                            "src_url": found_tactic.url}
    if alert.technique:
        known = technique(alert.technique)
        parent_id = alert.technique.split(".", 1)[0]
        parent = technique(parent_id)
        name = known.name if known else ""
        parent_name = parent.name if parent else name.split(":", 1)[0]
        attack["technique"] = {"uid": parent_id, "name": parent_name} if parent_name else {
            "uid": parent_id}
        if "." in alert.technique:
            attack["sub_technique"] = {"uid": alert.technique, "name": name} if name else {
                "uid": alert.technique}
    if not attack:
        return None
    attack["version"] = ATTACK_VERSION
    return attack


def _evidence(event: Event) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "data": {"source": event.source, "action": event.action, "outcome": event.outcome,
                 "time": event.time, "origin": event.origin},
    }
    if event.actor:
        user: dict[str, Any] = {"name": event.actor}
        if event.actor_type:
            user["type"] = event.actor_type
        evidence["actor"] = {"user": user}
    if event.source_ip:
        evidence["src_endpoint"] = {"ip": event.source_ip}
    if event.source.startswith(("aws.", "azure.", "gcp.", "kubernetes.")):
        evidence["api"] = {"operation": event.action, "service": {"name": event.source}}
    if event.host:
        evidence["device"] = {"type_id": 0, "hostname": event.host}
    if event.domain:
        evidence["query"] = {"hostname": event.domain}
    return evidence


def alert_to_ocsf(alert: Alert) -> dict[str, Any]:
    severity_id, severity = _SEVERITY_IDS[alert.severity]
    status_id, status = _STATUS_IDS[alert.status]
    finding_info: dict[str, Any] = {
        "uid": alert.id,
        "title": alert.title,
        "types": [alert.type],
        "first_seen_time": _ms(alert.first_seen),
        "last_seen_time": _ms(alert.last_seen),
        "analytic": {"uid": alert.type, "name": alert.type, "type_id": 1, "type": "Rule"},
    }
    if alert.description:
        finding_info["desc"] = alert.description
    attack = _attack(alert)
    if attack:
        finding_info["attacks"] = [attack]
    event: dict[str, Any] = {
        "activity_id": _ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": _CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": _CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": _CLASS_UID * 100 + _ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "status_detail": alert.status.value,
        "time": _ms(alert.last_seen),
        "start_time": _ms(alert.first_seen),
        "end_time": _ms(alert.last_seen),
        "count": alert.count,
        "message": alert.title,
        "finding_info": finding_info,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "Cloudwarden", "vendor_name": _VENDOR,
                        "version": _tool_version},
            "event_code": alert.type,
            "uid": alert.id,
        },
        "observables": [
            {"name": _OBSERVABLE_TYPES[e.kind][1], "type_id": _OBSERVABLE_TYPES[e.kind][0],
             "value": e.value}
            for e in alert.entities
        ],
    }
    if alert.resources:
        event["resources"] = [{"uid": r} for r in alert.resources]
    if alert.evidence:
        event["evidences"] = [_evidence(e) for e in alert.evidence]
    if alert.remediation:
        event["remediation"] = {"desc": alert.remediation}
    # `data` holds datetimes: round-trip through JSON so the event is plain JSON types
    loaded: dict[str, Any] = json.loads(json.dumps(event, default=json_default))
    return loaded


def write_ocsf_lines(alerts: Iterable[Alert], out: TextIO) -> int:
    """One OCSF event per line; returns how many."""
    count = 0
    for alert in alerts:
        out.write(json.dumps(alert_to_ocsf(alert), sort_keys=True))
        out.write("\n")
        count += 1
    return count
