"""The core model: what every layer above speaks.

Assets are what collectors and IaC adapters produce; findings are what rules produce about
assets. Both are frozen, slotted dataclasses: cheap to create in the millions and safe to share
between threads.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

__all__ = [
    "UNRESOLVED",
    "Asset",
    "AssetRef",
    "Evidence",
    "Finding",
    "Severity",
    "Status",
    "utcnow",
]


#: Prefix of an `Asset.unknown` reason for a value that the *source* does not fix (an IaC
#: variable without a value, an attribute known only after apply), as opposed to a value whose
#: collection failed. The engine judges neither; it reports the first as not applicable (there
#: is nothing to fix in the code as written) and the second as an error (the scan fell short).
UNRESOLVED = "unresolved: "


def utcnow() -> datetime:
    return datetime.now(UTC)


class Severity(enum.IntEnum):
    """Ordered so that `severity >= Severity.HIGH` reads naturally."""

    INFORMATIONAL = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - a result status, not a password
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"
    EXEMPT = "exempt"


@dataclass(frozen=True, slots=True, order=True)
class AssetRef:
    """Identifies one asset. `id` is the provider's own identifier (an ARN on AWS)."""

    provider: str
    account: str
    region: str
    type: str
    id: str

    @property
    def key(self) -> str:
        """A stable, unique text key, used by the store and the outputs."""
        return f"{self.provider}|{self.account}|{self.region}|{self.type}|{self.id}"

    @classmethod
    def from_key(cls, key: str) -> AssetRef:
        parts = key.split("|", 4)
        if len(parts) != 5:
            raise ValueError(f"not an asset key: {key!r}")
        return cls(*parts)

    def to_dict(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "account": self.account,
            "region": self.region,
            "type": self.type,
            "id": self.id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssetRef:
        return cls(
            provider=str(data["provider"]),
            account=str(data["account"]),
            region=str(data["region"]),
            type=str(data["type"]),
            id=str(data["id"]),
        )


@dataclass(frozen=True, slots=True)
class Asset:
    """One resource in its canonical shape (see `cloudwarden.assets`).

    `properties` is the canonical document that rules read; `origin` says where it came from:
    `aws:api` for a live collection, `file:line` for IaC. `unknown` maps a top-level field
    whose collection failed to a short reason (e.g. "GetBucketPolicy: AccessDenied"): its null
    means "not known", not "not configured", and the engine does not judge rules that read it.
    A reason starting with `UNRESOLVED` marks a value the source leaves open (IaC).
    """

    ref: AssetRef
    name: str
    properties: Mapping[str, Any]
    tags: Mapping[str, str] = field(default_factory=dict)
    origin: str = ""
    unknown: Mapping[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return self.ref.type

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ref": self.ref.to_dict(),
            "name": self.name,
            "tags": dict(self.tags),
            "origin": self.origin,
            "properties": self.properties,
        }
        if self.unknown:  # omitted when empty: most assets are fully collected
            out["unknown"] = dict(self.unknown)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Asset:
        return cls(
            ref=AssetRef.from_dict(data["ref"]),
            name=str(data.get("name", "")),
            tags={str(k): str(v) for k, v in (data.get("tags") or {}).items()},
            origin=str(data.get("origin", "")),
            properties=data.get("properties") or {},
            unknown={str(k): str(v) for k, v in (data.get("unknown") or {}).items()},
        )


class Evidence(NamedTuple):
    """One path of the asset document and the value found there that decided a result.

    A NamedTuple rather than a frozen dataclass: just as immutable, and about five times
    cheaper to create, which matters when the engine explains millions of results."""

    path: str
    value: Any
    expected: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "value": self.value}
        if self.expected:
            out["expected"] = self.expected
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(str(data["path"]), data.get("value"), str(data.get("expected", "")))


class Finding(NamedTuple):
    """The result of one rule on one asset (or on one scope, for an error).

    Immutable: derive changed copies with `_replace`. A NamedTuple on purpose: the engine
    creates one per rule evaluation (millions per large assessment) and builds it in C with
    `tuple.__new__(Finding, (...all eight fields...))`, a third cheaper than a dataclass's
    generated __init__."""

    rule_id: str
    asset: AssetRef
    status: Status
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "asset": self.asset.to_dict(),
            "status": self.status.value,
            "severity": self.severity.label,
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        def when(v: Any) -> datetime | None:
            return datetime.fromisoformat(v) if v else None

        return cls(
            rule_id=str(data["rule_id"]),
            asset=AssetRef.from_dict(data["asset"]),
            status=Status(data["status"]),
            severity=Severity.parse(str(data["severity"])),
            message=str(data.get("message", "")),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence") or ()),
            first_seen=when(data.get("first_seen")),
            last_seen=when(data.get("last_seen")),
        )
