"""One JSON document: scan metadata, summary, and every finding with its rule's explanation."""

from __future__ import annotations

import json
from typing import Any, TextIO

from cloudwarden.core.model import Finding
from cloudwarden.outputs._common import (
    asset_of,
    by_identity,
    json_default,
    rule_of,
    summarize,
)
from cloudwarden.outputs.quickfix import fill_remediation
from cloudwarden.outputs.report import Report

__all__ = ["finding_document", "render_json", "report_document"]


def finding_document(report: Report, finding: Finding) -> dict[str, Any]:
    """`finding.to_dict()` plus the asset's name and the rule's explanation (None if unknown)."""
    doc = finding.to_dict()
    asset = asset_of(report, finding.asset)
    doc["asset_name"] = asset.name if asset is not None else None
    rule = rule_of(report, finding)
    if rule is None:
        doc["rule"] = None
        return doc
    doc["rule"] = {
        "title": rule.title,
        "description": rule.description,
        "risk": rule.risk,
        "remediation": fill_remediation(rule.remediation, finding.asset, asset).to_dict(),
        "security_control": rule.security_control,
        "attack": list(rule.attack),
        "references": list(rule.references),
        "compliance": [{"framework": fw, "control": control}
                       for fw, control in report.controls.get(finding.rule_id, ())],
    }
    return doc


def report_document(report: Report) -> dict[str, Any]:
    findings = sorted(report.findings, key=by_identity)
    return {
        "scan": dict(report.scan),
        "generated_at": report.generated_at.isoformat(),
        "summary": summarize(findings).to_dict(),
        "findings": [finding_document(report, f) for f in findings],
    }


def render_json(report: Report, out: TextIO) -> None:
    json.dump(report_document(report), out, ensure_ascii=False, indent=2, default=json_default)
    out.write("\n")
