"""`cloudwarden detect | alerts | incidents | sigma check`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cloudwarden.cli._common import console, fail

sigma_app = typer.Typer(help="Work with Sigma rules.", no_args_is_help=True)

_FORMATS = ("table", "json", "ocsf")


def _data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cloudwarden")) / "detect"


def detect(
    paths: Annotated[list[str], typer.Argument(
        help="Log files, directories or s3://bucket/prefix.")],
    source: Annotated[str | None, typer.Option(
        help="Log source type (default: detected from the content), e.g. aws.cloudtrail.")]
    = None,
    sigma_rules: Annotated[list[Path] | None, typer.Option(
        "--sigma-rules", help="Extra Sigma rules directory, e.g. a SigmaHQ checkout.")] = None,
    bad_domains: Annotated[Path | None, typer.Option(
        help="File of known-bad domains, one per line.")] = None,
    suppressions: Annotated[Path | None, typer.Option(
        help="YAML list of alert suppression rules.")] = None,
    state_dir: Annotated[Path | None, typer.Option(
        help="Where detector and anomaly baselines persist between runs.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        help="S3 endpoint for s3:// inputs (an emulator).")] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="table, json or ocsf.")]
    = "table",
    fail_on: Annotated[str | None, typer.Option(
        help="Exit with code 3 when an alert has at least this severity.")] = None,
) -> None:
    """Run every detection over logs: CloudTrail, Azure, GCP, Kubernetes audit, Linux auth/syslog/
    auditd, DNS, S3 access and VPC flow logs."""
    if output not in _FORMATS:
        fail(f"--output must be one of {', '.join(_FORMATS)}")
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.core.model import Severity
    from cloudwarden.detect.export import alert_to_dict, incident_to_dict, write_ocsf_lines
    from cloudwarden.service.detect import run_detection

    threshold = None
    try:
        threshold = Severity.parse(fail_on) if fail_on else None
        rules: list[Any] = []
        if suppressions is not None:
            import yaml

            from cloudwarden.detect.alerts import load_suppressions

            rules = load_suppressions(yaml.safe_load(suppressions.read_text()) or [])
        domains: list[str] = []
        if bad_domains is not None:
            from cloudwarden.detect.rules.dns import load_domain_list

            domains = list(load_domain_list(bad_domains))
        session = None
        if any(str(p).startswith("s3://") for p in paths):
            import boto3

            session = boto3.Session()
        outcome = run_detection(paths, source=source, sigma_dirs=sigma_rules or [],
                                state_dir=state_dir or _data_dir() / "state",
                                bad_domains=domains, suppressions=rules, session=session,
                                endpoint_url=endpoint_url)
    except (CloudwardenError, ValueError, OSError) as exc:
        fail(str(exc))
    results: dict[str, Any] = {
               "generated_at": outcome.started_at.isoformat(), "events": outcome.events,
               "alerts": [alert_to_dict(a) for a in outcome.alerts],
               "incidents": [incident_to_dict(i) for i in outcome.incidents]}
    _save(results)
    if output == "json":
        typer.echo(json.dumps(results, indent=2, default=str))
    elif output == "ocsf":
        write_ocsf_lines(outcome.alerts, sys.stdout)
    else:
        _alerts_table(results["alerts"])
        _incidents_table(results["incidents"])
    err = console(stderr=True)
    err.print(f"{outcome.stats.summary().splitlines()[0]}; {outcome.sigma_loaded} Sigma rules"
              + (f" ({len(outcome.sigma_problems)} not loaded: run `cloudwarden sigma check`)"
                 if outcome.sigma_problems else "")
              + f"; {len(outcome.alerts)} alerts, {len(outcome.incidents)} incidents"
              + (f", {outcome.suppressed} suppressed" if outcome.suppressed else ""),
              soft_wrap=True)
    if outcome.stats.malformed:
        from rich.markup import escape

        err.print(f"[yellow]{outcome.stats.malformed} malformed records were counted and "
                  "skipped:[/]", soft_wrap=True)
        err.print(escape("\n".join(outcome.stats.summary().splitlines()[1:])), soft_wrap=True)
    if threshold is not None and any(a.severity >= threshold for a in outcome.alerts):
        raise typer.Exit(3)


def _save(results: dict[str, Any]) -> None:
    path = _data_dir() / "latest.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(results, default=str), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # the results were printed; keeping a copy is a convenience
        console(stderr=True).print(f"[yellow]could not keep the results: {exc}[/]")


def _load() -> dict[str, Any]:
    path = _data_dir() / "latest.json"
    if not path.is_file():
        fail("no detection results yet: run `cloudwarden detect PATH...` first")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _alerts_table(alerts: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("severity", "alert", "technique", "count", "entities", "last seen",
                  title=f"{len(alerts)} alerts")
    for a in sorted(alerts, key=lambda a: a.get("last_seen", ""), reverse=True):
        entities = ", ".join(f"{e['kind']}={e['value']}" for e in a.get("entities", [])[:3])
        table.add_row(a["severity"], escape(a["title"]), a.get("technique", ""),
                      str(a.get("count", 1)), escape(entities), str(a.get("last_seen", ""))[:19])
    console().print(table)


def _incidents_table(incidents: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("severity", "incident", "stages", "alerts", title=f"{len(incidents)} incidents")
    for i in incidents:
        table.add_row(i["severity"], escape(i["title"]), " -> ".join(i.get("stages", [])),
                      str(len(i.get("alerts", []))))
    console().print(table)


def alerts(
    severity: Annotated[str | None, typer.Option(help="Only this severity or above.")] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="table or json.")] = "table",
) -> None:
    """The alerts of the latest detection run."""
    from cloudwarden.core.model import Severity

    found = _load()["alerts"]
    if severity:
        try:
            floor = Severity.parse(severity)
        except ValueError as exc:
            fail(str(exc))
        found = [a for a in found if Severity.parse(a["severity"]) >= floor]
    if output == "json":
        typer.echo(json.dumps(found, indent=2))
    else:
        _alerts_table(found)


def incidents(
    output: Annotated[str, typer.Option("--output", "-o", help="table or json.")] = "table",
) -> None:
    """The incidents (correlated alerts along the kill chain) of the latest detection run."""
    found = _load()["incidents"]
    if output == "json":
        typer.echo(json.dumps(found, indent=2))
    else:
        _incidents_table(found)


@sigma_app.command("check")
def sigma_check(
    paths: Annotated[list[Path], typer.Argument(help="Sigma rule files or directories.")],
) -> None:
    """Load Sigma rules and report every one that cannot be used, with the reason."""
    from cloudwarden.detect.sigma import check

    report = check(paths)
    typer.echo(report.render())
    if report.errors:
        raise typer.Exit(1)
