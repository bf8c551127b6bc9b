"""The store's tables, declared once with SQLAlchemy Core.

Queries are built from these objects. The migrations in `migrations/versions` are frozen copies
of the DDL; a test compares the migrated database against this metadata so the two cannot drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = [
    "ALERT_STATUSES",
    "SCAN_STATUSES",
    "alert_events",
    "alerts",
    "assets",
    "collection_errors",
    "exemption_events",
    "exemptions",
    "findings",
    "incidents",
    "json_type",
    "metadata",
    "scans",
    "score_history",
]

SCAN_STATUSES = ("running", "completed", "failed", "interrupted")
ALERT_STATUSES = ("new", "active", "resolved", "dismissed")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def json_type() -> TypeEngine[Any]:
    """JSON everywhere, JSONB on PostgreSQL (indexable, compact)."""
    return JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps go in as aware datetimes and always come back aware, in UTC.

    SQLite has no time zones, so values are normalised to UTC before they are stored; this also
    keeps their text form sortable.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store; use UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A surrogate key that is an alias of SQLite's rowid there and a bigint identity elsewhere.
_row_id = BigInteger().with_variant(Integer(), "sqlite")

scans = Table(
    "scans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("provider", Text(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("saved_at", UTCDateTime(), nullable=True),
    Column("metadata", json_type(), nullable=False),
    Column("asset_count", Integer(), nullable=False),
    Column("finding_count", Integer(), nullable=False),
    Column("failed_count", Integer(), nullable=False),
    Column("error_count", Integer(), nullable=False),
    Column("pid", Integer(), nullable=False),
    Column("process_start", Text(), nullable=True),
    Column("hostname", Text(), nullable=False),
    CheckConstraint(
        "status IN ('running', 'completed', 'failed', 'interrupted')", name="status"
    ),
    Index(None, "status", "provider", "started_at"),
    Index(None, "started_at"),
)

assets = Table(
    "assets",
    metadata,
    Column(
        "scan_id",
        String(36),
        ForeignKey("scans.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("asset_key", Text(), primary_key=True),
    Column("provider", Text(), nullable=False),
    Column("account", Text(), nullable=False),
    Column("region", Text(), nullable=False),
    Column("type", Text(), nullable=False),
    Column("resource_id", Text(), nullable=False),
    Column("name", Text(), nullable=False),
    Column("tags", json_type(), nullable=False),
    Column("properties", json_type(), nullable=False),
    Column("origin", Text(), nullable=False),
    # Top-level field -> why it could not be collected; null when nothing is unknown.
    Column("unknown", json_type(), nullable=True),
    Index(None, "scan_id", "type"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", _row_id, primary_key=True, autoincrement=True),
    Column("scan_id", String(36), ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("rule_id", Text(), nullable=False),
    Column("asset_key", Text(), nullable=False),
    Column("provider", Text(), nullable=False),
    Column("account", Text(), nullable=False),
    Column("region", Text(), nullable=False),
    Column("asset_type", Text(), nullable=False),
    Column("resource_id", Text(), nullable=False),
    Column("status", Text(), nullable=False),
    Column("severity", Integer(), nullable=False),
    Column("message", Text(), nullable=False),
    Column("evidence", json_type(), nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    Index(None, "scan_id", "rule_id", "asset_key"),
    Index(None, "scan_id", "status"),
    Index(None, "scan_id", "severity"),
    Index(None, "scan_id", "account"),
    Index(None, "scan_id", "asset_type"),
)

collection_errors = Table(
    "collection_errors",
    metadata,
    Column("id", _row_id, primary_key=True, autoincrement=True),
    Column("scan_id", String(36), ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("provider", Text(), nullable=False),
    Column("account", Text(), nullable=False),
    Column("region", Text(), nullable=False),
    Column("service", Text(), nullable=False),
    Column("operation", Text(), nullable=False),
    Column("reason", Text(), nullable=False),
    Index(None, "scan_id"),
)

# Exemptions are never deleted, only marked (`deleted_at`): the audit trail refers to them.
exemptions = Table(
    "exemptions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("scope", String(16), nullable=False),
    Column("rule_id", Text(), nullable=True),
    Column("account", Text(), nullable=True),
    Column("asset_key", Text(), nullable=True),
    Column("category", String(16), nullable=False),
    Column("reason", Text(), nullable=False),
    Column("author", Text(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=True),
    Column("deleted_at", UTCDateTime(), nullable=True),
    CheckConstraint("scope IN ('resource', 'account', 'rule')", name="scope"),
    CheckConstraint("category IN ('waiver', 'mitigated')", name="category"),
    Index(None, "created_at"),
)

exemption_events = Table(
    "exemption_events",
    metadata,
    Column("id", _row_id, primary_key=True, autoincrement=True),
    Column("exemption_id", String(36), ForeignKey("exemptions.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", Text(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    # The exemption as it was right after the change (Exemption.to_dict()).
    Column("snapshot", json_type(), nullable=False),
    CheckConstraint("action IN ('created', 'updated', 'deleted')", name="action"),
    Index(None, "exemption_id", "id"),
)

# One row per scan for the total, per control (control_id set) and per account (scope
# 'account'; with control_id set for the account's own control scores).
score_history = Table(
    "score_history",
    metadata,
    Column("id", _row_id, primary_key=True, autoincrement=True),
    Column("scan_id", String(36), ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("account", Text(), nullable=True),
    Column("control_id", Text(), nullable=True),
    Column("current", Double(), nullable=True),
    Column("max_score", Double(), nullable=True),
    Column("healthy", Integer(), nullable=True),
    Column("unhealthy", Integer(), nullable=True),
    Column("percentage", Double(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    CheckConstraint("scope IN ('total', 'account')", name="scope"),
    Index(None, "scope", "account", "control_id", "recorded_at"),
    Index(None, "scan_id"),
)

# Detection alerts, one row per alert id (stable across runs: a detection, its key entities and
# its window), updated in place as occurrences come in. `evidence` holds the capped evidence
# events as documents (`alert_to_dict`).
alerts = Table(
    "alerts",
    metadata,
    Column("id", Text(), primary_key=True),
    Column("type", Text(), nullable=False),
    Column("title", Text(), nullable=False),
    Column("severity", Integer(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("tactic", Text(), nullable=False),
    Column("technique", Text(), nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    Column("count", Integer(), nullable=False),
    Column("entities", json_type(), nullable=False),
    Column("resources", json_type(), nullable=False),
    Column("assets", json_type(), nullable=False, server_default="[]"),
    Column("remediation", Text(), nullable=False),
    Column("description", Text(), nullable=False),
    Column("evidence", json_type(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("status IN ('new', 'active', 'resolved', 'dismissed')", name="status"),
    Index(None, "status", "severity"),
    Index(None, "last_seen"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Text(), primary_key=True),
    Column("title", Text(), nullable=False),
    Column("severity", Integer(), nullable=False),
    Column("stages", json_type(), nullable=False),
    Column("entities", json_type(), nullable=False),
    Column("alert_ids", json_type(), nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    Index(None, "last_seen"),
)

# Every status change of an alert: by a person (`alerts set-status`) or by a detection run
# (a resolved alert that happens again is reopened).
alert_events = Table(
    "alert_events",
    metadata,
    Column("id", _row_id, primary_key=True, autoincrement=True),
    Column("alert_id", Text(), ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("actor", Text(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("reason", Text(), nullable=False),
    Index(None, "alert_id", "id"),
)
