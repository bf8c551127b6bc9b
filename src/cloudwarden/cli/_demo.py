"""`cloudwarden demo`: emulator up, lab seeded, real collector scan, summary and HTML report."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from cloudwarden.cli._common import console, emit_report


def run_demo(report: Path, db: str | None, *, store: bool = True) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cloudwarden.cli._progress import scan_progress
    from cloudwarden.collectors.aws import AwsScanOptions
    from cloudwarden.core.model import Status
    from cloudwarden.demo.emulator import demo_session, running_emulator
    from cloudwarden.demo.lab import LAB_REGIONS, LAB_SERVICES, seed_lab
    from cloudwarden.service.scan import run_scan

    out = console(stderr=True)
    started = time.perf_counter()
    with running_emulator() as endpoint:
        out.print(f"[bold]AWS emulator[/] listening on [cyan]{endpoint}[/] (loopback only)")
        with out.status("seeding the demo lab") as status:
            seed_lab(endpoint, lambda step: status.update(f"seeding the demo lab: {step}"))
        seeded = time.perf_counter()
        out.print(f"lab seeded in {seeded - started:.1f}s: two regions "
                  f"({', '.join(LAB_REGIONS)}), IAM, S3, EC2, VPC, KMS, CloudTrail, "
                  "CloudWatch, Config")
        session = demo_session(LAB_REGIONS[0])
        options = AwsScanOptions(regions=LAB_REGIONS, services=LAB_SERVICES,
                                 endpoint_url=endpoint)
        with scan_progress() as progress:
            outcome = run_scan(aws=options, db_url=db, store=store, progress=progress,
                               session=session)
    elapsed = time.perf_counter() - started

    counts = outcome.counts()
    failed = [f for f in outcome.findings if f.status is Status.FAIL]
    by_rule = Counter(f.rule_id for f in failed)
    table = Table("severity", "rule", "failing resources",
                  title="Most common failures in the demo lab")
    ranked = sorted(by_rule.items(),
                    key=lambda kv: (-outcome.rules[kv[0]].severity if kv[0] in outcome.rules
                                    else 0, -kv[1], kv[0]))
    for rule_id, n in ranked[:15]:
        meta = outcome.rules.get(rule_id)
        table.add_row(meta.severity.label if meta else "-",
                      escape(meta.title if meta else rule_id), str(n))
    console().print(table)
    severities = Counter(f.severity.label for f in failed)
    console().print(
        f"[bold]{len(outcome.inventory)}[/] resources assessed by {len(outcome.rules)} rules: "
        f"[green]{counts['pass']} passed[/], [red]{counts['fail']} failed[/] "
        f"({', '.join(f'{n} {s}' for s, n in severities.most_common())}), "
        f"[yellow]{counts['error']} collection errors[/]")
    from cloudwarden.posture.score import secure_score

    score = secure_score(outcome.findings, outcome.rules)
    console().print(f"[bold]Secure score {score.percentage:.2f}%[/] ({score.current:.2f} of "
                    f"{score.maximum} points) - `cloudwarden recommendations` says what to fix "
                    "first, `cloudwarden compliance` where each standard stands")
    errors = outcome.inventory.errors
    if errors:
        console().print("[yellow]Calls that could not be collected[/] (recorded as error results; "
                        "the scan went on without them):")
        for error in errors:
            console().print(f"  {error.service} {error.operation} in {error.region}: "
                            f"{escape(error.reason[:100])}", soft_wrap=True)
    history = []
    if outcome.scan_id is not None:
        from cloudwarden.service.posture import score_trend

        history = score_trend(db)
    emit_report(outcome.findings, outcome.rules, outcome.inventory, outcome.metadata, "html",
                report, history)
    console().print(f"HTML report: [cyan]{report.resolve()}[/]")
    if outcome.scan_id:
        console().print(f"stored as scan [cyan]{outcome.scan_id}[/]; explore it with "
                        "`cloudwarden findings --severity high+`")
    t = outcome.timings
    console().print(f"[dim]demo finished in {elapsed:.1f}s (seeding {seeded - started:.1f}s, "
                    f"collection {t.get('collect', 0):.1f}s, assessment "
                    f"{t.get('assess', 0) * 1000:.0f} ms, store {t.get('store', 0):.1f}s)[/]")
