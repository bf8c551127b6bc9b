"""Alembic migrations of the store, run in code by `Store.open` (no alembic.ini needed).

Add a revision by copying the latest file in `versions/` (next number, `down_revision` set to
the previous one) and writing its `upgrade()` with `alembic.op`; the schema test fails until
`cloudwarden/store/_schema.py` and the migrations agree.
"""
