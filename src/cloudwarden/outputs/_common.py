"""What several formats share: the summary counts, sort orders and small lookups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cloudwarden.core.model import Asset, AssetRef, Finding, Severity, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.outputs.quickfix import short_id
from cloudwarden.outputs.report import Report

COLLECTOR_PREFIX = "collector."
#: most severe first, the order every human-facing format lists severities in
SEVERITIES_DESC: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))


def is_collector_error(finding: Finding) -> bool:
    return finding.rule_id.startswith(COLLECTOR_PREFIX)


def rule_of(report: Report, finding: Finding) -> RuleMeta | None:
    """The rule's metadata; None for collector errors and for rules the report does not know."""
    return report.rules.get(finding.rule_id)


def asset_of(report: Report, ref: AssetRef) -> Asset | None:
    return report.assets.get(ref.key)


def display_name(report: Report, ref: AssetRef) -> str:
    asset = asset_of(report, ref)
    return asset.name if asset is not None and asset.name else short_id(ref.id)


def service_of(finding: Finding, rule: RuleMeta | None) -> str:
    """`s3` for `aws.s3.bucket`; the rule's own service when it has metadata."""
    if rule is not None and rule.service:
        return rule.service
    parts = finding.asset.type.split(".")
    return parts[1] if len(parts) > 1 else finding.asset.type or "other"


def by_severity(finding: Finding) -> tuple[int, str, str]:
    """Sort key: most severe first, then rule, then resource."""
    return (-int(finding.severity), finding.rule_id, finding.asset.key)


def by_identity(finding: Finding) -> tuple[str, str, str]:
    """Sort key for machine formats: stable across runs, so outputs diff well."""
    return (finding.rule_id, finding.asset.key, finding.status.value)


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    resources: int
    by_status: dict[str, int]
    failed_by_severity: dict[str, int]
    failed_rules: int

    @property
    def passed(self) -> int:
        return self.by_status[Status.PASS.value]

    @property
    def failed(self) -> int:
        return self.by_status[Status.FAIL.value]

    @property
    def errors(self) -> int:
        return self.by_status[Status.ERROR.value]

    @property
    def pass_rate(self) -> float | None:
        """Passed over passed + failed, in percent; None when nothing was assessed."""
        assessed = self.passed + self.failed
        return round(100.0 * self.passed / assessed, 1) if assessed else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "resources": self.resources,
            "by_status": dict(self.by_status),
            "failed_by_severity": dict(self.failed_by_severity),
            "failed_rules": self.failed_rules,
            "pass_rate": self.pass_rate,
        }


def summarize(findings: Iterable[Finding]) -> Summary:
    items = list(findings)
    statuses = Counter(f.status for f in items)
    failing = [f for f in items if f.status is Status.FAIL]
    severities = Counter(f.severity for f in failing)
    return Summary(
        total=len(items),
        resources=len({f.asset.key for f in items if not is_collector_error(f)}),
        by_status={s.value: statuses.get(s, 0) for s in Status},
        failed_by_severity={s.label: severities.get(s, 0) for s in SEVERITIES_DESC},
        failed_rules=len({f.rule_id for f in failing}),
    )


def json_default(value: object) -> Any:
    """`json.dumps(default=...)` for scan metadata: datetimes as ISO-8601, sets as lists."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def tool_version(report: Report) -> str:
    version = report.scan.get("tool_version") or report.scan.get("version")
    if version:
        return str(version)
    from cloudwarden import __version__

    return __version__
