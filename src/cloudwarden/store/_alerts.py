"""Detection alerts and incidents kept between runs, with the audit trail of status changes.

Functions over an open connection; `Store` wraps each call in one transaction, so an alert's
change and its audit event are committed together or not at all.

An alert id is stable across runs (the detection, its key entities, its window), so a run that
sees an alert again updates its row: counts add up, `last_seen` moves on, evidence is merged
and capped. The status is the analyst's: a dismissed alert stays dismissed; a resolved one
reopens (`active`) only when new occurrences arrive after what was stored, as
`cloudwarden.detect.alerts.transition` allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind, Event
from cloudwarden.core.jsonutil import json_default
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import MAX_EVIDENCE, TRANSITIONS, transition
from cloudwarden.detect.fusion import Incident
from cloudwarden.store._engine import StoreError
from cloudwarden.store._schema import alert_events, alerts, incidents

__all__ = [
    "SYSTEM_ACTOR",
    "AlertEvent",
    "list_alert_events",
    "list_alerts",
    "list_incidents",
    "resolve_alert_id",
    "save_alerts",
    "set_alert_status",
]

#: the actor of status changes made by a detection run (a resolved alert reopened)
SYSTEM_ACTOR = "cloudwarden"
_IN_BATCH = 500


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One status change of an alert: who, when, from what to what, and why."""

    id: int
    alert_id: str
    from_status: AlertStatus
    to_status: AlertStatus
    actor: str
    at: datetime
    reason: str


# -- codec -----------------------------------------------------------------------------------

def _plain(doc: Any) -> Any:
    # Raw records may hold datetimes or bytes: store what JSON can hold, as the exports do.
    return json.loads(json.dumps(doc, default=json_default))


def _entities_doc(entities: Iterable[Entity]) -> list[dict[str, str]]:
    return [{"kind": e.kind.value, "value": e.value} for e in entities]


def _entities_from(doc: Iterable[Mapping[str, str]]) -> tuple[Entity, ...]:
    return tuple(Entity(EntityKind(d["kind"]), d["value"]) for d in doc)


def _evidence_doc(alert: Alert) -> list[dict[str, Any]]:
    from cloudwarden.detect.export.jsonl import alert_to_dict

    evidence: list[dict[str, Any]] = _plain(alert_to_dict(alert)["evidence"])
    return evidence


