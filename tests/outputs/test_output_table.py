from __future__ import annotations

import io

import pytest

from cloudwarden.outputs.report import Report
from cloudwarden.outputs.table import render_table


def _render(report: Report) -> str:
    out = io.StringIO()
    render_table(report, out)
    return out.getvalue()


def test_table_lists_failing_rules_most_severe_first(report: Report) -> None:
    text = _render(report)
    failing = [
        "aws.ec2.security_group_no_open_ssh",
        "aws.s3.bucket_public_access_blocked",
        "aws.iam.password_policy_min_length",
        "aws.ec2.instance_imdsv2_required",
        "aws.ec2.instance_detailed_monitoring",
    ]
    positions = [text.index(rule_id) for rule_id in failing]
    assert positions == sorted(positions)
    assert "aws.iam.root_mfa_enabled" not in text  # passed
    assert "collector.aws.lambda" not in text  # error, counted in the summary only


def test_table_summary_and_plain_text_when_not_a_tty(report: Report) -> None:
    text = _render(report)
    first = text.splitlines()[0]
    assert first.startswith("8 resources, 12 results: 2 pass, 6 fail, 2 error")
    assert "1 critical, 2 high" in text
    assert "\x1b[" not in text  # no colour codes into a file or pipe
    assert max(len(line) for line in text.splitlines()) <= 120


def test_table_prints_markup_and_names_literally(report: Report) -> None:
    text = _render(report)
    assert "[bold]really[/bold]" in text
    assert "web-sg" in text


def test_table_without_failures(report: Report) -> None:
    passing = Report([f for f in report.findings if f.status.value == "pass"], report.rules,
                     report.assets, report.generated_at)
    assert "No failing findings." in _render(passing)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_colours_severities_on_a_terminal(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Terminal()
    render_table(report, out)
    text = out.getvalue()
    assert "\x1b[" in text
    assert "aws.ec2.security_group_no_open_ssh" in text
