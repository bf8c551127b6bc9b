from __future__ import annotations

import io
import re
from html import escape
from html.parser import HTMLParser

from outputs_sample import HOSTILE_NAME

from cloudwarden.outputs.html_report import render_html
from cloudwarden.outputs.report import Report

_VOID = {"meta", "br", "input", "circle", "rect", "img", "link", "hr"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.stack or self.stack.pop() != tag:
            self.unbalanced.append(tag)


def _render(report: Report) -> str:
    out = io.StringIO()
    render_html(report, out)
    return out.getvalue()


def _parse(text: str) -> _Collector:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    return parser


def test_html_is_well_formed(report: Report) -> None:
    text = _render(report)
    assert text.startswith("<!DOCTYPE html>")
    parsed = _parse(text)
    assert parsed.unbalanced == []
    assert parsed.stack == []


def test_html_escapes_everything_from_findings_and_assets(report: Report) -> None:
    text = _render(report)
    assert HOSTILE_NAME not in text
    assert escape(HOSTILE_NAME) in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "<b>team</b>" not in text and "owner=&lt;b&gt;team&lt;/b&gt;" in text
    assert "&lt;denied&gt;" in text
    assert text.count("<script") == 1  # our own inline script, nothing else
    # the quick fix for the hostile bucket is filled, and escaped too
    assert f"--bucket {escape(HOSTILE_NAME)} --region us-east-1" in text


def test_html_is_self_contained(report: Report) -> None:
    text = _render(report)
    parsed = _parse(text)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, (tag, attrs)  # no <script src>, <img src>, <iframe src>
        assert tag not in {"link", "img", "iframe", "object", "embed", "base"}
        if "href" in attrs:
            assert tag == "a", (tag, attrs)  # references may link out; nothing is loaded
            assert (attrs["href"] or "").startswith("https://")
    assert not re.search(r"url\(|@import|@font-face", text)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text.replace(
        '<a href="https://', "<a "))


def test_html_does_not_link_unsafe_references(report: Report) -> None:
    text = _render(report)
    assert 'href="javascript:' not in text
    assert "javascript:alert(1)" in text  # shown as text


def test_html_sections(report: Report) -> None:
    text = _render(report)
    assert "Failed rules (5)" in text
    assert '<svg class="donut"' in text and '<svg class="bars"' in text
    assert "Collection and evaluation errors (2)" in text
    assert "collector.aws.lambda" in text
    # passed rules are collapsed
    assert re.search(r'<details class="section"><summary>2 rules passed', text)
    # critical rule first, then high
    assert text.index("aws.ec2.security_group_no_open_ssh") < text.index(
        "aws.s3.bucket_public_access_blocked")
    # the resource's own identifiers fill the CLI and Terraform quick fixes
    assert "--group-id sg-0123456789abcdef0 --protocol tcp" in text
    assert "aws_vpc_security_group_ingress_rule&quot; &quot;sg-0123456789abcdef0&quot; { }" in text
    assert "{NotAField}" in text  # unknown placeholder kept as written
    # scan header and cards
    assert "scan-2024-05-01" in text and "25%" in text


def test_html_empty_report(report: Report) -> None:
    empty = Report(findings=[], rules={}, assets={}, generated_at=report.generated_at)
    text = _render(empty)
    assert "No failed findings." in text and "n/a" in text
    assert _parse(text).unbalanced == []
