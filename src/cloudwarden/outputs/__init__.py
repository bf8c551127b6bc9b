"""Output formats: each renders a `Report` to a text stream.

`FORMATS` is the explicit registry the CLI and API choose from. The format modules import only
the standard library at module level; rich is imported inside `render_table`, so importing this
package stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from cloudwarden.outputs.csv_format import render_csv
from cloudwarden.outputs.html_report import render_html
from cloudwarden.outputs.json_format import render_json
from cloudwarden.outputs.ocsf import render_ocsf, render_ocsf_lines
from cloudwarden.outputs.report import Report
from cloudwarden.outputs.sarif import render_sarif
from cloudwarden.outputs.table import render_table

__all__ = ["FORMATS", "Renderer", "Report", "render"]

Renderer = Callable[[Report, TextIO], None]

FORMATS: dict[str, Renderer] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "ocsf": render_ocsf,
    "ocsf-lines": render_ocsf_lines,
    "html": render_html,
    "sarif": render_sarif,
}


def render(fmt: str, report: Report, out: TextIO) -> None:
    """Render `report` to `out` in the format named `fmt`."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        valid = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown output format {fmt!r}; expected one of {valid}") from None
    renderer(report, out)
