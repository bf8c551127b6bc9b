"""Opening a store: migrations, URLs, secrets kept out of messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from cloudwarden.store import Store, StoreError, _migrate, default_database_url
from cloudwarden.store._schema import metadata


def test_migrates_an_empty_database_to_the_declared_schema(store_url: str) -> None:
    Store.open(store_url).close()
    Store.open(store_url).close()  # a second open finds the schema at head and does nothing
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == {
                "alembic_version", "scans", "assets", "findings", "collection_errors",
                "exemptions", "exemption_events", "score_history", "alerts",
                "incidents", "alert_events"}
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
            # The migrations and _schema.py describe the same tables, indexes and types.
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()


def test_sqlite_store_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "cw.db"
    with Store.open(f"sqlite:///{path}") as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert path.is_file()


def test_in_memory_sqlite_store_works() -> None:
    with Store.open("sqlite://") as store:
        scan_id = store.begin_scan("aws", {})
        assert [s.id for s in store.list_scans()] == [scan_id]


def test_schema_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    Store.open(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="revision 9999, newer than"):
        Store.open(url)


def test_password_never_appears_in_errors_or_repr() -> None:
    url = "postgresql+psycopg://scanner:s3cr3t-pw@127.0.0.1:1/cloudwarden?connect_timeout=3"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert "s3cr3t-pw" not in message
    assert "postgresql+psycopg://scanner:***@127.0.0.1:1/cloudwarden" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_unparsable_url_is_not_echoed() -> None:
    with pytest.raises(StoreError) as caught:
        Store.open("not a url with p4ssword")
    assert "p4ssword" not in str(caught.value)


def test_store_url_and_repr_mask_the_password(store_url: str) -> None:
    with Store.open(store_url) as store:
        assert store.url == make_url(store_url).render_as_string(hide_password=True)
        assert repr(store) == f"Store({store.url!r})"
    masked = Store(create_engine("sqlite://"), make_url("postgresql+psycopg://u:hunter2@db/cw"))
    assert masked.url == "postgresql+psycopg://u:***@db/cw"
    assert "hunter2" not in repr(masked)
    masked.close()


def test_default_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLOUDWARDEN_DB", raising=False)
    default = default_database_url()
    assert default.startswith("sqlite:///") and default.endswith("cloudwarden.db")
    assert "cloudwarden" in Path(default.removeprefix("sqlite:///")).parent.as_posix()

    monkeypatch.setenv("CLOUDWARDEN_DB", str(tmp_path / "mine.db"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'mine.db'}"
    monkeypatch.setenv("CLOUDWARDEN_DB", "postgresql+psycopg://u@db/cw")
    assert default_database_url() == "postgresql+psycopg://u@db/cw"

    monkeypatch.setenv("CLOUDWARDEN_DB", str(tmp_path / "opened.db"))
    with Store.open() as store:
        store.begin_scan("aws", {})
    assert (tmp_path / "opened.db").is_file()


def test_a_0001_database_is_upgraded_and_its_assets_still_load(store_url: str) -> None:
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            cfg = _migrate._config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
            conn.execute(text(
                "INSERT INTO scans (id, provider, status, started_at, finished_at, metadata, "
                "asset_count, finding_count, failed_count, error_count, pid, hostname) VALUES "
                "('s1', 'aws', 'completed', :t, :t, '{}', 1, 0, 0, 0, 1, 'h')"),
                {"t": datetime(2024, 1, 1, tzinfo=UTC)})
            conn.execute(text(
                "INSERT INTO assets (scan_id, asset_key, provider, account, region, type, "
                "resource_id, name, tags, properties, origin) VALUES ('s1', "
                "'aws|1|eu-west-1|aws.s3.bucket|b', 'aws', '1', 'eu-west-1', 'aws.s3.bucket', "
                "'b', 'b', '{}', '{\"Name\": \"b\"}', 'aws:api')"))
    finally:
        engine.dispose()

    with Store.open(store_url) as store:
        (old,) = store.inventory("s1")
    assert old.properties == {"Name": "b"} and old.unknown == {}
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
