"""Posture state kept between scans: exemptions with their audit trail, the score history.

Functions over an open connection; `Store` wraps each call in one transaction, so a change and
its audit event are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from cloudwarden.posture.exemptions import Exemption
from cloudwarden.posture.score import SecureScore
from cloudwarden.store._engine import StoreError
from cloudwarden.store._schema import exemption_events, exemptions, scans, score_history

__all__ = [
    "ExemptionAction",
    "ExemptionEvent",
    "ScorePoint",
    "add_exemption",
    "delete_exemption",
    "list_exemption_events",
    "list_exemptions",
    "list_score_history",
    "save_score",
    "update_exemption",
]

ExemptionAction = Literal["created", "updated", "deleted"]
_ID_LENGTH = 36  # exemptions.id is a String(36): a uuid4 in text


@dataclass(frozen=True, slots=True)
class ExemptionEvent:
    """One change of an exemption: who did what, when, and the exemption right after it."""

    id: int
    exemption_id: str
    action: ExemptionAction
    actor: str
    at: datetime
    snapshot: Mapping[str, Any]

    @property
    def exemption(self) -> Exemption:
        return Exemption.from_dict(self.snapshot)


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """The score of one scope at one scan. `account` None is the total over every account,
    `control_id` None the overall score rather than one control's. An account point saved
    without its breakdown carries only `percentage` (the other numbers None)."""

    scan_id: str
    recorded_at: datetime
    percentage: float
    current: float | None
    max_score: float | None
    healthy: int | None
    unhealthy: int | None
    account: str | None = None
    control_id: str | None = None


# -- exemptions ------------------------------------------------------------------------------

def _row(exemption: Exemption) -> dict[str, Any]:
    # The table's columns are the dataclass's fields, by name.
    return {column.name: getattr(exemption, column.name) for column in exemptions.columns}


def _from_row(row: Any) -> Exemption:
    m = row._mapping
    return Exemption(**{column.name: m[column.name] for column in exemptions.columns})


def _event(conn: Connection, exemption: Exemption, action: ExemptionAction, actor: str,
           at: datetime) -> None:
    conn.execute(insert(exemption_events).values(
        exemption_id=exemption.id, action=action, actor=actor, at=at,
        snapshot=exemption.to_dict()))


def _get(conn: Connection, exemption_id: str, *, lock: bool = False) -> Exemption:
    query = select(exemptions).where(exemptions.c.id == exemption_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise StoreError(f"no exemption {exemption_id}")
    return _from_row(row)


def _check_actor(actor: str) -> None:
    if not actor.strip():
        raise StoreError("an exemption change needs an actor (who made it)")


def add_exemption(conn: Connection, exemption: Exemption, now: datetime) -> Exemption:
    if exemption.deleted_at is not None:
        raise StoreError(f"exemption {exemption.id} is already deleted; add a live one")
    if len(exemption.id) > _ID_LENGTH:
        raise StoreError(f"exemption id {exemption.id[:40]!r}... is longer than "
                         f"{_ID_LENGTH} characters; use Exemption.new (a uuid4)")
    if conn.execute(select(exemptions.c.id)
                    .where(exemptions.c.id == exemption.id)).first() is not None:
        raise StoreError(f"exemption {exemption.id} already exists")
    try:
        conn.execute(insert(exemptions).values(_row(exemption)))
    except IntegrityError:  # a concurrent add of the same id
        raise StoreError(f"exemption {exemption.id} already exists") from None
    stored = _get(conn, exemption.id)
    _event(conn, stored, "created", exemption.author, now)
    return stored


def update_exemption(conn: Connection, exemption_id: str, actor: str,
                     changes: Mapping[str, Any], now: datetime) -> Exemption:
    _check_actor(actor)
    current = _get(conn, exemption_id, lock=True)
    if current.deleted_at is not None:
        raise StoreError(f"exemption {exemption_id} is deleted; it cannot be changed")
    changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changed:
        return current  # nothing changed, nothing to audit
    updated = replace(current, **changed)  # validates the new combination
    conn.execute(update(exemptions).where(exemptions.c.id == exemption_id).values(changed))
    _event(conn, updated, "updated", actor, now)
    return updated


def delete_exemption(conn: Connection, exemption_id: str, actor: str, now: datetime) -> None:
    _check_actor(actor)
    current = _get(conn, exemption_id, lock=True)
    if current.deleted_at is not None:
        raise StoreError(f"exemption {exemption_id} is already deleted")
    conn.execute(update(exemptions).where(exemptions.c.id == exemption_id)
                 .values(deleted_at=now))
    _event(conn, replace(current, deleted_at=now), "deleted", actor, now)


def list_exemptions(conn: Connection, *, include_deleted: bool, include_expired: bool,
                    now: datetime) -> list[Exemption]:
    query = select(exemptions)
    if not include_deleted:
        query = query.where(exemptions.c.deleted_at.is_(None))
    if not include_expired:
        query = query.where(exemptions.c.expires_at.is_(None) | (exemptions.c.expires_at > now))
    rows = conn.execute(query.order_by(exemptions.c.created_at, exemptions.c.id)).all()
    return [_from_row(r) for r in rows]


def list_exemption_events(conn: Connection, exemption_id: str | None) -> list[ExemptionEvent]:
    query = select(exemption_events)
    if exemption_id is not None:
        _get(conn, exemption_id)
        query = query.where(exemption_events.c.exemption_id == exemption_id)
    rows = conn.execute(query.order_by(exemption_events.c.id)).all()
    return [ExemptionEvent(id=r.id, exemption_id=r.exemption_id,
                           action=cast(ExemptionAction, r.action), actor=r.actor, at=r.at,
                           snapshot=dict(r.snapshot)) for r in rows]


# -- score history ---------------------------------------------------------------------------

def _percentage(current: float, maximum: float) -> float:
    return round(100.0 * current / maximum, 2) if maximum else 0.0


def _score_rows(score: SecureScore, scope: str,
                account: str | None) -> Iterator[dict[str, Any]]:
    """The overall row of `score`, then one per control."""
    yield {"scope": scope, "account": account, "control_id": None,
           "current": score.current, "max_score": float(score.maximum),
           "healthy": sum(c.healthy for c in score.controls),
           "unhealthy": sum(c.unhealthy for c in score.controls),
           "percentage": score.percentage}
    for control in score.controls:
        yield {"scope": scope, "account": account, "control_id": control.control_id,
               "current": control.current, "max_score": float(control.max_score),
               "healthy": control.healthy, "unhealthy": control.unhealthy,
               "percentage": _percentage(control.current, control.max_score)}


def save_score(conn: Connection, scan_id: str, score: SecureScore, recorded_at: datetime,
               accounts: Mapping[str, SecureScore] | None) -> None:
    if conn.execute(select(scans.c.id).where(scans.c.id == scan_id)
                    .with_for_update()).first() is None:
        raise StoreError(f"no scan {scan_id}")
    rows = list(_score_rows(score, "total", None))
    for account, percentage in sorted(score.accounts.items()):
        own = (accounts or {}).get(account)
        if own is not None:
            rows.extend(_score_rows(own, "account", account))
        else:
            rows.append({"scope": "account", "account": account, "control_id": None,
                         "current": None, "max_score": None, "healthy": None,
                         "unhealthy": None, "percentage": percentage})
    # Saving a scan's score again (a re-assessment) replaces it rather than doubling it.
    conn.execute(score_history.delete().where(score_history.c.scan_id == scan_id))
    conn.execute(insert(score_history),
                 [{**row, "scan_id": scan_id, "recorded_at": recorded_at} for row in rows])


def list_score_history(conn: Connection, *, account: str | None, control_id: str | None,
                       limit: int) -> list[ScorePoint]:
    table = score_history
    query = select(table).where(
        table.c.scope == ("total" if account is None else "account"),
        table.c.account.is_(None) if account is None else table.c.account == account,
        table.c.control_id.is_(None) if control_id is None else table.c.control_id == control_id,
    ).order_by(table.c.recorded_at.desc(), table.c.id.desc()).limit(limit)
    rows = conn.execute(query).all()
    return [ScorePoint(scan_id=r.scan_id, recorded_at=r.recorded_at, percentage=r.percentage,
                       current=r.current, max_score=r.max_score, healthy=r.healthy,
                       unhealthy=r.unhealthy, account=r.account, control_id=r.control_id)
            for r in reversed(rows)]
