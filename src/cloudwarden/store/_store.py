"""The store: scans, their assets, findings and collection errors, in SQLite or PostgreSQL.

Consistency under a crash: `begin_scan` commits a `running` row; `save_results` writes every
row of the scan in ONE transaction; only `finish_scan(..., "completed")` makes the scan visible
to default readers. A process killed at any point leaves either no rows or all of them, and a
scan that stays `running` after its process died is marked `interrupted` by the next `open`.
"""

from __future__ import annotations

import enum
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, NoReturn, Self

from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, Select, insert, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from cloudwarden.core.events import Alert, AlertStatus
from cloudwarden.core.model import Finding, Severity, Status, utcnow
from cloudwarden.detect.fusion import Incident
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.posture.exemptions import Exemption, ExemptionCategory
from cloudwarden.posture.score import SecureScore
from cloudwarden.store import _alerts, _codec, _posture
from cloudwarden.store._alerts import AlertEvent
from cloudwarden.store._engine import (
    WRITE_OPTION,
    StoreError,
    create_store_engine,
    default_database_url,
    parse_url,
    safe_url,
)
from cloudwarden.store._migrate import upgrade_to_head
from cloudwarden.store._posture import ExemptionEvent, ScorePoint
from cloudwarden.store._process import process_alive, process_start
from cloudwarden.store._schema import assets, collection_errors, scans
from cloudwarden.store._schema import findings as findings_table

__all__ = ["DEFAULT_STALE_AFTER", "UNCHANGED", "ScanRecord", "ScanStatus", "Store"]

# A `running` scan older than this is abandoned even if we cannot tell whether its process lives
# (another host, or a reused pid). Generous: a large multi-account scan can take hours.
DEFAULT_STALE_AFTER = timedelta(hours=24)
_BATCH = 1_000


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


#: The default of `Store.update_exemption(expires_at=...)`: keep the expiry (None removes it).
UNCHANGED = _Unchanged.UNCHANGED


class ScanStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class ScanRecord:
    id: str
    provider: str
    status: ScanStatus
    started_at: datetime
    finished_at: datetime | None
    metadata: Mapping[str, Any]
    asset_count: int
    finding_count: int
    failed_count: int
    error_count: int


def _describe(exc: BaseException, url: URL) -> str:
    text = str(exc.orig) if isinstance(exc, DBAPIError) and exc.orig is not None else str(exc)
    if url.password:
        text = text.replace(str(url.password), "***")
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


