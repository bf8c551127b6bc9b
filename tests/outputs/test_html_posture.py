"""The posture part of the HTML report: score, trend, recommendations, standards, escaped."""

from __future__ import annotations

from cloudwarden.outputs.html_posture import posture_section, trend_chart

POSTURE = {
    "score": {"percentage": 48.33, "current": 29.0, "maximum": 60},
    "history": [("2026-11-01T00:00", 40.0), ("2026-11-02T00:00", 48.33)],
    "recommendations": [{"rule_id": "aws.s3.x", "title": "<script>alert(1)</script>",
                         "risk_level": "high", "affected_count": 3,
                         "potential_increase_percent": 6.84}],
    "compliance": [{"name": "CIS & co", "version": "3.0", "passed": 1, "failed": 2,
                    "skipped": 0, "unsupported": 4}],
}


def test_section_shows_score_trend_fixes_and_standards() -> None:
    html = posture_section(POSTURE)
    assert "48.33%" in html and "29.0 of 60 points" in html
    assert "<polyline" in html and html.count("<circle") == 2
    assert "+6.84%" in html and "CIS &amp; co" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_no_posture_no_section_and_single_point_trend() -> None:
    assert posture_section({}) == ""
    assert trend_chart([]) == ""
    assert trend_chart([("t", 150.0)]).count("<circle") == 1  # clamped, still drawn
