"""Model objects to table rows and back. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Row

from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import Asset, AssetRef, Evidence, Finding, Severity, Status

__all__ = [
    "asset_from_row",
    "asset_row",
    "chunks",
    "error_from_row",
    "error_row",
    "finding_from_row",
    "finding_row",
]

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of at most `size` items, so a large scan is inserted in bounded batches."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def asset_row(scan_id: str, asset: Asset) -> dict[str, Any]:
    ref = asset.ref
    return {
        "scan_id": scan_id,
        "asset_key": ref.key,
        "provider": ref.provider,
        "account": ref.account,
        "region": ref.region,
        "type": ref.type,
        "resource_id": ref.id,
        "name": asset.name,
        "tags": dict(asset.tags),
        "properties": dict(asset.properties),
        "origin": asset.origin,
        "unknown": dict(asset.unknown) or None,
    }


def asset_from_row(row: Row[Any]) -> Asset:
    m = row._mapping
    return Asset(
        ref=AssetRef(m["provider"], m["account"], m["region"], m["type"], m["resource_id"]),
        name=m["name"],
        properties=m["properties"],
        tags={str(k): str(v) for k, v in (m["tags"] or {}).items()},
        origin=m["origin"],
        unknown={str(k): str(v) for k, v in (m["unknown"] or {}).items()},
    )


def finding_row(scan_id: str, finding: Finding) -> dict[str, Any]:
    ref = finding.asset
    return {
        "scan_id": scan_id,
        "rule_id": finding.rule_id,
        "asset_key": ref.key,
        "provider": ref.provider,
        "account": ref.account,
        "region": ref.region,
        "asset_type": ref.type,
        "resource_id": ref.id,
        "status": Status(finding.status).value,
        "severity": int(finding.severity),
        "message": finding.message,
        "evidence": [e.to_dict() for e in finding.evidence],
        "first_seen": finding.first_seen,
        "last_seen": finding.last_seen,
    }


def finding_from_row(row: Row[Any]) -> Finding:
    m = row._mapping
    first_seen: datetime = m["first_seen"]
    last_seen: datetime = m["last_seen"]
    return Finding(
        rule_id=m["rule_id"],
        asset=AssetRef(m["provider"], m["account"], m["region"], m["asset_type"],
                       m["resource_id"]),
        status=Status(m["status"]),
        severity=Severity(m["severity"]),
        message=m["message"],
        evidence=tuple(Evidence.from_dict(e) for e in m["evidence"] or ()),
        first_seen=first_seen,
        last_seen=last_seen,
    )


def error_row(scan_id: str, error: CollectionError) -> dict[str, Any]:
    return {"scan_id": scan_id, **error.to_dict()}


def error_from_row(row: Row[Any]) -> CollectionError:
    m = row._mapping
    return CollectionError(
        provider=m["provider"],
        account=m["account"],
        region=m["region"],
        service=m["service"],
        operation=m["operation"],
        reason=m["reason"],
    )
