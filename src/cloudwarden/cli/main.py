"""The `cloudwarden` command. Thin: parse, call `service/`, render.

Nothing heavy is imported at module level (no boto3, no rules, no SQLAlchemy) so that
`cloudwarden --help` and `cloudwarden rules list` start fast.

Exit codes: 0 success, 1 a clear error (bad input, unreachable database, ...),
2 usage error, 3 `--fail-on` threshold reached.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cloudwarden.cli import detect as detect_cli
from cloudwarden.cli import exemptions as exemptions_cli
from cloudwarden.cli import iac as iac_cli
from cloudwarden.cli import k8s as k8s_cli
from cloudwarden.cli import posture as posture_cli
from cloudwarden.cli import rules as rules_cli
from cloudwarden.cli._common import (
    EXIT_ERROR,
    DbOption,
    FailOnOption,
    OutputFileOption,
    OutputOption,
    PolicyOption,
    RulesDirOption,
    console,
    emit_report,
    exit_for_fail_on,
    fail,
    load_policy,
    print_scan_footer,
    split_csv,
)

app = typer.Typer(
    name="cloudwarden",
    help="Cloud security posture management and workload protection.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
scan_app = typer.Typer(help="Collect a cloud's configuration and assess it.", no_args_is_help=True)
app.add_typer(scan_app, name="scan")
scan_app.command("iac")(iac_cli.scan_iac)
scan_app.command("k8s")(k8s_cli.scan_k8s)
app.add_typer(rules_cli.app, name="rules")
app.command("score")(posture_cli.score)
app.command("recommendations")(posture_cli.recommendations)
app.command("compliance")(posture_cli.compliance)
app.add_typer(exemptions_cli.app, name="exemptions")
app.command("governance")(posture_cli.governance)
app.command("detect")(detect_cli.detect)
app.add_typer(detect_cli.alerts_app, name="alerts")
app.command("incidents")(detect_cli.incidents)
app.add_typer(detect_cli.sigma_app, name="sigma")


@app.command()
def version() -> None:
    """Print the version."""
    from cloudwarden import __version__

    typer.echo(f"cloudwarden {__version__}")


@scan_app.command("aws")
def scan_aws(
    profile: Annotated[str | None, typer.Option(help="AWS profile to use.")] = None,
    regions: Annotated[str | None, typer.Option(
        help="Comma-separated regions (default: every region enabled for the account).")] = None,
    services: Annotated[str | None, typer.Option(
        help="Comma-separated services (default: all supported).")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        help="Send API calls to this endpoint (an emulator such as moto).")] = None,
    from_snapshot: Annotated[Path | None, typer.Option(
        help="Re-assess a saved inventory snapshot offline instead of calling AWS.")] = None,
    save_snapshot: Annotated[Path | None, typer.Option(
        help="Save the collected inventory to this .jsonl.gz file.")] = None,
    max_workers: Annotated[int, typer.Option(min=1, max=64,
                                             help="Concurrent API tasks.")] = 8,
    role_arn: Annotated[str | None, typer.Option(
        help="Role to assume. With --org: the role in every member account (a name such as "
             "OrganizationAccountAccessRole, an ARN, or an ARN with {account}).")] = None,
    org: Annotated[bool, typer.Option(
        "--org", help="Scan every active account of the AWS Organization.")] = False,
    rules_dir: RulesDirOption = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    no_store: Annotated[bool, typer.Option("--no-store",
                                           help="Do not record the scan in the database.")] = False,
    output: OutputOption = "table",
    output_file: OutputFileOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Scan an AWS account: collect, assess every rule, store and report the findings."""
    from cloudwarden.cli._progress import scan_progress
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.service.scan import run_scan

    options = None
    if from_snapshot is None:
        from cloudwarden.collectors.aws import AwsScanOptions

        options = AwsScanOptions(profile=profile, regions=split_csv(regions),
                                 services=split_csv(services), endpoint_url=endpoint_url,
                                 max_workers=max_workers, role_arn=role_arn, org=org)
    try:
        assignment = load_policy(policy, rules_dir)
        with scan_progress() as progress:
            outcome = run_scan(aws=options, from_snapshot=from_snapshot,
                               save_snapshot=save_snapshot, db_url=db, store=not no_store,
                               rules_dirs=rules_dir or [], progress=progress,
                               policy=assignment)
    except (CloudwardenError, ValueError) as exc:
        fail(str(exc))
    except Exception as exc:
        fail(_explain_unexpected(exc))
    history = []
    if outcome.scan_id is not None and output == "html":
        from cloudwarden.service.posture import score_trend

        history = score_trend(db)
    emit_report(outcome.findings, outcome.rules, outcome.inventory, outcome.metadata, output,
                output_file, history)
    print_scan_footer(outcome, output, output_file)
    exit_for_fail_on(outcome.findings, fail_on)


