"""The posture part of the HTML report: secure score, its trend, what to fix first and the
standards. Everything shown is escaped; the trend is an inline SVG."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["posture_section", "trend_chart"]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def trend_chart(points: Sequence[tuple[str, float]], *, width: int = 520,
                height: int = 120) -> str:
    """A line of score percentages (0-100) over time; one point draws a dot."""
    if not points:
        return ""
    pad = 24
    n = len(points)
    step = (width - 2 * pad) / max(n - 1, 1)

    def y(pct: float) -> float:
        return height - pad - (max(0.0, min(100.0, pct)) / 100) * (height - 2 * pad)

    coords = [(pad + i * step, y(p)) for i, (_, p) in enumerate(points)]
    line = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3"><title>{_e(when)}: {pct:.2f}%</title>'
        f"</circle>" for (x, yy), (when, pct) in zip(coords, points, strict=True))
    grid = "".join(
        f'<line x1="{pad}" x2="{width - pad}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        f'<text x="2" y="{y(v) + 4:.1f}" class="axis">{v}</text>' for v in (0, 50, 100))
    return (f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="secure score trend">{grid}'
            f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="2"/>'
            f"{dots}</svg>")


def posture_section(posture: Mapping[str, Any]) -> str:
    if not posture:
        return ""
    score = posture.get("score") or {}
    parts = ['<section class="panel posture"><h2>Secure score</h2><div class="grid3">']
    pct = score.get("percentage")
    parts.append(
        f'<div><div class="big">{_e(f"{pct:.2f}%" if pct is not None else "n/a")}</div>'
        f'<p>{_e(round(score.get("current", 0), 2))} of {_e(score.get("maximum", 0))} points '
        "(Defender for Cloud's formula: per control max x healthy / assessed)</p></div>")
    history = posture.get("history") or []
    parts.append(f"<div><h4>Trend</h4>{trend_chart(history) or '<p>first scan</p>'}</div>")
    standards = posture.get("compliance") or []
    rows = "".join(
        f"<tr><td>{_e(s['name'])} {_e(s['version'])}</td><td class='ok'>{_e(s['passed'])}</td>"
        f"<td class='bad'>{_e(s['failed'])}</td><td>{_e(s['skipped'])}</td>"
        f"<td>{_e(s['unsupported'])}</td></tr>" for s in standards)
    parts.append(
        "<div><h4>Regulatory compliance (controls)</h4><table><thead><tr><th>Standard</th>"
        "<th>passed</th><th>failed</th><th>skipped</th><th>manual</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></div>")
    recs = posture.get("recommendations") or []
    if recs:
        items = "".join(
            f"<tr><td>{i}</td><td>{_e(r['risk_level'])}</td><td>{_e(r['title'])}"
            f"<div class='rid'>{_e(r['rule_id'])}</div></td><td>{_e(r['affected_count'])}</td>"
            f"<td>+{float(r['potential_increase_percent']):.2f}%</td></tr>"
            for i, r in enumerate(recs, 1))
        parts.append(
            "<h3>Fix first</h3><table><thead><tr><th>#</th><th>Risk</th><th>Recommendation"
            "</th><th>Resources</th><th>Score</th></tr></thead>"
            f"<tbody>{items}</tbody></table>")
    parts.append("</section>")
    return "".join(parts)
