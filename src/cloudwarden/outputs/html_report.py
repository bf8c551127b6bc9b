"""One self-contained HTML file: inline CSS, inline SVG charts, a little inline JS, no URLs loaded.

Built with plain string joins and one rule: every value that comes from a finding, an asset, a
rule or the scan goes through `_e` (html.escape) - nothing is inserted raw. Reference links
become `<a href>` only for http(s) URLs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, TextIO

from cloudwarden.core.model import Finding, Severity, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.outputs._common import (
    SEVERITIES_DESC,
    Summary,
    asset_of,
    by_severity,
    display_name,
    rule_of,
    service_of,
    summarize,
    tool_version,
)
from cloudwarden.outputs._html_static import CSS, JS
from cloudwarden.outputs.html_charts import SEVERITY_COLORS, bar_chart, donut_chart
from cloudwarden.outputs.html_posture import posture_section
from cloudwarden.outputs.quickfix import fill_remediation
from cloudwarden.outputs.report import Report

__all__ = ["render_html"]


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True, slots=True)
class _RuleGroup:
    rule_id: str
    rule: RuleMeta | None
    findings: tuple[Finding, ...]

    @property
    def severity(self) -> Severity:
        if self.rule is not None:
            return self.rule.severity
        return max(f.severity for f in self.findings)

    @property
    def title(self) -> str:
        return self.rule.title if self.rule is not None else self.rule_id


def _groups(report: Report, findings: Iterable[Finding]) -> list[_RuleGroup]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule_id].append(f)
    groups = [
        _RuleGroup(rid, report.rules.get(rid), tuple(sorted(fs, key=by_severity)))
        for rid, fs in by_rule.items()
    ]
    return sorted(groups, key=lambda g: (-int(g.severity), -len(g.findings), g.rule_id))


def _sev_badge(severity: Severity) -> str:
    return f'<span class="sev sev-{severity.label}">{_e(severity.label)}</span>'


def _code(text: str) -> str:
    copy = '<button class="copy" type="button">Copy</button>'
    return f'<div class="code">{copy}<pre>{_e(text)}</pre></div>'


def _same_or(template: str, filled: Sequence[str]) -> str:
    return filled[0] if filled and len(set(filled)) == 1 else template


def _link(ref: str) -> str:
    if ref.startswith(("https://", "http://")):
        return f'<a href="{_e(ref)}" rel="noopener noreferrer">{_e(ref)}</a>'
    return _e(ref)


def _header(report: Report) -> str:
    scan = report.scan
    items: list[tuple[str, Any]] = [
        ("Scan", scan.get("id")),
        ("Provider", scan.get("provider")),
        ("Accounts", scan.get("accounts")),
        ("Regions", scan.get("regions")),
        ("Started", scan.get("started_at")),
        ("Finished", scan.get("finished_at")),
        ("Generated", report.generated_at.isoformat(timespec="seconds")),
        ("Version", tool_version(report)),
    ]
    meta = "".join(
        f"<span>{_e(label)} <b>{_e(_as_text(value))}</b></span>"
        for label, value in items
        if value not in (None, "", [], ())
    )
    return (
        '<header class="top"><h1><span>Cloudwarden</span> security posture report</h1>'
        f'<div class="meta">{meta}</div></header>'
    )


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _cards(summary: Summary) -> str:
    rate = summary.pass_rate
    cards = [
        ("", summary.resources, "Resources assessed"),
        ("pass", summary.passed, "Passed"),
        ("fail", summary.failed, f"Failed ({summary.failed_rules} rules)"),
        ("err", summary.errors, "Errors"),
    ]
    html = "".join(
        f'<div class="card {cls}"><div class="n">{n}</div><div class="l">{_e(label)}</div></div>'
        for cls, n, label in cards
    )
    rate_text = "n/a" if rate is None else f"{rate:g}%"
    html += (
        f'<div class="card"><div class="n">{_e(rate_text)}</div><div class="l">Pass rate</div>'
        f'<div class="meter"><i style="width:{rate or 0:.1f}%"></i></div></div>'
    )
    return f'<section class="cards">{html}</section>'


def _charts(report: Report, failing: Sequence[Finding]) -> str:
    by_sev = {s: sum(1 for f in failing if f.severity is s) for s in SEVERITIES_DESC}
    by_service: dict[str, dict[Severity, int]] = defaultdict(lambda: defaultdict(int))
    for f in failing:
        by_service[service_of(f, rule_of(report, f))][f.severity] += 1
    legend = "".join(
        f'<li><span class="sw" style="background:{SEVERITY_COLORS[s]}"></span>'
        f'{_e(s.label.capitalize())}<span class="c">{n}</span></li>'
        for s, n in by_sev.items()
    )
    return (
        '<section class="charts">'
        '<div class="panel"><h3>Failures by severity</h3><div class="donut-wrap">'
        f'{donut_chart(by_sev)}<ul class="legend">{legend}</ul></div></div>'
        f'<div class="panel"><h3>Failures by service</h3>{bar_chart(by_service)}</div>'
        "</section>"
    )


def _evidence(finding: Finding) -> str:
    rows = []
    for ev in finding.evidence:
        expected = f' <span class="exp">(expected {_e(ev.expected)})</span>' if ev.expected else ""
        rows.append(f"<div>{_e(ev.path)} = {_e(_json_text(ev.value))}{expected}</div>")
    return f'<div class="ev">{"".join(rows)}</div>' if rows else ""


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _resource_row(report: Report, group: _RuleGroup, finding: Finding) -> str:
    ref = finding.asset
    asset = asset_of(report, ref)
    tags = ""
    if asset is not None and asset.tags:
        tags = '<div class="tags">' + "".join(
            f'<span class="tag">{_e(k)}={_e(v)}</span>' for k, v in sorted(asset.tags.items())
        ) + "</div>"
    fix = ""
    if group.rule is not None:
        filled = fill_remediation(group.rule.remediation, ref, asset)
        blocks = [(label, text) for label, text in
                  (("CLI", filled.cli), ("Terraform", filled.terraform)) if text]
        if blocks:
            fix = '<details class="fix"><summary>Quick fix for this resource</summary>' + "".join(
                f"<h4>{_e(label)}</h4>{_code(text)}" for label, text in blocks
            ) + "</details>"
    return (
        f"<tr><td>{_e(display_name(report, ref))}<span class=\"sub\">{_e(ref.id)}</span>{tags}</td>"
        f"<td>{_e(ref.account)}</td><td>{_e(ref.region)}</td>"
        f"<td>{_e(finding.message)}{_evidence(finding)}{fix}</td></tr>"
    )


def _rule_details(report: Report, group: _RuleGroup) -> str:
    rule = group.rule
    sev = group.severity.label
    n = len(group.findings)
    rid = f' <span class="rid">{_e(group.rule_id)}</span>' if rule is not None else ""
    body: list[str] = []
    if rule is not None:
        filled = [fill_remediation(rule.remediation, f.asset, asset_of(report, f.asset))
                  for f in group.findings]
        # The prose reads best with the resource's own names; with several resources that
        # would differ, it keeps its {placeholders}.
        text = _same_or(rule.remediation.text, [r.text for r in filled])
        console = _same_or(rule.remediation.console, [r.console for r in filled])
        body.append(
            f'<div class="grid2"><div><h4>Description</h4><p>{_e(rule.description)}</p></div>'
            f"<div><h4>Risk</h4><p>{_e(rule.risk)}</p></div></div>"
            f"<h4>Remediation</h4><p>{_e(text)}</p>"
        )
        if console:
            body.append(f"<h4>In the console</h4><p>{_e(console)}</p>")
        if rule.remediation.cli:
            commands = "\n".join(dict.fromkeys(r.cli for r in filled))
            body.append(f"<h4>CLI quick fix ({n} resource{'s' if n != 1 else ''})</h4>"
                        f"{_code(commands)}")
        standards = "<br>".join(_e(f"{fw} {control}")
                                for fw, control in report.controls.get(group.rule_id, ()))
        extra = [("Security control", _e(rule.security_control)),
                 ("Standards", standards),
                 ("ATT&amp;CK", _e(", ".join(rule.attack))),
                 ("References", "<br>".join(_link(r) for r in rule.references))]
        cells = "".join(f"<div><h4>{label}</h4><p>{value}</p></div>"
                        for label, value in extra if value)
        body.append(f'<div class="grid3">{cells}</div>')
    rows = "".join(_resource_row(report, group, f) for f in group.findings)
    body.append(
        f"<h4>Affected resources ({n})</h4><table><thead><tr><th>Resource</th><th>Account</th>"
        f"<th>Region</th><th>Finding</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return (
        f'<details class="rule sev-b-{sev}" data-sev="{sev}"><summary>{_sev_badge(group.severity)}'
        f'<span><span class="title">{_e(group.title)}</span>{rid}'
        f'</span><span class="count">{n} resource{"s" if n != 1 else ""}</span></summary>'
        f'<div class="body">{"".join(body)}</div></details>'
    )


def _failed_section(report: Report, failing: Sequence[Finding]) -> str:
    groups = _groups(report, failing)
    if not groups:
        return '<h2>Failed rules</h2><div class="panel empty">No failed findings.</div>'
    chips = "".join(
        f'<button class="chip" type="button" data-sev="{s.label}">{_e(s.label)}</button>'
        for s in SEVERITIES_DESC
    )
    toolbar = (
        '<div class="toolbar"><input id="q" type="search" placeholder="Filter by rule, resource,'
        f' message...">{chips}<button class="chip" type="button" data-toggle="open">Expand all'
        '</button><button class="chip" type="button" data-toggle="close">Collapse all</button>'
        "</div>"
    )
    rules = "".join(_rule_details(report, g) for g in groups)
    return f'<h2>Failed rules ({len(groups)})</h2>{toolbar}{rules}'


def _errors_section(report: Report, errors: Sequence[Finding]) -> str:
    if not errors:
        return '<h2>Collection and evaluation errors</h2><div class="panel empty">No errors.</div>'
    rows = "".join(
        f"<tr><td><span class=\"rid\">{_e(f.rule_id)}</span></td><td>{_e(f.asset.account)}</td>"
        f"<td>{_e(f.asset.region)}</td><td>{_e(display_name(report, f.asset))}"
        f"<span class=\"sub\">{_e(f.asset.type)}</span></td><td>{_e(f.message)}</td></tr>"
        for f in sorted(errors, key=lambda f: (f.rule_id, f.asset.key))
    )
    return (
        f"<h2>Collection and evaluation errors ({len(errors)})</h2><table><thead><tr>"
        "<th>Source</th><th>Account</th><th>Region</th><th>Scope</th><th>Reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _other_rules_section(report: Report, others: Sequence[Finding], failed: set[str]) -> str:
    counts: dict[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    for f in others:
        if f.rule_id not in failed:
            counts[f.rule_id][f.status] += 1
    if not counts:
        return ""
    rows = []
    for rid in sorted(counts):
        rule = report.rules.get(rid)
        c = counts[rid]
        sev = _sev_badge(rule.severity) if rule is not None else ""
        rows.append(
            f"<tr><td>{sev}</td><td>{_e(rule.title if rule else rid)}<span class=\"sub\">"
            f"{_e(rid)}</span></td><td>{c[Status.PASS]}</td><td>{c[Status.EXEMPT]}</td>"
            f"<td>{c[Status.NOT_APPLICABLE]}</td></tr>"
        )
    return (
        f'<h2>Rules without failures</h2><details class="section"><summary>{len(rows)} rules '
        "passed or did not apply</summary><table><thead><tr><th>Severity</th><th>Rule</th>"
        "<th>Passed</th><th>Exempt</th><th>Not applicable</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def render_html(report: Report, out: TextIO) -> None:
    findings = list(report.findings)
    summary = summarize(findings)
    failing = [f for f in findings if f.status is Status.FAIL]
    errors = [f for f in findings if f.status is Status.ERROR]
    others = [f for f in findings if f.status not in (Status.FAIL, Status.ERROR)]
    failed_rules = {f.rule_id for f in failing}
    title = f"Cloudwarden report - {_as_text(report.scan.get('id') or report.generated_at)}"
    out.write(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
    )
    out.write(_header(report))
    out.write("<main>")
    out.write(_cards(summary))
    out.write(_charts(report, failing))
    out.write(posture_section(report.posture))
    out.write(_failed_section(report, failing))
    out.write(_errors_section(report, errors))
    out.write(_other_rules_section(report, others, failed_rules))
    out.write(
        f"</main><footer>Generated by Cloudwarden {_e(tool_version(report))} at "
        f"{_e(report.generated_at.isoformat(timespec='seconds'))}</footer>"
        f"<script>{JS}</script></body></html>\n"
    )
