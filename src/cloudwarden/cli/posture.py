"""`cloudwarden score | recommendations | compliance`: posture views of a stored scan."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from cloudwarden.cli._common import DbOption, RulesDirOption, console, fail

_FORMATS = ("table", "json", "csv")

ScanOption = Annotated[str | None, typer.Option(
    help="Scan id (default: the latest completed).")]
ViewOutput = Annotated[str, typer.Option("--output", "-o", help="table, json or csv.")]


def _check(output: str) -> None:
    if output not in _FORMATS:
        fail(f"--output must be one of {', '.join(_FORMATS)}")


def _view(db: str | None, scan: str | None, rules_dir: list[Path] | None):  # type: ignore[no-untyped-def]
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.service.posture import load_view

    try:
        return load_view(db, scan, rules_dir or [])
    except CloudwardenError as exc:
        fail(str(exc))


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    from cloudwarden.outputs.csv_format import safe_cell

    writer = csv.writer(sys.stdout, quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(_cell(row.get(c))) for c in columns])


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def score(
    scan: ScanOption = None,
    db: DbOption = None,
    rules_dir: RulesDirOption = None,
    history: Annotated[bool, typer.Option(
        "--history", help="The trend over past scans instead of one scan.")] = False,
    account: Annotated[str | None, typer.Option(
        help="With --history: one account's trend.")] = None,
    control: Annotated[str | None, typer.Option(
        help="With --history: one security control's trend, e.g. enable_mfa.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="With --history: at most this many.")] = 30,
    output: ViewOutput = "table",
) -> None:
    """The secure score of a scan: overall, per security control and per account."""
    _check(output)
    if history:
        _score_history(db, account, control, limit, output)
        return
    from cloudwarden.service.posture import score_document

    doc = score_document(_view(db, scan, rules_dir))
    if output == "json":
        typer.echo(json.dumps(doc, indent=2))
        return
    columns = ["control_id", "name", "max_score", "current", "healthy", "unhealthy",
               "potential_increase_percent"]
    if output == "csv":
        _csv(doc["controls"], columns)
        return
    from rich.table import Table

    out = console()
    out.print(f"[bold]Secure score {doc['percentage']:.2f}%[/] "
              f"({doc['current']:.2f} of {doc['maximum']} points) - scan {doc['scan_id']}")
    table = Table("control", "max", "current", "healthy", "unhealthy", "potential +%")
    for c in sorted(doc["controls"], key=lambda c: -c["potential_increase_percent"]):
        table.add_row(c["name"], str(c["max_score"]), f"{c['current']:.2f}", str(c["healthy"]),
                      str(c["unhealthy"]), f"{c['potential_increase_percent']:.2f}")
    out.print(table)
    if len(doc["accounts"]) > 1:
        for account, pct in sorted(doc["accounts"].items()):
            out.print(f"  account {account}: {pct:.2f}%")


def _score_history(db: str | None, account: str | None, control: str | None, limit: int,
                   output: str) -> None:
    from cloudwarden.posture.history import sparkline
    from cloudwarden.store import Store

    with Store.open(db) as store:
        points = store.score_history(account=account, control_id=control, limit=limit)
    rows = [{"scan_id": p.scan_id, "recorded_at": p.recorded_at.isoformat(),
             "percentage": p.percentage, "current": p.current, "max_score": p.max_score,
             "healthy": p.healthy, "unhealthy": p.unhealthy} for p in points]
    if output == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    if output == "csv":
        _csv(rows, list(rows[0]) if rows else ["scan_id", "recorded_at", "percentage"])
        return
    if not points:
        console().print("no score history yet: every stored scan records one")
        return
    from rich.table import Table

    what = f"account {account}" if account else "all accounts"
    if control:
        what += f", control {control}"
    values = [p.percentage for p in points]
    console().print(f"[bold]Secure score trend[/] ({what}): {sparkline(values, low=0, high=100)}"
                    f"  {values[0]:.2f}% -> {values[-1]:.2f}%")
    table = Table("recorded", "scan", "score %")
    for p in points:
        table.add_row(p.recorded_at.strftime("%Y-%m-%d %H:%M"), p.scan_id[:8],
                      f"{p.percentage:.2f}")
    console().print(table)


def governance(
    policy: Annotated[Path, typer.Option(
        "--policy", envvar="CLOUDWARDEN_POLICY",
        help="The policy file holding the governance rules.")],
    scan: ScanOption = None,
    db: DbOption = None,
    rules_dir: RulesDirOption = None,
    state: Annotated[str | None, typer.Option(
        help="Only unassigned, on_time, overdue or completed.")] = None,
    output: ViewOutput = "table",
) -> None:
    """Owners and due dates of failing resources, from the policy's governance rules."""
    _check(output)
    from collections import Counter
    from datetime import UTC, datetime

    from cloudwarden.cli._common import load_policy
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.posture.governance import assign
    from cloudwarden.service.posture import previous_view

    try:
        config = load_policy(policy, rules_dir)
    except CloudwardenError as exc:
        fail(str(exc))
    view = _view(db, scan, rules_dir)
    now = datetime.now(UTC)
    before = previous_view(db, view.scan_id, rules_dir or [])
    previous = (assign(before.findings, before.assets, config.governance, now)
                if before is not None else [])
    assignments = assign(view.findings, view.assets, config.governance, now, previous=previous)
    if state is not None:
        assignments = [a for a in assignments if a.state == state]
    rows: list[dict[str, Any]] = [{"rule_id": a.rule_id, "asset": a.asset_key, "owner": a.owner,
             "due_date": a.due_date.isoformat() if a.due_date else None,
             "grace_period": a.grace_period, "state": a.state} for a in assignments]
    if output == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    if output == "csv":
        _csv(rows, ["rule_id", "asset", "owner", "due_date", "grace_period", "state"])
        return
    from rich.markup import escape
    from rich.table import Table

    counts = Counter(a.state for a in assignments)
    console().print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing due")
    table = Table("state", "owner", "due", "rule", "resource")
    for a in sorted(assignments, key=lambda a: (a.state != "overdue", str(a.due_date or ""))):
        due = a.due_date.strftime("%Y-%m-%d") if a.due_date else ""
        table.add_row(a.state, escape(a.owner or "-"), due, a.rule_id,
                      escape(a.asset_key.split("|")[-1]))
    console().print(table)


