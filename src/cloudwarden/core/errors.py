"""Errors are data: a failed collection or rule becomes a result with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudwarden.core.model import AssetRef, Finding, Severity, Status

__all__ = [
    "CloudwardenError",
    "CollectionError",
    "RuleLoadError",
    "SnapshotError",
]


class CloudwardenError(Exception):
    """Base class for errors that are shown to the user as a clear message."""


class SnapshotError(CloudwardenError):
    pass


class RuleLoadError(CloudwardenError):
    """One or more rule files could not be loaded; `problems` lists every one of them."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"{path}: {reason}" for path, reason in problems]
        super().__init__(f"{len(problems)} bad rule file(s):\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class CollectionError:
    """One failed (service, region) call of a collector. The scan goes on without it."""

    provider: str
    account: str
    region: str
    service: str
    operation: str
    reason: str

    def to_finding(self) -> Finding:
        ref = AssetRef(self.provider, self.account, self.region, f"{self.provider}.{self.service}",
                       f"{self.service}:{self.operation}")
        return Finding(
            rule_id=f"collector.{self.provider}.{self.service}",
            asset=ref,
            status=Status.ERROR,
            severity=Severity.INFORMATIONAL,
            message=f"{self.operation} failed in {self.region}: {self.reason}",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "account": self.account,
            "region": self.region,
            "service": self.service,
            "operation": self.operation,
            "reason": self.reason,
        }
