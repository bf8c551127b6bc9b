"""Inline SVG charts for the HTML report: no scripts, no external resources, text escaped."""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

from cloudwarden.core.model import Severity
from cloudwarden.outputs._common import SEVERITIES_DESC

__all__ = ["SEVERITY_COLORS", "bar_chart", "donut_chart"]

SEVERITY_COLORS: dict[Severity, str] = {
    Severity.CRITICAL: "#b91c1c",
    Severity.HIGH: "#ea580c",
    Severity.MEDIUM: "#d97706",
    Severity.LOW: "#2563eb",
    Severity.INFORMATIONAL: "#64748b",
}
_EMPTY = "#e2e8f0"


def donut_chart(counts: Mapping[Severity, int], *, size: int = 180) -> str:
    """A ring of one arc per severity (most severe first, clockwise from 12 o'clock)."""
    radius, stroke = 64.0, 22.0
    circumference = 2 * math.pi * radius
    total = sum(counts.values())
    center = size / 2
    parts = [
        f'<svg class="donut" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-label="Failed findings by severity: {total}">',
        f'<circle cx="{center}" cy="{center}" r="{radius}" fill="none" stroke="{_EMPTY}" '
        f'stroke-width="{stroke}"/>',
    ]
    offset = 0.0
    for severity in SEVERITIES_DESC:
        count = counts.get(severity, 0)
        if not count or not total:
            continue
        length = circumference * count / total
        parts.append(
            f'<circle cx="{center}" cy="{center}" r="{radius}" fill="none" '
            f'stroke="{SEVERITY_COLORS[severity]}" stroke-width="{stroke}" '
            f'stroke-dasharray="{length:.3f} {circumference - length:.3f}" '
            f'stroke-dashoffset="{-offset:.3f}" transform="rotate(-90 {center} {center})">'
            f"<title>{escape(severity.label)}: {count}</title></circle>"
        )
        offset += length
    total_size = 30 if total < 1000 else 22  # four digits and more must fit inside the ring
    parts.append(
        f'<text x="{center}" y="{center - 4}" text-anchor="middle" class="donut-total" '
        f'font-size="{total_size}">{total}</text>'
        f'<text x="{center}" y="{center + 18}" text-anchor="middle" class="donut-label">'
        f"{'failed' if total else 'no failures'}</text></svg>"
    )
    return "".join(parts)


def bar_chart(
    rows: Mapping[str, Mapping[Severity, int]], *, width: int = 620, max_rows: int = 12
) -> str:
    """Horizontal bars, one per label (a service), stacked by severity, largest first."""
    totals = {label: sum(by_sev.values()) for label, by_sev in rows.items()}
    ordered = sorted((lbl for lbl in totals if totals[lbl]), key=lambda lbl: (-totals[lbl], lbl))
    if not ordered:
        return '<p class="muted">No failed findings.</p>'
    if len(ordered) > max_rows:
        # The long tail becomes one row rather than silently disappearing.
        rest = ordered[max_rows - 1:]
        other: dict[Severity, int] = {
            s: sum(rows[lbl].get(s, 0) for lbl in rest) for s in SEVERITIES_DESC
        }
        label = f"{len(rest)} others"
        rows = {**{lbl: rows[lbl] for lbl in ordered[: max_rows - 1]}, label: other}
        totals[label] = sum(other.values())
        ordered = [*ordered[: max_rows - 1], label]
    label_w, count_w, row_h, bar_h = 110, 40, 28, 18
    scale = (width - label_w - count_w) / max(totals[lbl] for lbl in ordered)
    height = row_h * len(ordered) + 4
    parts = [
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="Failed findings by service">'
    ]
    for i, label in enumerate(ordered):
        y = i * row_h + 4
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" class="bar-label">'
            f"{escape(label)}</text>"
        )
        x = float(label_w)
        for severity in SEVERITIES_DESC:
            count = rows[label].get(severity, 0)
            if not count:
                continue
            w = count * scale
            parts.append(
                f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{bar_h}" rx="2" '
                f'fill="{SEVERITY_COLORS[severity]}"><title>{escape(label)} - '
                f"{escape(severity.label)}: {count}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 6:.2f}" y="{y + bar_h - 4}" class="bar-count">{totals[label]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
