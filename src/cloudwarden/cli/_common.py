"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from cloudwarden.core.model import Finding
    from cloudwarden.core.rule import RuleMeta
    from cloudwarden.inventory.snapshot import Inventory

EXIT_ERROR = 1
EXIT_FAIL_ON = 3

OUTPUT_FORMATS = ("table", "json", "csv", "ocsf", "sarif", "html")


def _check_output(value: str) -> str:
    if value not in OUTPUT_FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(OUTPUT_FORMATS)}")
    return value


def _check_severity(value: str | None) -> str | None:
    if value is None:
        return None
    from cloudwarden.core.model import Severity

    try:
        Severity.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


DbOption = Annotated[str | None, typer.Option(
    "--db", envvar="CLOUDWARDEN_DB",
    help="Database URL (default: SQLite in the user data directory), e.g. "
         "postgresql+psycopg://user@host/db.")]
OutputOption = Annotated[str, typer.Option(
    "--output", "-o", callback=_check_output, help="table, json, csv, ocsf or html.")]
OutputFileOption = Annotated[Path | None, typer.Option(
    "--output-file", help="Write the report to this file instead of the terminal.")]
FailOnOption = Annotated[str | None, typer.Option(
    "--fail-on", callback=_check_severity,
    help="Exit with code 3 when a failed finding has at least this severity.")]
PolicyOption = Annotated[Path | None, typer.Option(
    "--policy", envvar="CLOUDWARDEN_POLICY",
    help="Policy file: rules and frameworks on/off, parameters per account and region, "
         "governance (see docs/policy.md).")]
RulesDirOption = Annotated[list[Path] | None, typer.Option(
    "--rules-dir", help="Extra directory of rule files (repeatable).")]


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def fail(message: str) -> NoReturn:
    console(stderr=True).print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(EXIT_ERROR)


def split_csv(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    return items or None


def emit_report(
    findings: Sequence[Finding],
    rules: Mapping[str, RuleMeta],
    inventory: Inventory,
    scan: Mapping[str, Any],
    output: str,
    output_file: Path | None,
    history: Sequence[tuple[str, float]] = (),
) -> None:
    from cloudwarden.frameworks import load_frameworks, rules_to_controls
    from cloudwarden.outputs import render
    from cloudwarden.outputs.report import Report

    assets = {a.ref.key: a for a in inventory}
    posture: dict[str, Any] = {}
    if output == "html":
        from cloudwarden.service.posture import posture_summary

        posture = posture_summary(findings, dict(rules), assets, history)
    report = Report(findings=findings, rules=rules, assets=assets,
                    generated_at=datetime.now(UTC), scan=scan,
                    controls=rules_to_controls(load_frameworks()), posture=posture)
    if output_file is None and output == "html":
        output_file = Path("cloudwarden-report.html")
    if output_file is None:
        render(output, report, sys.stdout)
        return
    tmp = output_file.with_name(output_file.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        render(output, report, fh)
    tmp.replace(output_file)


def load_policy(path: Path | None, rules_dir: list[Path] | None) -> Any:
    """The policy file checked against the catalog in use; None without a file."""
    if path is None:
        return None
    from cloudwarden.posture.policy import PolicyConfig
    from cloudwarden.service.scan import load_catalog

    return PolicyConfig.load(path, rules=load_catalog(rules_dir or []))


def exit_for_fail_on(findings: Iterable[Finding], fail_on: str | None) -> None:
    if fail_on is None:
        return
    from cloudwarden.core.model import Severity, Status

    threshold = Severity.parse(fail_on)
    worst = [f for f in findings if f.status is Status.FAIL and f.severity >= threshold]
    if worst:
        console(stderr=True).print(
            f"[red]{len(worst)} failed finding(s) at or above {threshold.label}[/]")
        raise typer.Exit(EXIT_FAIL_ON)


def print_scan_footer(outcome: Any, output: str, output_file: Path | None) -> None:
    """The one-line summary of a cloud or cluster scan (a `service.scan.ScanOutcome`)."""
    counts = outcome.counts()
    err = console(stderr=True)
    err.print(
        f"[bold]{len(outcome.inventory)}[/] resources, [green]{counts['pass']} passed[/], "
        f"[red]{counts['fail']} failed[/], [yellow]{counts['error']} errors[/], "
        f"{counts['not_applicable']} not applicable"
        + (f" - scan [cyan]{outcome.scan_id}[/]" if outcome.scan_id else ""))
    if output_file is not None:
        err.print(f"{output} report written to [cyan]{output_file}[/]")
