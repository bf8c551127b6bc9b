"""Assets: `unknown`, the top-level fields whose collection failed, with the reason.

Null when every field was collected (most assets), so existing rows need no backfill.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# A frozen copy of the JSON type in _schema.py.
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("assets", sa.Column("unknown", _json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("unknown")
