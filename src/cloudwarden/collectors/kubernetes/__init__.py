"""The Kubernetes collector: reads one cluster through the official client into canonical
assets (`cloudwarden.assets.kubernetes`).

Listing is I/O only (`_listing`); the conversion of each API object is the one shared with
the manifest adapter (`object_assets`), so a live object and the manifest that created it
give the same asset. Failed lists (403 on secrets, a timeout) are recorded as
`CollectionError`s in the returned inventory and the scan goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import urllib3
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from cloudwarden.assets.kubernetes import object_assets
from cloudwarden.collectors.kubernetes._connect import IN_CLUSTER, Connection, connect
from cloudwarden.collectors.kubernetes._controllers import drop_controlled
from cloudwarden.collectors.kubernetes._listing import (
    CLUSTER,
    Collected,
    Listed,
    Lister,
    error_reason,
)
from cloudwarden.collectors.kubernetes._resources import RESOURCES, Resource
from cloudwarden.core.errors import CloudwardenError, CollectionError
from cloudwarden.core.model import Asset
from cloudwarden.inventory.snapshot import Inventory

__all__ = ["IN_CLUSTER", "ORIGIN", "RESOURCES", "K8sScanOptions", "ProgressCallback", "collect"]

ORIGIN = "kubernetes:api"

#: (what was just done, tasks done, tasks in all)
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class K8sScanOptions:
    #: kubeconfig file(s) (os.pathsep-separated); None: $KUBECONFIG, then ~/.kube/config
    kubeconfig: str | Path | None = None
    #: kubeconfig context; None: the current context
    context: str | None = None
    #: namespaces to scan (namespaced objects listed per namespace); None: all namespaces
    namespaces: tuple[str, ...] | None = None
    #: None: the kubeconfig if there is one, else the in-cluster service account
    in_cluster: bool | None = None
    #: the account name assets are filed under; None: the context name (`in-cluster` inside
    #: a pod)
    cluster: str | None = None
    #: objects per list page (`limit`)
    page_size: int = 500
    #: (connect, read) seconds per API request
    timeout: tuple[float, float] = (10.0, 60.0)
    #: list calls in flight at once
    max_workers: int = 4


def _version(lister: Lister, server: str) -> dict[str, Any]:
    """The server's /version: proves the API server answers and accepts the credentials
    before any list is planned; an unreachable server or refused credentials (401) end the
    scan here."""
    try:
        found = lister.get_json("/version")
    except ApiException as exc:
        if exc.status == 403:
            # authenticated, but /version is not granted (a hardened cluster may remove the
            # default public-info-viewer binding): the lists will say what is readable
            return {}
        if exc.status == 401:
            raise CloudwardenError(f"the Kubernetes API server at {server} refused the "
                                   f"credentials: {error_reason(exc)}") from exc
        raise CloudwardenError(f"cannot query the Kubernetes API server at {server}: "
                               f"{error_reason(exc)}") from exc
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        raise CloudwardenError(f"cannot reach the Kubernetes API server at {server}: "
                               f"{error_reason(exc)}") from exc
    return found if isinstance(found, dict) else {}


def _plan(namespaces: tuple[str, ...] | None) -> list[tuple[Resource, str | None]]:
    if namespaces is None:
        return [(r, None) for r in RESOURCES]
    tasks: list[tuple[Resource, str | None]] = []
    for resource in RESOURCES:
        if resource.kind == "Namespace" or resource.namespaced:
            tasks.extend((resource, ns) for ns in namespaces)
        else:
            tasks.append((resource, None))
    return tasks


def _run(lister: Lister, tasks: list[tuple[Resource, str | None]], max_workers: int,
         progress: ProgressCallback | None) -> list[Collected]:
    def one(task: tuple[Resource, str | None]) -> Listed:
        resource, namespace = task
        if resource.kind == "Namespace" and namespace is not None:
            return lister.get_namespace(namespace)
        return lister.list(resource, namespace)

    found: list[Collected] = []
    with ThreadPoolExecutor(max_workers=max_workers,
                            thread_name_prefix="cloudwarden-k8s") as pool:
        for done, (task, listed) in enumerate(zip(tasks, pool.map(one, tasks), strict=True),
                                              start=1):
            found.extend(listed.objects)
            if progress is not None:
                resource, namespace = task
                where = f" in {namespace}" if namespace else ""
                progress(f"{resource.label}{where}", done, len(tasks))
    return found


def _assets(items: list[Collected], account: str) -> list[Asset]:
    out: list[Asset] = []
    for item in items:
        for asset in object_assets(item.obj, account=account, origin=ORIGIN):
            out.append(replace(asset, unknown=dict(item.unknown)) if item.unknown else asset)
    return out


_POLICIES = next(r for r in RESOURCES if r.kind == "NetworkPolicy")


def _unlisted_policies(assets: list[Asset], errors: Sequence[CollectionError]) -> list[Asset]:
    """Namespaces whose network policies could not be listed: their `NetworkPolicies` is
    unknown, so "no policy here" is never concluded from a failed list."""
    failed = {e.region: e.reason for e in errors if e.service == _POLICIES.label}
    if not failed:
        return assets
    out: list[Asset] = []
    for asset in assets:
        if asset.type == "kubernetes.namespace":
            reason = failed.get(asset.name, failed.get(CLUSTER))
            if reason is not None:
                asset = replace(asset, unknown={**asset.unknown,
                                                "NetworkPolicies": f"list networkpolicies: "
                                                                   f"{reason}"})
        out.append(asset)
    return out


def collect(options: K8sScanOptions, *, client: ApiClient | None = None,
            account: str | None = None, progress: ProgressCallback | None = None) -> Inventory:
    """Collect one cluster. `client` (with `account`) injects a ready API client instead of
    reading the kubeconfig. Raises ValueError for bad options and CloudwardenError when the
    cluster cannot be reached or refuses the credentials; every other failure is recorded
    in the inventory."""
    if options.max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    if options.namespaces is not None and not all(options.namespaces):
        raise ValueError("a namespace name cannot be empty")
    namespaces = (tuple(dict.fromkeys(options.namespaces))
                  if options.namespaces is not None else None)
    started = datetime.now(UTC)
    if client is None:
        conn = connect(kubeconfig=options.kubeconfig, context=options.context,
                       in_cluster=options.in_cluster, cluster=options.cluster)
    else:
        conn = Connection(client, account or options.cluster or options.context or "cluster",
                          options.context, str(client.configuration.host))
    try:
        lister = Lister(conn.client, conn.account, page_size=options.page_size,
                        timeout=options.timeout)
        version = _version(lister, conn.server)
        found = _run(lister, _plan(namespaces), options.max_workers, progress)
    finally:
        if client is None:
            conn.client.close()
    kept, dropped = drop_controlled(found)
    assets = _unlisted_policies(_assets(kept, conn.account), lister.errors)
    metadata = {
        "provider": "kubernetes",
        "account": conn.account,
        "context": conn.context,
        "server": conn.server,
        "server_version": version.get("gitVersion"),
        "namespaces": list(namespaces or ()),
        "regions": list(namespaces or ()),
        #: objects left to their collected controller, per kind
        "left_to_controllers": dict(sorted(dropped.items())),
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
    }
    return Inventory(sorted(assets, key=lambda a: a.ref), errors=lister.errors,
                     metadata=metadata)
