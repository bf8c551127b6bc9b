"""A `store_url` for each backend: a temp SQLite file, and a fresh PostgreSQL schema.

PostgreSQL runs when CLOUDWARDEN_TEST_POSTGRES_URL is set (for example
postgresql+psycopg://postgres@127.0.0.1:5432/postgres): the session creates its own database
`cw_test_<random>`, each test gets its own schema in it, and everything is dropped at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from cloudwarden.store import Store

PG_ENV = "CLOUDWARDEN_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[URL]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set; set it to a PostgreSQL URL to run the store tests "
                    "against PostgreSQL")
    server = make_url(base)
    name = f"cw_test_{secrets.token_hex(6)}"  # our own hex name: safe to put in DDL
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_admin(pg_database: URL) -> Iterator[Engine]:
    engine = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield URL.create("sqlite", database=str(tmp_path / "store.db")).render_as_string()
        return
    database: URL = request.getfixturevalue("pg_database")
    admin: Engine = request.getfixturevalue("pg_admin")
    schema = f"t_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = database.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened
