"""Bring a database to the newest schema with Alembic, driven from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, select

from cloudwarden.store._engine import WRITE_OPTION, StoreError

__all__ = ["upgrade_to_head"]

_MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant: it serialises concurrent first opens of one PostgreSQL database.
_PG_LOCK_KEY = 0x6377_7374


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS).replace("%", "%%"))
    return cfg


def _current(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def upgrade_to_head(engine: Engine) -> None:
    cfg = _config()
    script = ScriptDirectory.from_config(cfg)
    heads = set(script.get_heads())
    with engine.connect() as conn, conn.begin():
        current = _current(conn)
    if current == heads:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    if unknown := current - known:
        raise StoreError(f"the database schema is at revision {', '.join(sorted(unknown))}, "
                         "newer than this version of Cloudwarden knows; upgrade Cloudwarden")
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
