"""Kubernetes scans, shared by the CLI (`cloudwarden scan k8s`), the API and workers.

collect one cluster (or load a snapshot) -> save snapshot -> assess with the catalog -> store,
with the same outcome (`ScanOutcome`) as an AWS scan, so every output renders it as is. The
scan row is marked running first and completed last, so a scan killed half way never shows
as a result.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.posture.policy import PolicyConfig
from cloudwarden.service.scan import Progress, ScanOutcome, assess, judged_findings, load_catalog

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

__all__ = ["PROVIDER", "run_k8s_scan"]

PROVIDER = "kubernetes"


def _namespaces(namespace: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if namespace is None:
        return None
    names = (namespace,) if isinstance(namespace, str) else tuple(namespace)
    names = tuple(n.strip() for n in names)
    if not names or not all(names):
        raise ValueError("--namespace needs a namespace name")
    return names


def run_k8s_scan(
    *,
    context: str | None = None,
    namespace: str | Sequence[str] | None = None,
    kubeconfig: str | Path | None = None,
    in_cluster: bool | None = None,
    cluster: str | None = None,
    from_snapshot: Path | None = None,
    save_snapshot: Path | None = None,
    db_url: str | None = None,
    store: bool = True,
    rules_dirs: Iterable[Path] = (),
    progress: Progress | None = None,
    policy: PolicyConfig | None = None,
    client: ApiClient | None = None,
    page_size: int = 500,
    timeout: tuple[float, float] = (10.0, 60.0),
) -> ScanOutcome:
    """Scan one Kubernetes cluster end to end, live or from a saved snapshot.

    Live: the kubeconfig (`kubeconfig`, else $KUBECONFIG, else ~/.kube/config) at `context`
    (else its current context), or the in-cluster service account (`in_cluster=True`, or
    automatically inside a pod without a kubeconfig). `namespace` (one name or several) limits
    namespaced objects to those namespaces; cluster-scoped ones (nodes, cluster roles and
    bindings) are still read. Assets are filed under the account `cluster`, else the context
    name. `client` injects a ready `kubernetes.client.ApiClient` (tests, embedding).

    Raises RuleLoadError (bad rules, before any API call), PolicyError, ValueError (bad
    options), CloudwardenError (no kubeconfig, unknown context, cluster unreachable,
    credentials refused), SnapshotError, StoreError. A list the cluster refuses or that times
    out is not raised: it is a `CollectionError` in `outcome.inventory.errors` and an `error`
    finding (`collector.kubernetes.<resource>`), and the scan goes on."""
    from cloudwarden.collectors.kubernetes import K8sScanOptions, collect

    namespaces = _namespaces(namespace)
    options = K8sScanOptions(kubeconfig=kubeconfig, context=context, namespaces=namespaces,
                             in_cluster=in_cluster, cluster=cluster, page_size=page_size,
                             timeout=timeout)
    if options.page_size < 1:
        raise ValueError("page_size must be at least 1")
    specs = load_catalog(rules_dirs)  # fail fast on bad rules, before any API call
    if policy is not None:
        policy = policy.bind(specs, frameworks=policy.frameworks.disabled)
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    db = None
    scan_id: str | None = None
    if store:
        from cloudwarden.store import Store

        db = Store.open(db_url)
    try:
        meta: dict[str, Any] = {"source": "snapshot" if from_snapshot else PROVIDER,
                                "context": context, "namespaces": list(namespaces or ()),
                                "cluster": cluster}
        if db is not None:
            scan_id = db.begin_scan(PROVIDER, meta)
        t0 = time.perf_counter()
        if from_snapshot is not None:
            inventory = Inventory.load(from_snapshot)
        else:
            inventory = collect(options, client=client, account=cluster or context,
                                progress=progress)
        inventory.metadata.setdefault("provider", PROVIDER)
        timings["collect"] = time.perf_counter() - t0
        if save_snapshot is not None:
            inventory.save(save_snapshot)
        t1 = time.perf_counter()
        findings = assess(inventory, specs, policy=policy)
        timings["assess"] = time.perf_counter() - t1
        if db is not None and scan_id is not None:
            t2 = time.perf_counter()
            findings = db.save_results(scan_id, inventory, findings)
            db.finish_scan(scan_id, "completed")
            findings = judged_findings(db, findings, inventory, policy)
            _record_score(db, scan_id, findings, specs)
            timings["store"] = time.perf_counter() - t2
    except BaseException as exc:
        if db is not None and scan_id is not None:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            with contextlib.suppress(Exception):
                db.finish_scan(scan_id, status)
        raise
    finally:
        if db is not None:
            db.close()
    return ScanOutcome(scan_id, inventory, findings, {s.id: s.meta for s in specs}, started,
                       datetime.now(UTC), timings, policy)


def _record_score(db: Any, scan_id: str, findings: list[Any], specs: Sequence[Any]) -> None:
    from cloudwarden.posture.history import record_score

    # a view of the results, not a result: failing to record it must not lose the scan
    try:
        record_score(db, scan_id, findings, {s.id: s.meta for s in specs}, datetime.now(UTC))
    except Exception as exc:
        logging.getLogger(__name__).warning("score history not recorded for scan %s: %s",
                                            scan_id, exc)
