"""A terminal table of the failing findings, most severe first, under a one-line summary."""

from __future__ import annotations

import shutil
from typing import TextIO

from cloudwarden.core.model import Severity, Status
from cloudwarden.outputs._common import SEVERITIES_DESC, by_severity, display_name, summarize
from cloudwarden.outputs.report import Report

__all__ = ["SEVERITY_STYLES", "render_table"]

SEVERITY_STYLES: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFORMATIONAL: "dim",
}
_NOT_A_TTY_WIDTH = 120


def _is_tty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # closed or file-like objects without a terminal
        return False


def render_table(report: Report, out: TextIO) -> None:
    # Imported here, not at module level: the CLI must start fast for every other command.
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    tty = _is_tty(out)
    width = shutil.get_terminal_size((_NOT_A_TTY_WIDTH, 24)).columns if tty else _NOT_A_TTY_WIDTH
    console = Console(
        file=out,
        width=width,
        force_terminal=tty,
        color_system="auto" if tty else None,
        highlight=False,
        emoji=False,
    )
    summary = summarize(report.findings)

    line = Text()
    line.append(f"{summary.resources} resources, {summary.total} results: ", style="bold")
    line.append(", ".join(f"{n} {status}" for status, n in summary.by_status.items() if n))
    if summary.failed:
        line.append("  |  failed: ")
        for i, sev in enumerate(s for s in SEVERITIES_DESC if summary.failed_by_severity[s.label]):
            if i:
                line.append(", ")
            line.append(f"{summary.failed_by_severity[sev.label]} {sev.label}",
                        style=SEVERITY_STYLES[sev])
    console.print(line)

    failing = sorted((f for f in report.findings if f.status is Status.FAIL), key=by_severity)
    if not failing:
        console.print(Text("No failing findings.", style="green"))
        return

    # Text cells, never markup strings: a message or name may contain `[brackets]`.
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=False)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Resource", overflow="fold", max_width=40)
    table.add_column("Region", no_wrap=True)
    table.add_column("Message", overflow="fold", ratio=1)
    for f in failing:
        table.add_row(
            Text(f.severity.label, style=SEVERITY_STYLES[f.severity]),
            Text(f.rule_id),
            Text(display_name(report, f.asset)),
            Text(f.asset.region),
            Text(f.message),
        )
    console.print(table)
