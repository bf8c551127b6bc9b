"""OCSF Compliance Finding events (class 2003), one per finding, with the `cloud` profile.

Written against OCSF schema 1.3.0 and validated against it in the tests. Posture results map
to OCSF like this: the finding's pass/fail lives in `compliance.status_id` (1 Pass, 3 Fail,
99 Other with the text in `compliance.status` for error, not applicable and exempt), while the
event's own `status_id` is the triage state: New, or Suppressed for an exempt resource.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from cloudwarden.core.model import Finding, Severity, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.outputs._common import (
    asset_of,
    by_identity,
    is_collector_error,
    json_default,
    rule_of,
    service_of,
    tool_version,
)
from cloudwarden.outputs.quickfix import fill_remediation
from cloudwarden.outputs.report import Report

__all__ = [
    "OCSF_VERSION",
    "finding_uid",
    "ocsf_events",
    "render_ocsf",
    "render_ocsf_lines",
    "to_ocsf",
]

OCSF_VERSION = "1.3.0"
_CLASS_UID = 2003
_CATEGORY_UID = 2
_ACTIVITY_CREATE = 1
_TYPE_UID = _CLASS_UID * 100 + _ACTIVITY_CREATE  # 200301: Compliance Finding: Create
_VENDOR = "Cloudwarden"

#: our severities to OCSF severity_id (0 unknown, 1 informational ... 5 critical)
SEVERITY_IDS: dict[Severity, int] = {
    Severity.INFORMATIONAL: 1,
    Severity.LOW: 2,
    Severity.MEDIUM: 3,
    Severity.HIGH: 4,
    Severity.CRITICAL: 5,
}
#: our statuses to OCSF compliance (status_id, status)
COMPLIANCE_STATUS: dict[Status, tuple[int, str]] = {
    Status.PASS: (1, "Pass"),
    Status.FAIL: (3, "Fail"),
    Status.ERROR: (99, "Error"),
    Status.NOT_APPLICABLE: (99, "Not Applicable"),
    Status.EXEMPT: (99, "Exempt"),
}
_PROVIDERS = {"aws": "AWS", "azure": "Azure", "gcp": "GCP", "kubernetes": "Kubernetes"}


def finding_uid(finding: Finding) -> str:
    """Stable across scans: the same rule on the same resource always has the same uid."""
    digest = hashlib.sha256(f"{finding.rule_id}|{finding.asset.key}".encode()).hexdigest()
    return f"cloudwarden-{digest[:32]}"


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _partition(asset_id: str) -> str | None:
    """`aws-cn` for `arn:aws-cn:...`; None when the id is not an ARN."""
    parts = asset_id.split(":", 2)
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else None


def _attacks(rule: RuleMeta) -> list[dict[str, Any]]:
    attacks: list[dict[str, Any]] = []
    for technique in rule.attack:
        parent, _, sub = technique.partition(".")
        attack: dict[str, Any] = {"technique": {"uid": parent}}
        if sub:
            attack["sub_technique"] = {"uid": technique}
        attacks.append(attack)
    return attacks


def _finding_info(finding: Finding, rule: RuleMeta | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "uid": finding_uid(finding),
        "title": rule.title if rule is not None else f"Collection error: {finding.rule_id}",
        "desc": rule.description if rule is not None and rule.description else finding.message,
        "analytic": {"uid": finding.rule_id, "type_id": 1, "type": "Rule"},
    }
    if rule is not None:
        info["analytic"]["name"] = rule.title
        info["types"] = [t for t in (rule.security_control, f"{rule.provider}/{rule.service}") if t]
        if rule.attack:
            info["attacks"] = _attacks(rule)
    if finding.first_seen is not None:
        info["first_seen_time"] = _ms(finding.first_seen)
    if finding.last_seen is not None:
        info["last_seen_time"] = _ms(finding.last_seen)
    return info


def to_ocsf(report: Report, finding: Finding) -> dict[str, Any]:
    """One OCSF Compliance Finding event for one finding."""
    rule = rule_of(report, finding)
    ref = finding.asset
    asset = asset_of(report, ref)
    compliance_id, compliance_text = COMPLIANCE_STATUS[finding.status]
    exempt = finding.status is Status.EXEMPT

    resource: dict[str, Any] = {"uid": ref.id, "type": ref.type, "region": ref.region}
    if asset is not None and asset.name:
        resource["name"] = asset.name
    if asset is not None and asset.tags:
        resource["labels"] = [f"{k}:{v}" for k, v in sorted(asset.tags.items())]
    if (partition := _partition(ref.id)) is not None:
        resource["cloud_partition"] = partition
    cloud: dict[str, Any] = {
        "provider": _PROVIDERS.get(ref.provider, ref.provider),
        "account": {"uid": ref.account},
    }
    if ref.region:
        cloud["region"] = ref.region

    event: dict[str, Any] = {
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "Cloudwarden",
                "vendor_name": _VENDOR,
                "version": tool_version(report),
            },
            "profiles": ["cloud"],
            "event_code": finding.rule_id,
        },
        "category_uid": _CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": _CLASS_UID,
        "class_name": "Compliance Finding",
        "activity_id": _ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": _TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "time": _ms(report.generated_at),
        "severity_id": SEVERITY_IDS[finding.severity],
        "severity": finding.severity.label.capitalize(),
        "status_id": 3 if exempt else 1,
        "status": "Suppressed" if exempt else "New",
        "message": finding.message,
        "finding_info": _finding_info(finding, rule),
        "compliance": {
            "status_id": compliance_id,
            "status": compliance_text,
            "control": rule.security_control if rule is not None else "",
            "standards": sorted({fw for fw, _ in report.controls.get(finding.rule_id, ())}),
            "requirements": [f"{fw} {control}"
                             for fw, control in report.controls.get(finding.rule_id, ())]
            or [finding.rule_id],
        },
        "resources": [resource],
        "cloud": cloud,
        "unmapped": {
            "evidence": [e.to_dict() for e in finding.evidence],
            "status": finding.status.value,
            "service": service_of(finding, rule),
            "collection_error": is_collector_error(finding),
        },
    }
    if rule is not None:
        filled = fill_remediation(rule.remediation, ref, asset)
        remediation: dict[str, Any] = {"desc": filled.text}
        if rule.references:
            remediation["references"] = list(rule.references)
        event["remediation"] = remediation
        if filled.cli or filled.terraform:
            event["unmapped"]["quick_fix"] = {"cli": filled.cli, "terraform": filled.terraform}
    return event


def ocsf_events(report: Report) -> Iterator[dict[str, Any]]:
    for finding in sorted(report.findings, key=by_identity):
        yield to_ocsf(report, finding)


def render_ocsf(report: Report, out: TextIO) -> None:
    """A JSON array of events."""
    json.dump(list(ocsf_events(report)), out, ensure_ascii=False, indent=2, default=json_default)
    out.write("\n")


def render_ocsf_lines(report: Report, out: TextIO) -> None:
    """JSON lines: one event per line, for log shippers and data lakes."""
    for event in ocsf_events(report):
        out.write(json.dumps(event, ensure_ascii=False, default=json_default))
        out.write("\n")
