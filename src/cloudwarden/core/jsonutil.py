"""JSON encoding of canonical documents, shared by snapshots, the store and outputs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["json_default"]


def json_default(value: Any) -> Any:
    """`json.dumps(..., default=json_default)`: timestamps as ISO-8601 (naive ones taken as
    UTC), bytes as text, sets and tuples as lists; anything else is an error, never a repr."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
