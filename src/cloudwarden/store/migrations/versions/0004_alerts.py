"""Detection alerts, incidents and the audit trail of alert status changes.

New tables only: nothing existing changes.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in _schema.py: a migration must not change when the code does.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ts = sa.DateTime(timezone=True)
_row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tactic", sa.Text(), nullable=False),
        sa.Column("technique", sa.Text(), nullable=False),
        sa.Column("first_seen", _ts, nullable=False),
        sa.Column("last_seen", _ts, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("entities", _json, nullable=False),
        sa.Column("resources", _json, nullable=False),
        sa.Column("remediation", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", _json, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.CheckConstraint("status IN ('new', 'active', 'resolved', 'dismissed')",
                           name="ck_alerts_status"),
    )
    op.create_index("ix_alerts_status_severity", "alerts", ["status", "severity"])
    op.create_index("ix_alerts_last_seen", "alerts", ["last_seen"])

    op.create_table(
        "incidents",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("stages", _json, nullable=False),
        sa.Column("entities", _json, nullable=False),
        sa.Column("alert_ids", _json, nullable=False),
        sa.Column("first_seen", _ts, nullable=False),
        sa.Column("last_seen", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_last_seen", "incidents", ["last_seen"])

    op.create_table(
        "alert_events",
        sa.Column("id", _row_id, autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Text(), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", _ts, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_events"),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="CASCADE",
                                name="fk_alert_events_alert_id_alerts"),
    )
    op.create_index("ix_alert_events_alert_id_id", "alert_events", ["alert_id", "id"])


def downgrade() -> None:
    for table in ("alert_events", "incidents", "alerts"):
        op.drop_table(table)
