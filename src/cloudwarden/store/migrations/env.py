"""Alembic environment: migrates the connection that `cloudwarden.store` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from cloudwarden.store._schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("cloudwarden migrations run through Store.open(), which passes a "
                       "connection in config.attributes['connection']")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
