"""Alerts link to inventory assets: `alerts.assets`, the asset keys their resources name.

Existing alerts get an empty list (they were raised before linking existed).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copy of the type in _schema.py: a migration must not change when the code does.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("assets", _json, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("assets")
