"""`cloudwarden scan k8s`: collect a live Kubernetes cluster through its API and assess it with
the same rules as manifests in code. Thin: parse, call `service.k8s`, render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloudwarden.cli._common import (
    DbOption,
    FailOnOption,
    OutputFileOption,
    OutputOption,
    PolicyOption,
    RulesDirOption,
    emit_report,
    exit_for_fail_on,
    fail,
    load_policy,
    print_scan_footer,
    split_csv,
)

__all__ = ["scan_k8s"]


def scan_k8s(
    context: Annotated[str | None, typer.Option(
        help="kubeconfig context (default: the current context).")] = None,
    namespace: Annotated[str | None, typer.Option(
        help="Comma-separated namespaces (default: all); cluster-scoped objects are always "
             "read.")] = None,
    kubeconfig: Annotated[Path | None, typer.Option(
        help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")] = None,
    in_cluster: Annotated[bool, typer.Option(
        "--in-cluster", help="Use the pod's service account (running inside the cluster).")]
    = False,
    cluster: Annotated[str | None, typer.Option(
        help="Name the cluster's assets are filed under (default: the context name).")] = None,
    from_snapshot: Annotated[Path | None, typer.Option(
        help="Re-assess a saved inventory snapshot offline instead of calling the API.")]
    = None,
    save_snapshot: Annotated[Path | None, typer.Option(
        help="Save the collected inventory to this .jsonl.gz file.")] = None,
    rules_dir: RulesDirOption = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    no_store: Annotated[bool, typer.Option("--no-store",
                                           help="Do not record the scan in the database.")] = False,
    output: OutputOption = "table",
    output_file: OutputFileOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Scan a Kubernetes cluster: workloads, RBAC, network policies, services, ingresses,
    namespaces, nodes and secret metadata (never secret values)."""
    from cloudwarden.cli._progress import scan_progress
    from cloudwarden.core.errors import CloudwardenError
    from cloudwarden.service.k8s import run_k8s_scan

    try:
        assignment = load_policy(policy, rules_dir)
        with scan_progress() as progress:
            outcome = run_k8s_scan(context=context, namespace=split_csv(namespace),
                                   kubeconfig=kubeconfig, in_cluster=in_cluster or None,
                                   cluster=cluster, from_snapshot=from_snapshot,
                                   save_snapshot=save_snapshot, db_url=db,
                                   store=not no_store, rules_dirs=rules_dir or [],
                                   progress=progress, policy=assignment)
    except (CloudwardenError, ValueError, OSError) as exc:
        fail(str(exc))
    emit_report(outcome.findings, outcome.rules, outcome.inventory, outcome.metadata, output,
                output_file)
    print_scan_footer(outcome, output, output_file)
    exit_for_fail_on(outcome.findings, fail_on)
