"""Database URLs and engines: SQLite (the default, one file per user) and PostgreSQL."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.jsonutil import json_default

__all__ = [
    "ENV_VAR",
    "WRITE_OPTION",
    "StoreError",
    "create_store_engine",
    "default_database_url",
    "parse_url",
    "safe_url",
]

ENV_VAR = "CLOUDWARDEN_DB"
_BUSY_TIMEOUT_MS = 30_000
# Set on a connection that is about to write, so SQLite takes the write lock at BEGIN and
# waits for it (busy timeout) instead of failing half way through a transaction.
WRITE_OPTION = "cloudwarden_write"


class StoreError(CloudwardenError):
    """The store cannot do what was asked; the message is safe to show (no passwords)."""


def default_database_url() -> str:
    """`$CLOUDWARDEN_DB` (a URL, or a path to a SQLite file), else a per-user SQLite file."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        if "://" in configured:
            return configured
        return URL.create("sqlite", database=str(Path(configured).expanduser())).render_as_string()
    path = Path(platformdirs.user_data_dir("cloudwarden")) / "cloudwarden.db"
    return URL.create("sqlite", database=str(path)).render_as_string()


def parse_url(url: str | URL) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        # SQLAlchemy's message repeats the URL, which may hold a password.
        raise StoreError("the database URL cannot be parsed (not shown: it may hold a "
                         "password)") from None


def safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=json_default, separators=(",", ":"))


def _is_sqlite_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url.query)


def create_store_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, json_serializer=_dumps, pool_pre_ping=True)
    if _is_sqlite_memory(url):
        # One shared connection, or every checkout would see a different empty database.
        engine = create_engine(url, json_serializer=_dumps, poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
    else:
        assert url.database is not None
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, json_serializer=_dumps)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see
    # _sqlite_on_begin): sqlite3 would otherwise run DDL outside any transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS:d}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
