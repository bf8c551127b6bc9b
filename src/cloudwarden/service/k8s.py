"""Kubernetes scans, shared by the CLI (`cloudwarden scan k8s`), the API and workers.

collect one cluster (or load a snapshot) -> save snapshot -> assess with the catalog -> store,
with the same outcome (`ScanOutcome`) as an AWS scan, so every output renders it as is. The
scan row is marked running first and completed last, so a scan killed half way never shows
as a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cloudwarden.posture.policy import PolicyConfig
from cloudwarden.service.scan import Progress, ScanOutcome, run_lifecycle

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
    meta = {"source": "snapshot" if from_snapshot else PROVIDER, "context": context,
            "namespaces": list(namespaces or ()), "cluster": cluster}
    return run_lifecycle(
        PROVIDER, meta,
        lambda: collect(options, client=client, account=cluster or context, progress=progress),
        from_snapshot=from_snapshot, save_snapshot=save_snapshot, db_url=db_url, store=store,
        rules_dirs=rules_dirs, policy=policy)

