"""What every output format renders: findings plus the context needed to explain them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cloudwarden.core.model import Asset, Finding
from cloudwarden.core.rule import RuleMeta

__all__ = ["Report"]


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]
    #: rule id -> metadata; collector error findings (`collector.*`) have no entry
    rules: Mapping[str, RuleMeta]
    #: asset key (AssetRef.key) -> asset, for names, tags and quick-fix placeholders
    assets: Mapping[str, Asset]
    generated_at: datetime
    #: scan metadata: id, provider, accounts, regions, started_at, finished_at, tool version
    scan: Mapping[str, Any] = field(default_factory=dict)
    #: rule id -> the (framework id, control id) pairs it serves (frameworks own the mapping)
    controls: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    #: optional posture summary for reports: {"score": {percentage, current, maximum},
    #: "history": [(iso time, percentage)], "recommendations": [...], "compliance": [...]}
    posture: Mapping[str, Any] = field(default_factory=dict)