class Store:
    """Open with `Store.open(url)`; close it (or use `with`) to release connections."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._url = url

    @classmethod
    def open(cls, url: str | None = None, *,
             stale_after: timedelta = DEFAULT_STALE_AFTER) -> Store:
        """Connect, migrate to the newest schema and mark abandoned scans as interrupted."""
        parsed = parse_url(url or default_database_url())
        try:
            engine = create_store_engine(parsed)
        except ImportError as exc:
            raise StoreError(f"no database driver for {parsed.drivername} ({exc.name}); the "
                             "store runs on SQLite and on PostgreSQL (pip install "
                             "'cloudwarden[postgres]')") from None
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the store at {safe_url(parsed)}: "
                             f"{_describe(exc, parsed)}") from None
        store = cls(engine, parsed)
        try:
            upgrade_to_head(engine)
            store._interrupt_abandoned(stale_after)
        except StoreError:
            engine.dispose()
            raise
        except (SQLAlchemyError, CommandError, OSError) as exc:
            engine.dispose()
            raise StoreError(f"cannot open the store at {safe_url(parsed)}: "
                             f"{_describe(exc, parsed)}") from None
        return store

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return safe_url(self._url)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            if write:
                conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    # -- writing -----------------------------------------------------------------------------

    def begin_scan(self, provider: str, metadata: Mapping[str, Any]) -> str:
        scan_id = str(uuid.uuid4())
        with self._transaction(write=True) as conn:
            conn.execute(insert(scans).values(
                id=scan_id, provider=provider, status=ScanStatus.RUNNING.value,
                started_at=utcnow(), finished_at=None, saved_at=None, metadata=dict(metadata),
                asset_count=0, finding_count=0, failed_count=0, error_count=0,
                pid=os.getpid(), process_start=process_start(os.getpid()),
                hostname=socket.gethostname(),
            ))
        return scan_id

    def save_results(self, scan_id: str, inventory: Inventory,
                     findings: Sequence[Finding]) -> list[Finding]:
        """Write a running scan's assets, findings and collection errors in one transaction.

        Returns the findings as stored: `first_seen` carried over from the latest completed
        scan of the same provider for the same (rule, asset), else now; `last_seen` now.
        """
        now = utcnow()
        with self._transaction(write=True) as conn:
            # Claiming the row first also locks it (PostgreSQL) against a concurrent save.
            claimed = conn.execute(
                update(scans)
                .where(scans.c.id == scan_id, scans.c.status == ScanStatus.RUNNING.value,
                       scans.c.saved_at.is_(None))
                .values(saved_at=now, asset_count=len(inventory), finding_count=len(findings),
                        failed_count=sum(1 for f in findings if f.status is Status.FAIL),
                        error_count=len(inventory.errors))
            )
            if claimed.rowcount != 1:
                self._explain_not_writable(conn, scan_id, "save results for")
            provider = conn.execute(select(scans.c.provider)
                                    .where(scans.c.id == scan_id)).scalar_one()
            first_seen = self._first_seen(conn, provider)
            stored = [f._replace(first_seen=first_seen.get((f.rule_id, f.asset.key), now),
                                 last_seen=now) for f in findings]
            self._insert(conn, assets, (_codec.asset_row(scan_id, a) for a in inventory))
            self._insert(conn, collection_errors,
                         (_codec.error_row(scan_id, e) for e in inventory.errors))
            self._insert(conn, findings_table,
                         (_codec.finding_row(scan_id, f) for f in stored))
        return stored

    def finish_scan(self, scan_id: str, status: str = ScanStatus.COMPLETED) -> None:
        try:
            final = ScanStatus(status)
        except ValueError:
            final = ScanStatus.RUNNING
        if final is ScanStatus.RUNNING:
            raise StoreError(f"a scan finishes as completed, failed or interrupted, not "
                             f"{status!r}")
        condition = [scans.c.id == scan_id, scans.c.status == ScanStatus.RUNNING.value]
        if final is ScanStatus.COMPLETED:
            # Completed means "readers may trust it": its results must be in.
            condition.append(scans.c.saved_at.is_not(None))
        with self._transaction(write=True) as conn:
            done = conn.execute(update(scans).where(*condition)
                                .values(status=final.value, finished_at=utcnow()))
            if done.rowcount != 1:
                self._explain_not_writable(conn, scan_id, f"mark {final.value}")

    @staticmethod
    def _insert(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
        for batch in _codec.chunks(rows, _BATCH):
            conn.execute(insert(table), batch)

    @staticmethod
    def _explain_not_writable(conn: Connection, scan_id: str, action: str) -> NoReturn:
        row = conn.execute(select(scans.c.status, scans.c.saved_at)
                           .where(scans.c.id == scan_id)).one_or_none()
        if row is None:
            raise StoreError(f"cannot {action} scan {scan_id}: no such scan")
        if row.status != ScanStatus.RUNNING.value:
            raise StoreError(f"cannot {action} scan {scan_id}: it is {row.status}")
        if row.saved_at is None:
            raise StoreError(f"cannot {action} scan {scan_id}: its results were not saved")
        raise StoreError(f"cannot {action} scan {scan_id}: its results were already saved")

    def _first_seen(self, conn: Connection, provider: str) -> dict[tuple[str, str], datetime]:
        previous = conn.execute(self._latest_completed(provider)).scalar_one_or_none()
        if previous is None:
            return {}
        rows = conn.execute(
            select(findings_table.c.rule_id, findings_table.c.asset_key,
                   findings_table.c.first_seen)
            .where(findings_table.c.scan_id == previous)
        )
        out: dict[tuple[str, str], datetime] = {}
        for rule_id, asset_key, seen in rows:
            key = (rule_id, asset_key)
            out[key] = min(seen, out.get(key, seen))
        return out

    def _interrupt_abandoned(self, stale_after: timedelta) -> None:
        now = utcnow()
        host = socket.gethostname()
        with self._transaction() as conn:
            running = conn.execute(
                select(scans.c.id, scans.c.pid, scans.c.process_start, scans.c.hostname,
                       scans.c.started_at)
                .where(scans.c.status == ScanStatus.RUNNING.value)
            ).all()
        dead = [r.id for r in running
                if now - r.started_at > stale_after
                or (r.hostname == host and not process_alive(r.pid, r.process_start))]
        if not dead:
            return
        with self._transaction(write=True) as conn:
            conn.execute(
                update(scans)
                .where(scans.c.id.in_(dead), scans.c.status == ScanStatus.RUNNING.value)
                .values(status=ScanStatus.INTERRUPTED.value, finished_at=now)
            )

    # -- exemptions and score history ---------------------------------------------------------

    def add_exemption(self, exemption: Exemption) -> Exemption:
        """Store a new exemption (see `Exemption.new`) and its `created` event, by its author."""
        with self._transaction(write=True) as conn:
            return _posture.add_exemption(conn, exemption, utcnow())

    def update_exemption(
        self,
        exemption_id: str,
        *,
        actor: str,
        reason: str | None = None,
        expires_at: datetime | _Unchanged | None = UNCHANGED,
        category: ExemptionCategory | None = None,
        now: datetime | None = None,
    ) -> Exemption:
        """Change an exemption's reason, expiry (None: never expires) or category, with an
        `updated` event by `actor`. Arguments left out keep their value; a change to nothing
        new records no event. Raises `StoreError` for an unknown or deleted exemption and
        `InvalidExemption` for an invalid result."""
        changes: dict[str, Any] = {}
        if reason is not None:
            changes["reason"] = reason
        if not isinstance(expires_at, _Unchanged):
            changes["expires_at"] = expires_at
        if category is not None:
            changes["category"] = category
        with self._transaction(write=True) as conn:
            return _posture.update_exemption(conn, exemption_id, actor, changes,
                                             now or utcnow())

    def delete_exemption(self, exemption_id: str, *, actor: str,
                         now: datetime | None = None) -> None:
        """Soft delete: the exemption stops applying but stays readable, with a `deleted`
        event by `actor`. Raises `StoreError` for an unknown or already deleted exemption."""
        with self._transaction(write=True) as conn:
            _posture.delete_exemption(conn, exemption_id, actor, now or utcnow())

    def exemptions(self, *, include_deleted: bool = False, include_expired: bool = True,
                   now: datetime | None = None) -> list[Exemption]:
        """Oldest first. Expired ones (expiry at or before `now`, default the current time)
        are listed unless `include_expired=False`; they no longer apply either way."""
        with self._transaction() as conn:
            return _posture.list_exemptions(conn, include_deleted=include_deleted,
                                            include_expired=include_expired,
                                            now=now or utcnow())

    def exemption_events(self, exemption_id: str | None = None) -> list[ExemptionEvent]:
        """The audit trail, oldest first: of one exemption, or of all."""
        with self._transaction() as conn:
            return _posture.list_exemption_events(conn, exemption_id)

    def save_score(self, scan_id: str, score: SecureScore, recorded_at: datetime, *,
                   accounts: Mapping[str, SecureScore] | None = None) -> None:
        """Record a scan's score: one row for the total, one per control, one per account
        (`score.accounts`). With `accounts` (each account's own score) an account's row carries
        its points and resource counts, and its controls get rows too; without, only its
        percentage. Saving a scan again replaces its rows."""
        with self._transaction(write=True) as conn:
            _posture.save_score(conn, scan_id, score, recorded_at, accounts)

    def score_history(self, *, account: str | None = None, control_id: str | None = None,
                      limit: int = 50) -> list[ScorePoint]:
        """The latest `limit` points of one series, newest last: the total (no `account`) or
        an account's, overall (no `control_id`) or of one control."""
        with self._transaction() as conn:
            return _posture.list_score_history(conn, account=account, control_id=control_id,
                                               limit=limit)

    # -- detection alerts and incidents -------------------------------------------------------

    def save_alerts(self, alerts: Iterable[Alert], incidents: Iterable[Incident] = (), *,
                    now: datetime | None = None) -> list[Alert]:
        """Upsert alerts and incidents by id in one transaction; returns the alerts as stored.

        An alert seen before is updated: counts add up (an overlapping run, the same logs read
        again, keeps the larger count), first/last seen widen, entities, resources and the
        capped evidence merge. A dismissed alert stays dismissed; a resolved one reopens
        (`active`, with an audit event by `cloudwarden`) when it happened again after what was
        stored. An incident seen before keeps its first alerts and gains the new ones."""
        with self._transaction(write=True) as conn:
            return _alerts.save_alerts(conn, alerts, incidents, now or utcnow())

    def alerts(self, statuses: Iterable[AlertStatus | str] = (),
               min_severity: Severity | None = None, types: Iterable[str] = ()) -> list[Alert]:
        """Stored alerts, most severe then most recent first; each filter empty means any."""
        with self._transaction() as conn:
            return _alerts.list_alerts(conn, statuses=statuses, min_severity=min_severity,
                                       types=types)

    def incidents(self) -> list[Incident]:
        """Stored incidents, most recent first, with their alerts as stored now."""
        with self._transaction() as conn:
            return _alerts.list_incidents(conn)

    def set_alert_status(self, alert_id: str, status: AlertStatus | str, *, actor: str,
                         reason: str = "", now: datetime | None = None) -> Alert:
        """Move an alert (its id, or a prefix naming one alert) to `status`, recording who and
        why. Raises StoreError for an unknown or ambiguous id and
        `cloudwarden.detect.alerts.InvalidTransitionError` for a change the workflow forbids
        (resolved and dismissed alerts can only be reopened as active)."""
        try:
            wanted = AlertStatus(status)
        except ValueError:
            raise StoreError(f"unknown alert status {status!r}: one of "
                             f"{', '.join(s.value for s in AlertStatus)}") from None
        with self._transaction(write=True) as conn:
            return _alerts.set_alert_status(conn, alert_id, wanted, actor, reason,
                                            now or utcnow())

    def alert_events(self, alert_id: str | None = None) -> list[AlertEvent]:
        """The status changes, oldest first: of one alert (its full id), or of all."""
        with self._transaction() as conn:
            return _alerts.list_alert_events(conn, alert_id)

    # -- reading -----------------------------------------------------------------------------

    @staticmethod
    def _latest_completed(provider: str | None) -> Select[Any]:
        query = select(scans.c.id).where(scans.c.status == ScanStatus.COMPLETED.value)
        if provider is not None:
            query = query.where(scans.c.provider == provider)
        return query.order_by(scans.c.started_at.desc(), scans.c.id.desc()).limit(1)

    def _resolve(self, conn: Connection, scan_id: str | None) -> str | None:
        if scan_id is None:
            return conn.execute(self._latest_completed(None)).scalar_one_or_none()
        if conn.execute(select(scans.c.id).where(scans.c.id == scan_id)).first() is None:
            raise StoreError(f"no scan {scan_id}")
        return scan_id

    def list_scans(self, limit: int = 20) -> list[ScanRecord]:
        """Newest first, whatever their status."""
        with self._transaction() as conn:
            rows = conn.execute(select(scans)
                                .order_by(scans.c.started_at.desc(), scans.c.id.desc())
                                .limit(limit)).all()
        return [_scan_record(r) for r in rows]

    def latest_scan(self, provider: str | None = None) -> ScanRecord | None:
        """The newest COMPLETED scan (of a provider, if given)."""
        with self._transaction() as conn:
            row = conn.execute(select(scans).where(
                scans.c.id == self._latest_completed(provider).scalar_subquery())).first()
        return _scan_record(row) if row is not None else None

    def findings(
        self,
        scan_id: str | None = None,
        *,
        statuses: Iterable[Status] = (),
        severities: Iterable[Severity] = (),
        rule_ids: Iterable[str] = (),
        accounts: Iterable[str] = (),
        asset_types: Iterable[str] = (),
        min_severity: Severity | None = None,
    ) -> list[Finding]:
        """Findings of a scan (default: the latest completed one); each filter is an IN list,
        empty means any. Most severe first."""
        table = findings_table
        with self._transaction() as conn:
            resolved = self._resolve(conn, scan_id)
            if resolved is None:
                return []
            query = select(table).where(table.c.scan_id == resolved)
            for column, wanted in (
                (table.c.status, [Status(s).value for s in statuses]),
                (table.c.severity, [int(s) for s in severities]),
                (table.c.rule_id, list(rule_ids)),
                (table.c.account, list(accounts)),
                (table.c.asset_type, list(asset_types)),
            ):
                if wanted:
                    query = query.where(column.in_(wanted))
            if min_severity is not None:
                query = query.where(table.c.severity >= int(min_severity))
            query = query.order_by(table.c.severity.desc(), table.c.rule_id,
                                   table.c.asset_key, table.c.id)
            rows = conn.execute(query).all()
        return [_codec.finding_from_row(r) for r in rows]

    def inventory(self, scan_id: str | None = None) -> Inventory:
        """Assets and collection errors of a scan (default: the latest completed one)."""
        with self._transaction() as conn:
            resolved = self._resolve(conn, scan_id)
            if resolved is None:
                return Inventory()
            meta = conn.execute(select(scans.c["metadata"])
                                .where(scans.c.id == resolved)).scalar_one()
            asset_rows = conn.execute(select(assets).where(assets.c.scan_id == resolved)
                                      .order_by(assets.c.type, assets.c.asset_key)).all()
            error_rows = conn.execute(select(collection_errors)
                                      .where(collection_errors.c.scan_id == resolved)
                                      .order_by(collection_errors.c.id)).all()
        return Inventory((_codec.asset_from_row(r) for r in asset_rows),
                         errors=(_codec.error_from_row(r) for r in error_rows),
                         metadata=meta)


def _scan_record(row: Any) -> ScanRecord:
    m = row._mapping
    return ScanRecord(
        id=m["id"], provider=m["provider"], status=ScanStatus(m["status"]),
        started_at=m["started_at"], finished_at=m["finished_at"],
        metadata=dict(m["metadata"] or {}), asset_count=m["asset_count"],
        finding_count=m["finding_count"], failed_count=m["failed_count"],
        error_count=m["error_count"],
    )
