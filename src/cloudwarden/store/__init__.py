"""The store: scans with their inventory, findings and collection errors; detection alerts
and incidents.

SQLite by default (one file per user, see `default_database_url`), PostgreSQL through a
`postgresql+psycopg://` URL. The schema is migrated with Alembic when a store is opened.
"""

from cloudwarden.store._alerts import AlertEvent
from cloudwarden.store._engine import StoreError, default_database_url
from cloudwarden.store._posture import ExemptionEvent, ScorePoint
from cloudwarden.store._store import UNCHANGED, ScanRecord, ScanStatus, Store

__all__ = [
    "UNCHANGED",
    "AlertEvent",
    "ExemptionEvent",
    "ScanRecord",
    "ScanStatus",
    "ScorePoint",
    "Store",
    "StoreError",
    "default_database_url",
]
