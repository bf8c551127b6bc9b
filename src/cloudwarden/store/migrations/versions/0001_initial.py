"""Initial schema: scans, assets, findings, collection errors.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in _schema.py: a migration must not change when the code does.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ts = sa.DateTime(timezone=True)
_row_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_scan_fk = "scans.id"


def upgrade() -> None:
    op.create_table(
        "scans",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", _ts, nullable=False),
        sa.Column("finished_at", _ts, nullable=True),
        sa.Column("saved_at", _ts, nullable=True),
        sa.Column("metadata", _json, nullable=False),
        sa.Column("asset_count", sa.Integer(), nullable=False),
        sa.Column("finding_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("process_start", sa.Text(), nullable=True),
        sa.Column("hostname", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scans"),
        sa.CheckConstraint(
            "status IN ('running', 'completed', 'failed', 'interrupted')",
            name="ck_scans_status",
        ),
    )
    op.create_index("ix_scans_status_provider_started_at", "scans",
                    ["status", "provider", "started_at"])
    op.create_index("ix_scans_started_at", "scans", ["started_at"])

    op.create_table(
        "assets",
        sa.Column("scan_id", sa.String(36), nullable=False),
        sa.Column("asset_key", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tags", _json, nullable=False),
        sa.Column("properties", _json, nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("scan_id", "asset_key", name="pk_assets"),
        sa.ForeignKeyConstraint(["scan_id"], [_scan_fk], ondelete="CASCADE",
                                name="fk_assets_scan_id_scans"),
    )
    op.create_index("ix_assets_scan_id_type", "assets", ["scan_id", "type"])

    op.create_table(
        "findings",
        sa.Column("id", _row_id, autoincrement=True, nullable=False),
        sa.Column("scan_id", sa.String(36), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("asset_key", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("asset_type", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", _json, nullable=False),
        sa.Column("first_seen", _ts, nullable=False),
        sa.Column("last_seen", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.ForeignKeyConstraint(["scan_id"], [_scan_fk], ondelete="CASCADE",
                                name="fk_findings_scan_id_scans"),
    )
    for columns in (["rule_id", "asset_key"], ["status"], ["severity"], ["account"],
                    ["asset_type"]):
        op.create_index(f"ix_findings_scan_id_{'_'.join(columns)}", "findings",
                        ["scan_id", *columns])

    op.create_table(
        "collection_errors",
        sa.Column("id", _row_id, autoincrement=True, nullable=False),
        sa.Column("scan_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_collection_errors"),
        sa.ForeignKeyConstraint(["scan_id"], [_scan_fk], ondelete="CASCADE",
                                name="fk_collection_errors_scan_id_scans"),
    )
    op.create_index("ix_collection_errors_scan_id", "collection_errors", ["scan_id"])


def downgrade() -> None:
    for table in ("collection_errors", "findings", "assets", "scans"):
        op.drop_table(table)
