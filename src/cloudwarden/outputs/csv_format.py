"""One CSV row per finding, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from typing import TextIO

from cloudwarden.core.model import Finding
from cloudwarden.outputs._common import asset_of, by_identity, rule_of
from cloudwarden.outputs.quickfix import fill_placeholders, placeholder_values
from cloudwarden.outputs.report import Report

__all__ = ["FIELDS", "render_csv", "safe_cell"]

FIELDS: tuple[str, ...] = (
    "status",
    "severity",
    "rule_id",
    "title",
    "provider",
    "account",
    "region",
    "asset_type",
    "resource_id",
    "resource_name",
    "message",
    "remediation",
    "first_seen",
    "last_seen",
)

# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralize formula injection: a leading `'` makes spreadsheets treat the cell as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(report: Report, finding: Finding) -> list[str]:
    rule = rule_of(report, finding)
    asset = asset_of(report, finding.asset)
    ref = finding.asset
    remediation = ""
    if rule is not None:
        remediation = fill_placeholders(rule.remediation.text, placeholder_values(ref, asset))
    cells = [
        finding.status.value,
        finding.severity.label,
        finding.rule_id,
        rule.title if rule is not None else "",
        ref.provider,
        ref.account,
        ref.region,
        ref.type,
        ref.id,
        asset.name if asset is not None else "",
        finding.message,
        remediation,
        finding.first_seen.isoformat() if finding.first_seen else "",
        finding.last_seen.isoformat() if finding.last_seen else "",
    ]
    return [safe_cell(c) for c in cells]


def render_csv(report: Report, out: TextIO) -> None:
    # QUOTE_ALL: every cell quoted, so embedded commas, quotes and newlines round-trip. "\n"
    # rather than RFC 4180's CRLF: `out` is a text stream that translates newlines itself.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(FIELDS)
    for finding in sorted(report.findings, key=by_identity):
        writer.writerow(_row(report, finding))
