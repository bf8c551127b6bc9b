"""Rule metadata: what a rule says about itself (its YAML minus the `match`).

The loader (`cloudwarden.core.loader`) builds these from rule files and compiles the `match`;
outputs, posture and the API only ever need this metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudwarden.core.model import Severity

__all__ = ["Remediation", "RuleMeta"]


@dataclass(frozen=True, slots=True)
class Remediation:
    """How to fix a failing resource. `cli` and `terraform` may hold `{placeholders}` that
    name canonical document fields or `{asset_id}`, `{region}`, `{account}`."""

    text: str
    cli: str = ""
    terraform: str = ""
    console: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "cli": self.cli, "terraform": self.terraform,
                "console": self.console}


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str
    title: str
    severity: Severity
    asset_type: str
    description: str
    risk: str
    remediation: Remediation
    security_control: str
    provider: str
    service: str
    attack: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    preview: bool = False
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity.label,
            "asset_type": self.asset_type,
            "provider": self.provider,
            "service": self.service,
            "description": self.description,
            "risk": self.risk,
            "remediation": self.remediation.to_dict(),
            "security_control": self.security_control,
            "attack": list(self.attack),
            "references": list(self.references),
            "parameters": dict(self.parameters),
            "preview": self.preview,
            "source": self.source,
        }
