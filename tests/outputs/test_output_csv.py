from __future__ import annotations

import csv
import io

import pytest
from outputs_sample import HOSTILE_NAME
from outputs_snapshot import assert_snapshot

from cloudwarden.outputs.csv_format import FIELDS, render_csv, safe_cell
from cloudwarden.outputs.report import Report


def _rows(report: Report) -> tuple[str, list[dict[str, str]]]:
    out = io.StringIO()
    render_csv(report, out)
    text = out.getvalue()
    return text, list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_snapshot(report: Report) -> None:
    text, _ = _rows(report)
    assert_snapshot("report.csv", text)


def test_csv_header_and_one_row_per_finding(report: Report) -> None:
    text, rows = _rows(report)
    assert text.splitlines()[0] == ",".join(f'"{f}"' for f in FIELDS)
    assert len(rows) == len(report.findings)
    assert FIELDS == (
        "status", "severity", "rule_id", "title", "provider", "account", "region", "asset_type",
        "resource_id", "resource_name", "message", "remediation", "first_seen", "last_seen",
    )


def test_csv_round_trips_quotes_commas_and_markup(report: Report) -> None:
    _, rows = _rows(report)
    (evil,) = [r for r in rows if r["resource_name"] == HOSTILE_NAME]
    assert evil["remediation"] == (
        f"Enable all four Block Public Access settings on bucket {HOSTILE_NAME}."
    )
    assert evil["title"] == "S3 bucket blocks public access"
    assert evil["first_seen"] == "2024-04-02T08:00:00+00:00"
    (logs,) = [r for r in rows if r["resource_name"] == "acme-logs"]
    assert logs["message"] == "Bucket acme-logs has no public access block, naïve café"


def test_csv_collector_error_row(report: Report) -> None:
    _, rows = _rows(report)
    (err,) = [r for r in rows if r["rule_id"] == "collector.aws.lambda"]
    assert err["status"] == "error"
    assert err["title"] == err["remediation"] == err["first_seen"] == ""


def test_csv_guards_against_formula_injection(report: Report) -> None:
    _, rows = _rows(report)
    messages = {r["message"] for r in rows}
    assert "'=HYPERLINK(\"http://evil\") public access not blocked [bold]really[/bold]" in messages
    assert "'-IMDSv1 is allowed" in messages
    assert "'@detailed monitoring is off" in messages
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("a=1", "a=1"), ("", ""), ("2024-05-01", "2024-05-01")],
)
def test_safe_cell(value: str, safe: str) -> None:
    assert safe_cell(value) == safe