def _time(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _event_from(doc: Mapping[str, Any]) -> Event:
    return Event(
        time=_time(doc["time"]), source=doc.get("source", ""), action=doc.get("action", ""),
        outcome=doc.get("outcome", "unknown"), actor=doc.get("actor", ""),
        actor_type=doc.get("actor_type", ""), source_ip=doc.get("source_ip", ""),
        user_agent=doc.get("user_agent", ""), targets=tuple(doc.get("targets", ())),
        account=doc.get("account", ""), region=doc.get("region", ""),
        host=doc.get("host", ""), process=doc.get("process", ""),
        command_line=doc.get("command_line", ""), domain=doc.get("domain", ""),
        fields=dict(doc.get("fields") or {}), origin=doc.get("origin", ""),
    )


def _row(alert: Alert, evidence: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    return {
        "id": alert.id, "type": alert.type, "title": alert.title,
        "severity": int(alert.severity), "status": alert.status.value,
        "tactic": alert.tactic, "technique": alert.technique,
        "first_seen": alert.first_seen, "last_seen": alert.last_seen, "count": alert.count,
        "entities": _entities_doc(alert.entities), "resources": list(alert.resources),
        "assets": list(alert.assets), "remediation": alert.remediation,
        "description": alert.description,
        "evidence": evidence, "updated_at": now,
    }


def _alert_from(row: Any) -> Alert:
    m = row._mapping
    return Alert(
        id=m["id"], type=m["type"], title=m["title"], severity=Severity(m["severity"]),
        description=m["description"], first_seen=m["first_seen"], last_seen=m["last_seen"],
        tactic=m["tactic"], technique=m["technique"], entities=_entities_from(m["entities"]),
        resources=tuple(m["resources"]), assets=tuple(m["assets"] or ()),
        evidence=tuple(_event_from(d) for d in m["evidence"]),
        remediation=m["remediation"], count=m["count"], status=AlertStatus(m["status"]),
    )


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


# -- writing ---------------------------------------------------------------------------------

def _merged_evidence(stored: list[dict[str, Any]],
                     new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for doc in sorted([*stored, *new], key=lambda d: _time(d["time"])):
        key = json.dumps(doc, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(doc)
    return out[:MAX_EVIDENCE]


def _merge(stored: Alert, new: Alert) -> tuple[Alert, str]:
    """The stored alert updated by a new sighting, and why its status changed ('' if not)."""
    later = _utc(new.last_seen) > _utc(stored.last_seen)
    # Occurrences after the stored ones add up; an overlapping run (the same logs read again)
    # must not count them twice.
    count = stored.count + new.count if _utc(new.first_seen) > _utc(stored.last_seen) \
        else max(stored.count, new.count)
    status, why = stored.status, ""
    if stored.status is AlertStatus.RESOLVED and later and new.status is not AlertStatus.RESOLVED:
        status, why = AlertStatus.ACTIVE, "happened again after it was resolved"
    elif (stored.status in (AlertStatus.NEW, AlertStatus.ACTIVE)
          and new.status in TRANSITIONS[stored.status]):
        status, why = new.status, "detection run"
    merged = replace(
        new,
        severity=max(stored.severity, new.severity),
        first_seen=min(_utc(stored.first_seen), _utc(new.first_seen)),
        last_seen=max(_utc(stored.last_seen), _utc(new.last_seen)),
        entities=tuple(sorted({*stored.entities, *new.entities})),
        resources=tuple(sorted({*stored.resources, *new.resources})),
        assets=tuple(sorted({*stored.assets, *new.assets})),
        count=count,
        status=status,
    )
    return merged, why


def _existing(conn: Connection, ids: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(ids), _IN_BATCH):
        chunk = ids[start:start + _IN_BATCH]
        rows = conn.execute(select(alerts).where(alerts.c.id.in_(chunk)).with_for_update())
        found.update({row.id: row for row in rows})
    return found


def _event_row(alert_id: str, before: AlertStatus, after: AlertStatus, actor: str,
               at: datetime, reason: str) -> dict[str, Any]:
    return {"alert_id": alert_id, "from_status": before.value, "to_status": after.value,
            "actor": actor, "at": at, "reason": reason}


def save_alerts(conn: Connection, new_alerts: Iterable[Alert], new_incidents: Iterable[Incident],
                now: datetime) -> list[Alert]:
    """Upsert alerts by id and incidents by id; returns the alerts as stored."""
    latest: dict[str, Alert] = {}
    for alert in new_alerts:  # one alert twice in a batch: the later one wins
        latest[alert.id] = alert
    existing = _existing(conn, list(latest))
    stored: list[Alert] = []
    events: list[dict[str, Any]] = []
    for alert_id, alert in latest.items():
        evidence = _evidence_doc(alert)
        row = existing.get(alert_id)
        if row is None:
            conn.execute(insert(alerts).values(**_row(alert, evidence, now)))
            stored.append(alert)
            continue
        before = _alert_from(row)
        merged, why = _merge(before, alert)
        evidence = _merged_evidence(list(row.evidence), evidence)
        conn.execute(update(alerts).where(alerts.c.id == alert_id)
                     .values(**_row(merged, evidence, now)))
        if merged.status is not before.status:
            events.append(_event_row(alert_id, before.status, merged.status, SYSTEM_ACTOR,
                                     now, why))
        stored.append(replace(merged, evidence=tuple(_event_from(d) for d in evidence)))
    if events:
        conn.execute(insert(alert_events), events)
    for incident in new_incidents:
        _save_incident(conn, incident)
    return stored


def _save_incident(conn: Connection, incident: Incident) -> None:
    ids = [a.id for a in incident.alerts]
    values = {
        "title": incident.title, "severity": int(incident.severity),
        "stages": list(incident.stages), "entities": _entities_doc(incident.entities),
        "alert_ids": ids, "first_seen": incident.first_seen, "last_seen": incident.last_seen,
    }
    row = conn.execute(select(incidents.c.first_seen, incidents.c.last_seen, incidents.c.alert_ids)
                       .where(incidents.c.id == incident.id).with_for_update()).first()
    if row is None:
        conn.execute(insert(incidents).values(id=incident.id, **values))
        return
    values["alert_ids"] = list(dict.fromkeys([*row.alert_ids, *ids]))
    values["first_seen"] = min(row.first_seen, _utc(incident.first_seen))
    values["last_seen"] = max(row.last_seen, _utc(incident.last_seen))
    conn.execute(update(incidents).where(incidents.c.id == incident.id).values(**values))


def resolve_alert_id(conn: Connection, prefix: str) -> str:
    """The id of the one alert whose id is `prefix` or starts with it."""
    if not prefix:
        raise StoreError("an alert id is needed")
    exact = conn.execute(select(alerts.c.id).where(alerts.c.id == prefix)).scalar_one_or_none()
    if exact is not None:
        return str(exact)
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = conn.execute(select(alerts.c.id).where(alerts.c.id.like(f"{escaped}%", escape="\\"))
                         .order_by(alerts.c.id).limit(6)).scalars().all()
    if not found:
        raise StoreError(f"no alert {prefix}")
    if len(found) > 1:
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise StoreError(f"alert id {prefix} is ambiguous: it starts {shown}")
    return str(found[0])


def set_alert_status(conn: Connection, prefix: str, status: AlertStatus, actor: str,
                     reason: str, now: datetime) -> Alert:
    """Change one alert's status (id or unique id prefix) with its audit event. Raises
    StoreError for an unknown or ambiguous id, InvalidTransitionError for a change the
    alert workflow does not allow. Setting the status it has changes nothing."""
    alert_id = resolve_alert_id(conn, prefix)
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id).with_for_update()).one()
    before = _alert_from(row)
    after = transition(before, status)
    if after.status is before.status:
        return before
    conn.execute(update(alerts).where(alerts.c.id == alert_id)
                 .values(status=after.status.value, updated_at=now))
    conn.execute(insert(alert_events).values(
        **_event_row(alert_id, before.status, after.status, actor, now, reason)))
    return after


# -- reading ---------------------------------------------------------------------------------

def list_alerts(conn: Connection, *, statuses: Iterable[AlertStatus | str] = (),
                min_severity: Severity | None = None, types: Iterable[str] = ()) -> list[Alert]:
    query = select(alerts)
    wanted_statuses = [AlertStatus(s).value for s in statuses]
    if wanted_statuses:
        query = query.where(alerts.c.status.in_(wanted_statuses))
    wanted_types = list(types)
    if wanted_types:
        query = query.where(alerts.c.type.in_(wanted_types))
    if min_severity is not None:
        query = query.where(alerts.c.severity >= int(min_severity))
    query = query.order_by(alerts.c.severity.desc(), alerts.c.last_seen.desc(), alerts.c.id)
    return [_alert_from(r) for r in conn.execute(query)]


def list_incidents(conn: Connection) -> list[Incident]:
    """Newest first, each with its alerts as stored now (in the incident's order)."""
    rows = conn.execute(select(incidents).order_by(incidents.c.last_seen.desc(),
                                                   incidents.c.id)).all()
    wanted = sorted({i for r in rows for i in r.alert_ids})
    by_id: dict[str, Alert] = {}
    for start in range(0, len(wanted), _IN_BATCH):
        chunk = wanted[start:start + _IN_BATCH]
        by_id.update({r.id: _alert_from(r)
                      for r in conn.execute(select(alerts).where(alerts.c.id.in_(chunk)))})
    return [
        Incident(
            id=r.id, title=r.title, entities=_entities_from(r.entities), stages=tuple(r.stages),
            severity=Severity(r.severity),
            alerts=tuple(by_id[i] for i in r.alert_ids if i in by_id),
            first_seen=r.first_seen, last_seen=r.last_seen,
        )
        for r in rows
    ]


def list_alert_events(conn: Connection, alert_id: str | None = None) -> list[AlertEvent]:
    query = select(alert_events).order_by(alert_events.c.id)
    if alert_id is not None:
        query = query.where(alert_events.c.alert_id == alert_id)
    return [
        AlertEvent(id=r.id, alert_id=r.alert_id, from_status=AlertStatus(r.from_status),
                   to_status=AlertStatus(r.to_status), actor=r.actor, at=r.at, reason=r.reason)
        for r in conn.execute(query)
    ]