def _explain_unexpected(exc: Exception) -> str:
    name = type(exc).__name__
    if name in {"NoCredentialsError", "PartialCredentialsError"}:
        return ("no AWS credentials found: configure a profile (--profile) or the "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables")
    if name == "ProfileNotFound":
        return f"AWS profile not found: {exc}"
    if name in {"EndpointConnectionError", "ConnectTimeoutError"}:
        return f"cannot reach the AWS endpoint: {exc}"
    if name == "OperationalError":
        return f"database error: {str(exc).splitlines()[0]}"
    return f"{name}: {exc}"


@app.command()
def findings(
    scan: Annotated[str | None, typer.Option(help="Scan id (default: the latest completed).")]
    = None,
    status: Annotated[str | None, typer.Option(
        help="Comma-separated statuses: pass, fail, error, not_applicable, exempt.")] = "fail",
    severity: Annotated[str | None, typer.Option(
        help="Comma-separated severities, or a minimum such as high+.")] = None,
    rule: Annotated[str | None, typer.Option(help="Comma-separated rule ids.")] = None,
    account: Annotated[str | None, typer.Option(help="Comma-separated account ids.")] = None,
    asset_type: Annotated[str | None, typer.Option(
        "--type", help="Comma-separated asset types, e.g. aws.s3.bucket.")] = None,
    rules_dir: RulesDirOption = None,
    db: DbOption = None,
    output: OutputOption = "table",
    output_file: OutputFileOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Show the findings of a stored scan, filtered."""
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.core.model import Severity, Status
    from cloudwarden.service.posture import with_exemptions
    from cloudwarden.service.scan import load_catalog
    from cloudwarden.store import Store

    try:
        statuses = [Status(s) for s in split_csv(status) or ()]
        severities: list[Severity] = []
        min_severity = None
        for s in split_csv(severity) or ():
            if s.endswith("+"):
                min_severity = Severity.parse(s[:-1])
            else:
                severities.append(Severity.parse(s))
    except ValueError as exc:
        fail(str(exc))
    try:
        specs = load_catalog(rules_dir or [])
        with Store.open(db) as store:
            record = store.latest_scan() if scan is None else None
            scan_id = scan or (record.id if record else None)
            if scan_id is None:
                fail("no completed scan in the database yet: run `cloudwarden scan aws` "
                     "or `cloudwarden demo` first")
            # exemptions apply at read time: filter by status after applying them
            found = with_exemptions(store, store.findings(
                scan_id, severities=severities,
                rule_ids=list(split_csv(rule) or ()), accounts=list(split_csv(account) or ()),
                asset_types=list(split_csv(asset_type) or ()), min_severity=min_severity))
            if statuses:
                found = [f for f in found if f.status in statuses]
            inventory = store.inventory(scan_id)
    except CloudwardenError as exc:
        fail(str(exc))
    except Exception as exc:
        fail(_explain_unexpected(exc))
    emit_report(found, {s.id: s.meta for s in specs}, inventory, {"id": scan_id}, output,
                output_file)
    exit_for_fail_on(found, fail_on)


@app.command()
def scans(db: DbOption = None, limit: int = 20) -> None:
    """List recent scans."""
    from rich.table import Table

    from cloudwarden.store import Store

    try:
        with Store.open(db) as store:
            records = store.list_scans(limit)
    except Exception as exc:
        fail(_explain_unexpected(exc))
    table = Table("scan", "provider", "status", "started", "finished")
    for r in records:
        table.add_row(r.id, r.provider, r.status, str(r.started_at), str(r.finished_at or ""))
    console().print(table)


@app.command()
def demo(
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        "cloudwarden-report.html"),
    db: DbOption = None,
    no_store: Annotated[bool, typer.Option("--no-store",
                                           help="Do not record the scan in the database.")] = False,
) -> None:
    """Scan a bundled demo lab: a local AWS emulator seeded with a realistic account."""
    from cloudwarden.cli._demo import run_demo

    try:
        run_demo(report, db, store=not no_store)
    except Exception as exc:
        fail(_explain_unexpected(exc))


def main() -> None:  # pragma: no cover - console entry
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_ERROR) from None


if __name__ == "__main__":  # pragma: no cover - python -m cloudwarden.cli.main
    main()
