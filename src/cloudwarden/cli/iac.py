"""`cloudwarden scan iac`: scan Terraform, CloudFormation, Kubernetes manifests, Dockerfiles
and secrets in code with the same rules as the cloud.

Exit codes as for `scan aws`, plus: a file that cannot be parsed exits 1 (its error printed),
whatever `--fail-on` says, because a scan that could not read the code proves nothing.
Nothing heavy at module level: `cloudwarden --help` must not pay for the scanner.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from cloudwarden.cli._common import (
    EXIT_ERROR,
    DbOption,
    FailOnOption,
    OutputFileOption,
    RulesDirOption,
    console,
    emit_report,
    exit_for_fail_on,
    fail,
    split_csv,
)

if TYPE_CHECKING:
    from cloudwarden.cli._progress import Progress
    from cloudwarden.service.iac import IacScanOutcome

__all__ = ["IAC_OUTPUT_FORMATS", "scan_iac"]

IAC_OUTPUT_FORMATS = ("table", "json", "csv", "ocsf", "sarif", "html")


def _check_output(value: str) -> str:
    if value not in IAC_OUTPUT_FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(IAC_OUTPUT_FORMATS)}")
    return value


def _check_frameworks(value: str | None) -> str | None:
    if value is None:
        return None
    from cloudwarden.iac.discover import IacUsageError, parse_frameworks

    try:
        parse_frameworks(split_csv(value))
    except IacUsageError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


def _parse_vars(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--var")
        out[name.strip()] = value
    return out


def scan_iac(
    paths: Annotated[list[Path], typer.Argument(
        exists=True, help="Files or directories to scan.", show_default=False)],
    framework: Annotated[str | None, typer.Option(
        "--framework", callback=_check_frameworks,
        help="Comma-separated frameworks (default: all): terraform, cloudformation, "
             "kubernetes, dockerfile, secrets.")] = None,
    output: Annotated[str, typer.Option(
        "--output", "-o", callback=_check_output,
        help="table, json, csv, ocsf, sarif or html.")] = "table",
    output_file: OutputFileOption = None,
    fail_on: FailOnOption = None,
    var_file: Annotated[list[Path] | None, typer.Option(
        "--var-file", exists=True, dir_okay=False,
        help="Terraform variable values (.tfvars or .tfvars.json; repeatable).")] = None,
    var: Annotated[list[str] | None, typer.Option(
        "--var", help="A Terraform variable value, NAME=VALUE (repeatable).")] = None,
    no_inline_suppressions: Annotated[bool, typer.Option(
        "--no-inline-suppressions",
        help="Ignore `cloudwarden:ignore` comments in the code (governance).")] = False,
    rules_dir: RulesDirOption = None,
    db: DbOption = None,
) -> None:
    """Scan infrastructure as code: the same rules as `scan aws`, results at file:line."""
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.service.iac import run_iac_scan

    variables = _parse_vars(var)
    try:
        with _progress() as progress:
            outcome = run_iac_scan(
                paths, frameworks=split_csv(framework), var_files=var_file or [],
                variables=variables, rules_dirs=rules_dir or [],
                inline_suppressions=not no_inline_suppressions, db_url=db, progress=progress)
    except (CloudwardenError, ValueError, OSError) as exc:
        fail(str(exc))
    if output == "table":
        _emit_table(outcome, output_file)
    else:
        emit_report(outcome.findings, outcome.rules, outcome.inventory, outcome.metadata,
                    output, output_file)
    _print_footer(outcome, output, output_file)
    if outcome.errors:
        raise typer.Exit(EXIT_ERROR)
    exit_for_fail_on(outcome.findings, fail_on)


def _progress() -> AbstractContextManager[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing (and no rich import) in CI."""
    import sys

    if not sys.stderr.isatty():
        return nullcontext(None)
    from cloudwarden.cli._progress import scan_progress

    return scan_progress()


def _emit_table(outcome: IacScanOutcome, output_file: Path | None) -> None:
    import sys

    if output_file is None:
        _render_table(outcome, sys.stdout)
        return
    with output_file.open("w", encoding="utf-8") as fh:
        _render_table(outcome, fh)


def _where(origin: str, root: Path) -> str:
    from cloudwarden.iac import Location

    loc = Location.parse(origin)
    if loc is None:
        return origin
    path = Path(loc.path)
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    return f"{path.as_posix()}:{loc.start}" if loc.start else path.as_posix()


def _render_table(outcome: IacScanOutcome, out: TextIO) -> None:
    """Failing findings most severe first, at `file:line`, under a one-line summary."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cloudwarden.core.model import Status
    from cloudwarden.outputs._common import by_severity
    from cloudwarden.outputs.table import SEVERITY_STYLES

    tty = out.isatty() if hasattr(out, "isatty") else False
    con = Console(file=out, force_terminal=tty, color_system="auto" if tty else None,
                  width=None if tty else 140, highlight=False, emoji=False)
    counts = outcome.counts()
    con.print(Text(f"{len(outcome.inventory)} resources: {counts['fail']} failed, "
                   f"{counts['pass']} passed, {counts['exempt']} suppressed or exempt, "
                   f"{counts['error']} errors", style="bold"))
    failing = sorted((f for f in outcome.findings if f.status is Status.FAIL), key=by_severity)
    if not failing:
        con.print(Text("No failing findings.", style="green"))
        return
    assets = {a.ref.key: a for a in outcome.inventory}
    root = Path(outcome.source_root or ".")
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Location", overflow="fold")
    table.add_column("Resource", overflow="fold", max_width=40)
    table.add_column("Message", overflow="fold", ratio=1)
    for f in failing:
        asset = assets.get(f.asset.key)
        table.add_row(Text(f.severity.label, style=SEVERITY_STYLES[f.severity]),
                      Text(f.rule_id), Text(_where(asset.origin, root) if asset else ""),
                      Text(asset.name if asset and asset.name else f.asset.id),
                      Text(f.message))
    con.print(table)


def _print_footer(outcome: IacScanOutcome, output: str, output_file: Path | None) -> None:
    from rich.markup import escape

    err = console(stderr=True)
    frameworks = ", ".join(f"{name} {n}" for name, n in outcome.files.items()) or "none"
    counts = outcome.counts()
    err.print(f"files read: {frameworks} - [bold]{len(outcome.inventory)}[/] resources, "
              f"[red]{counts['fail']} failed[/], {counts['exempt']} suppressed or exempt"
              + (f" - scan [cyan]{outcome.scan_id}[/]" if outcome.scan_id else ""))
    for note in outcome.notes:
        err.print(f"note: {escape(note)}", soft_wrap=True)
    for problem in outcome.suppressions.problems:
        err.print(f"[yellow]warning:[/] {escape(problem.message)}", soft_wrap=True)
    for error in outcome.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        err.print(f"[bold red]error:[/] {escape(where)}: {escape(error.framework)}: "
                  f"{escape(error.message)}", soft_wrap=True)
    if output_file is not None:
        err.print(f"{output} report written to [cyan]{escape(str(output_file))}[/]")
