"""Exemptions with their audit trail, and the secure score history.

New tables only: existing scans, assets and findings are untouched.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in _schema.py: a migration must not change when the code does.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ts = sa.DateTime(timezone=True)
_row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "exemptions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=True),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("asset_key", sa.Text(), nullable=True),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("expires_at", _ts, nullable=True),
        sa.Column("deleted_at", _ts, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_exemptions"),
        sa.CheckConstraint("scope IN ('resource', 'account', 'rule')",
                           name="ck_exemptions_scope"),
        sa.CheckConstraint("category IN ('waiver', 'mitigated')",
                           name="ck_exemptions_category"),
    )
    op.create_index("ix_exemptions_created_at", "exemptions", ["created_at"])

    op.create_table(
        "exemption_events",
        sa.Column("id", _row_id, autoincrement=True, nullable=False),
        sa.Column("exemption_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", _ts, nullable=False),
        sa.Column("snapshot", _json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exemption_events"),
        sa.ForeignKeyConstraint(["exemption_id"], ["exemptions.id"],
                                name="fk_exemption_events_exemption_id_exemptions"),
        sa.CheckConstraint("action IN ('created', 'updated', 'deleted')",
                           name="ck_exemption_events_action"),
    )
    op.create_index("ix_exemption_events_exemption_id_id", "exemption_events",
                    ["exemption_id", "id"])

    op.create_table(
        "score_history",
        sa.Column("id", _row_id, autoincrement=True, nullable=False),
        sa.Column("scan_id", sa.String(36), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("control_id", sa.Text(), nullable=True),
        sa.Column("current", sa.Double(), nullable=True),
        sa.Column("max_score", sa.Double(), nullable=True),
        sa.Column("healthy", sa.Integer(), nullable=True),
        sa.Column("unhealthy", sa.Integer(), nullable=True),
        sa.Column("percentage", sa.Double(), nullable=False),
        sa.Column("recorded_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_score_history"),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], ondelete="CASCADE",
                                name="fk_score_history_scan_id_scans"),
        sa.CheckConstraint("scope IN ('total', 'account')", name="ck_score_history_scope"),
    )
    op.create_index("ix_score_history_scope_account_control_id_recorded_at", "score_history",
                    ["scope", "account", "control_id", "recorded_at"])
    op.create_index("ix_score_history_scan_id", "score_history", ["scan_id"])


def downgrade() -> None:
    for table in ("score_history", "exemption_events", "exemptions"):
        op.drop_table(table)