def recommendations(
    scan: ScanOption = None,
    db: DbOption = None,
    rules_dir: RulesDirOption = None,
    severity: Annotated[str | None, typer.Option(
        help="Only this risk level or above, e.g. high.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    output: ViewOutput = "table",
) -> None:
    """What to fix first: recommendations ranked by score increase and risk."""
    _check(output)
    from cloudwarden.core.model import Severity
    from cloudwarden.service.posture import recommendation_documents

    try:
        floor = Severity.parse(severity) if severity else None
    except ValueError as exc:
        fail(str(exc))
    docs = recommendation_documents(_view(db, scan, rules_dir))
    if floor is not None:
        docs = [d for d in docs if Severity.parse(d["risk_level"]) >= floor]
    docs = docs[:limit]
    if output == "json":
        typer.echo(json.dumps(docs, indent=2))
        return
    if output == "csv":
        _csv(docs, ["rule_id", "title", "severity", "risk_level", "risk_factors", "control",
                    "affected_count", "potential_increase_percent", "remediation"])
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("#", "risk", "recommendation", "resources", "score +%",
                  title=f"{len(docs)} recommendations")
    for i, d in enumerate(docs, 1):
        factors = f" [dim]({', '.join(d['risk_factors'])})[/]" if d["risk_factors"] else ""
        table.add_row(str(i), d["risk_level"] + factors, escape(d["title"]),
                      str(d["affected_count"]), f"{d['potential_increase_percent']:.2f}")
    console().print(table)


def compliance(
    standard: Annotated[str | None, typer.Argument(
        help="A framework id, e.g. cis-aws-foundations-3.0 (default: all relevant).")] = None,
    scan: ScanOption = None,
    db: DbOption = None,
    rules_dir: RulesDirOption = None,
    framework_file: Annotated[list[Path] | None, typer.Option(
        help="An extra framework file or directory of your own (repeatable).")] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Also show standards with no relevant resources.")] = False,
    output: ViewOutput = "table",
) -> None:
    """Regulatory compliance: each standard's controls passed, failed, skipped or manual."""
    _check(output)
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.posture.compliance import compliance as evaluate
    from cloudwarden.posture.compliance import load_compliance_frameworks

    view = _view(db, scan, rules_dir)
    try:
        frameworks = load_compliance_frameworks(framework_file or [])
    except CloudwardenError as exc:
        fail(str(exc))
    if standard is not None:
        frameworks = [f for f in frameworks if f.id == standard]
        if not frameworks:
            fail(f"no standard {standard!r}; see `cloudwarden compliance --all`")
    results = evaluate(view.findings, frameworks,
                       include_irrelevant=show_all or standard is not None)
    if output == "json":
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2, default=str))
        return
    if output == "csv":
        rows = [{"framework": r.framework_id, **c.to_dict()} for r in results
                for c in r.controls]
        _csv(rows, ["framework", "control_id", "title", "state", "passed_resources",
                    "failed_resources", "failing_rules"])
        return
    from rich.markup import escape
    from rich.table import Table

    out = console()
    colours = {"passed": "green", "failed": "red", "skipped": "dim", "unsupported": "yellow"}
    for result in results:
        out.print(f"[bold]{escape(result.name)} {escape(result.version)}[/]: "
                  f"[green]{result.passed} passed[/], [red]{result.failed} failed[/], "
                  f"{result.skipped} skipped, [yellow]{result.unsupported} manual or "
                  "unsupported[/]")
        if standard is None:
            continue
        table = Table("control", "state", "title", "failed resources")
        for c in result.controls:
            table.add_row(c.control_id, f"[{colours[c.state]}]{c.state}[/]", escape(c.title),
                          str(c.failed_resources or ""))
        out.print(table)
    if not results:
        out.print("no standard has assessed resources in this scan (try --all)")
