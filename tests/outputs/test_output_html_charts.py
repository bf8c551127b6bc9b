from __future__ import annotations

from cloudwarden.core.model import Severity
from cloudwarden.outputs.html_charts import bar_chart, donut_chart


def test_donut_has_one_arc_per_severity_present() -> None:
    svg = donut_chart({Severity.CRITICAL: 2, Severity.LOW: 1, Severity.HIGH: 0})
    assert svg.count("stroke-dasharray") == 2
    assert ">3</text>" in svg
    assert "no failures" in donut_chart({})


def test_bar_chart_keeps_the_long_tail_and_escapes_labels() -> None:
    rows = {f"svc{i}": {Severity.HIGH: i + 1} for i in range(15)}
    rows["<img>"] = {Severity.LOW: 1}
    svg = bar_chart(rows, max_rows=12)
    assert svg.count('class="bar-label"') == 12
    assert "5 others" in svg  # 16 labels: 11 shown, 5 folded into one row
    assert "<img>" not in svg
    assert "No failed findings." in bar_chart({"s3": {}})
