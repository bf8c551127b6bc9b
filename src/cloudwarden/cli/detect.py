"""`cloudwarden detect | alerts [list | set-status] | incidents | sigma check`.

`detect` keeps its alerts and incidents in the store (`--db`), where an alert's status lives
between runs; `alerts` and `incidents` read them back (the latest run's results file only when
the store has none yet, as before the store held alerts).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cloudwarden.cli._common import DbOption, console, fail

sigma_app = typer.Typer(help="Work with Sigma rules.", no_args_is_help=True)
alerts_app = typer.Typer(help="Detection alerts kept in the store: list them, change their "
                              "status.")

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
    db: DbOption = None,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Do not keep the alerts and incidents in the store.")] = False,
    follow: Annotated[bool, typer.Option(
        "--follow", "-f", help="Keep reading the files as they grow (like tail -F) and print "
        "each alert as it is raised; Ctrl-C (or SIGTERM) ends the run and keeps everything.")]
    = False,
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
        stop, on_alert = _follow_mode(output) if follow else (None, None)
        outcome = run_detection(paths, source=source, sigma_dirs=sigma_rules or [],
                                state_dir=state_dir or _data_dir() / "state",
                                bad_domains=domains, suppressions=rules, session=session,
                                endpoint_url=endpoint_url, follow=stop, on_alert=on_alert,
                                inventory=None if no_store else _latest_inventory(db))
    except (CloudwardenError, ValueError, OSError) as exc:
        fail(str(exc))
    results: dict[str, Any] = {
               "generated_at": outcome.started_at.isoformat(), "events": outcome.events,
               "alerts": [alert_to_dict(a) for a in outcome.alerts],
               "incidents": [incident_to_dict(i) for i in outcome.incidents]}
    _save(results)
    if not no_store:
        _store_results(db, outcome.alerts, outcome.incidents)
    if follow:  # the alerts were printed as they came; the incidents are known at the end
        if output == "table" and results["incidents"]:
            _incidents_table(results["incidents"])
        elif output == "json":
            for incident in results["incidents"]:
                typer.echo(json.dumps({"incident": incident}, default=str))
    elif output == "json":
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


def _follow_mode(output: str) -> tuple[Any, Any]:
    """The stop event SIGINT and SIGTERM set, and the printer of each new alert."""
    import signal
    import threading

    from cloudwarden.detect.export import alert_to_dict, write_ocsf_lines

    stop = threading.Event()

    def stop_following(signum: int, frame: Any) -> None:
        console(stderr=True).print("stopping: reading to the end of each file ...")
        stop.set()

    signal.signal(signal.SIGINT, stop_following)
    signal.signal(signal.SIGTERM, stop_following)
    console(stderr=True).print("following; Ctrl-C to stop")

    def on_alert(alert: Any) -> None:
        if output == "json":
            typer.echo(json.dumps({"alert": alert_to_dict(alert)}, default=str))
        elif output == "ocsf":
            write_ocsf_lines([alert], sys.stdout)
        else:
            typer.echo(f"{alert.first_seen:%Y-%m-%d %H:%M:%S} {alert.severity.label.upper():<8} "
                       f"{alert.type}  {alert.title}")
        sys.stdout.flush()

    return stop, on_alert


def _latest_inventory(db: str | None) -> list[Any] | None:
    """The assets of the store's latest scan, to link alerts to; None without one."""
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.store import Store

    try:
        with Store.open(db) as store:
            if store.latest_scan() is None:
                return None
            return list(store.inventory())
    except CloudwardenError as exc:  # detection goes on; alerts are simply not linked
        console(stderr=True).print(f"[yellow]alerts not linked to the inventory: {exc}[/]")
        return None


def _save(results: dict[str, Any]) -> None:
    path = _data_dir() / "latest.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(results, default=str), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # the results were printed; keeping a copy is a convenience
        console(stderr=True).print(f"[yellow]could not keep the results: {exc}[/]")


def _store_results(db: str | None, alerts: list[Any], incidents: list[Any]) -> None:
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.store import Store

    try:
        with Store.open(db) as store:
            store.save_alerts(alerts, incidents)
    except CloudwardenError as exc:  # the results are printed and kept in the results file
        console(stderr=True).print(f"[yellow]could not save the alerts to the store: {exc}[/]",
                                   soft_wrap=True)


