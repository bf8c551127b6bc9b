from __future__ import annotations

import io
import subprocess
import sys

import pytest

from cloudwarden.outputs import FORMATS, render
from cloudwarden.outputs.report import Report


def test_registry_names_every_format() -> None:
    assert {"table", "json", "csv", "ocsf", "html"} <= set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_the_report(fmt: str, report: Report) -> None:
    out = io.StringIO()
    render(fmt, report, out)
    assert out.getvalue().strip()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_an_empty_report(fmt: str, report: Report) -> None:
    empty = Report(findings=[], rules={}, assets={}, generated_at=report.generated_at)
    out = io.StringIO()
    render(fmt, empty, out)
    assert out.getvalue() or fmt == "ocsf-lines"  # no events, no lines


def test_unknown_format_lists_the_valid_ones(report: Report) -> None:
    with pytest.raises(ValueError, match=r"unknown output format 'xml'.*csv, html, json"):
        render("xml", report, io.StringIO())


def test_importing_outputs_stays_light() -> None:
    code = (
        "import sys, cloudwarden.outputs\n"
        "heavy = [m for m in ('rich', 'jinja2', 'jsonschema', 'ocsf_json_schema') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_handles_findings_without_rule_metadata(fmt: str, report: Report) -> None:
    # Any rule may be missing from `rules` (a removed rule, a plugin): failures and errors alike.
    bare = Report(findings=report.findings, rules={}, assets={},
                  generated_at=report.generated_at)
    out = io.StringIO()
    render(fmt, bare, out)
    assert "aws.ec2.security_group_no_open_ssh" in out.getvalue()