def _load() -> dict[str, Any]:
    path = _data_dir() / "latest.json"
    if not path.is_file():
        fail("no detection results yet: run `cloudwarden detect PATH...` first")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _alerts_table(alerts: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("id", "severity", "status", "alert", "technique", "count", "entities",
                  "last seen", title=f"{len(alerts)} alerts")
    for a in sorted(alerts, key=lambda a: a.get("last_seen", ""), reverse=True):
        entities = ", ".join(f"{e['kind']}={e['value']}" for e in a.get("entities", [])[:3])
        table.add_row(escape(str(a.get("id", ""))[:16]), a["severity"],
                      a.get("status", "new"), escape(a["title"]), a.get("technique", ""),
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


_OutputTJ = Annotated[str, typer.Option("--output", "-o", help="table or json.")]
_SeverityOpt = Annotated[str | None, typer.Option(help="Only this severity or above.")]
_StatusOpt = Annotated[list[str] | None, typer.Option(
    "--status", help="Only alerts in this status: new, active, resolved, dismissed "
                     "(repeatable).")]
_TypeOpt = Annotated[list[str] | None, typer.Option(
    "--type", help="Only alerts of this type, e.g. aws.cloudtrail.logging_disabled "
                   "(repeatable).")]


def _open_store(db: str | None) -> Any:
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.store import Store

    try:
        return Store.open(db)
    except CloudwardenError as exc:
        fail(str(exc))


def _list_alerts(severity: str | None, statuses: list[str], types: list[str], output: str,
                 db: str | None) -> None:
    from cloudwarden.core.events import AlertStatus
    from cloudwarden.core.model import Severity
    from cloudwarden.detect.export import alert_to_dict

    try:
        floor = Severity.parse(severity) if severity else None
    except ValueError as exc:
        fail(str(exc))
    known = {s.value: s for s in AlertStatus}
    unknown = [s for s in statuses if s.strip().lower() not in known]
    if unknown:
        fail(f"unknown alert status {unknown[0]!r}: one of {', '.join(known)}")
    wanted = [known[s.strip().lower()] for s in statuses]
    with _open_store(db) as store:
        stored = store.alerts(statuses=wanted, min_severity=floor, types=types)
        empty = not stored and not store.alerts()
    if empty:  # nothing in the store yet: the results file of a run made before it held alerts
        found = _load()["alerts"]
        if floor is not None:
            found = [a for a in found if Severity.parse(a["severity"]) >= floor]
        if wanted:
            found = [a for a in found if a.get("status", "new") in {w.value for w in wanted}]
        if types:
            found = [a for a in found if a.get("type") in types]
    else:
        found = [alert_to_dict(a) for a in stored]
    if output == "json":
        typer.echo(json.dumps(found, indent=2, default=str))
    else:
        _alerts_table(found)


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context,
    severity: _SeverityOpt = None,
    status: _StatusOpt = None,
    type_: _TypeOpt = None,
    output: _OutputTJ = "table",
    db: DbOption = None,
) -> None:
    """Detection alerts (alone: `alerts list`)."""
    if ctx.invoked_subcommand is None:
        _list_alerts(severity, status or [], type_ or [], output, db)


@alerts_app.command("list")
def list_alerts(
    severity: _SeverityOpt = None,
    status: _StatusOpt = None,
    type_: _TypeOpt = None,
    output: _OutputTJ = "table",
    db: DbOption = None,
) -> None:
    """The alerts in the store, most severe and most recent first."""
    _list_alerts(severity, status or [], type_ or [], output, db)


@alerts_app.command("set-status")
def set_status(
    alert_id: Annotated[str, typer.Argument(help="The alert id, or a prefix naming one alert.")],
    status: Annotated[str, typer.Argument(help="new, active, resolved or dismissed.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    actor: Annotated[str | None, typer.Option(help="Who changes it (default: you).")] = None,
    db: DbOption = None,
) -> None:
    """Change an alert's status: new -> active -> resolved or dismissed; a resolved or
    dismissed alert can only be reopened (active)."""
    import getpass

    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.detect.alerts import InvalidTransitionError

    with _open_store(db) as store:
        try:
            changed = store.set_alert_status(alert_id, status.strip().lower(),
                                             actor=actor or getpass.getuser(), reason=reason)
        except (CloudwardenError, InvalidTransitionError) as exc:
            fail(str(exc))
    typer.echo(f"alert {changed.id} is {changed.status.value}")


def incidents(
    output: _OutputTJ = "table",
    db: DbOption = None,
) -> None:
    """The incidents (correlated alerts along the kill chain) in the store."""
    from cloudwarden.detect.export import incident_to_dict

    with _open_store(db) as store:
        stored = store.incidents()
        has_alerts = bool(stored) or bool(store.alerts())
    found = [incident_to_dict(i) for i in stored] if has_alerts else _load()["incidents"]
    if output == "json":
        typer.echo(json.dumps(found, indent=2, default=str))
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
