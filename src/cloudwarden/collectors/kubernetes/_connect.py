"""Connecting to a cluster: a kubeconfig context or the pod's in-cluster service account.

Nothing here talks to the API server; `connect` only reads configuration and builds an
`ApiClient` (the kubeconfig is never written back: token refreshes stay in memory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import urllib3
from kubernetes.client import ApiClient, Configuration
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.incluster_config import (
    SERVICE_CERT_FILENAME,
    SERVICE_HOST_ENV_NAME,
    SERVICE_TOKEN_FILENAME,
    InClusterConfigLoader,
)
from kubernetes.config.kube_config import (
    KUBE_CONFIG_DEFAULT_LOCATION,
    list_kube_config_contexts,
    load_kube_config,
)

from cloudwarden.core.errors import CloudwardenError

__all__ = ["IN_CLUSTER", "Connection", "connect"]

#: The account name of an in-cluster scan when no cluster name is given.
IN_CLUSTER = "in-cluster"


@dataclass(frozen=True)
class Connection:
    client: ApiClient
    #: the account every asset is filed under: the context name (or the given cluster name)
    account: str
    context: str | None
    server: str


def _retries() -> urllib3.Retry:
    # Throttling and gateway errors are retried with backoff, honouring Retry-After; a read
    # timeout is not (a list that timed out once is recorded and the scan goes on).
    return urllib3.Retry(total=3, connect=2, read=0, status=3, backoff_factor=0.5,
                         status_forcelist=(429, 502, 503, 504), allowed_methods=("GET",),
                         raise_on_status=False, respect_retry_after_header=True)


def _kubeconfig_files(kubeconfig: str | Path | None, env: dict[str, str]) -> str:
    if kubeconfig is not None:
        return str(kubeconfig)
    return env.get("KUBECONFIG") or os.path.expanduser(KUBE_CONFIG_DEFAULT_LOCATION)


def _has_kubeconfig(files: str) -> bool:
    return any(Path(os.path.expanduser(p)).is_file() for p in files.split(os.pathsep) if p)


def connect(*, kubeconfig: str | Path | None = None, context: str | None = None,
            in_cluster: bool | None = None, cluster: str | None = None,
            environ: dict[str, str] | None = None) -> Connection:
    """An API client for the cluster to scan.

    `in_cluster=None` picks: the kubeconfig (`kubeconfig`, else $KUBECONFIG, else
    ~/.kube/config) when there is one or a context is named, else the in-cluster service
    account when running in a pod. Raises CloudwardenError with a clear reason when neither
    works (no file, unknown context, bad credentials section)."""
    env = dict(os.environ) if environ is None else environ
    files = _kubeconfig_files(kubeconfig, env)
    if in_cluster is None:
        in_cluster = (kubeconfig is None and context is None and not _has_kubeconfig(files)
                      and SERVICE_HOST_ENV_NAME in env)
    config = Configuration()
    if in_cluster:
        if context is not None:
            raise CloudwardenError("--context names a kubeconfig context; it cannot be used "
                                   "with the in-cluster configuration")
        try:
            InClusterConfigLoader(SERVICE_TOKEN_FILENAME, SERVICE_CERT_FILENAME,
                                  environ=env).load_and_set(config)
        except ConfigException as exc:
            raise CloudwardenError(f"cannot use the in-cluster configuration: {exc}") from exc
        account, active = cluster or IN_CLUSTER, None
    else:
        if not _has_kubeconfig(files):
            raise CloudwardenError(f"no kubeconfig found at {files}; pass --kubeconfig, set "
                                   "KUBECONFIG, or run inside the cluster")
        try:
            contexts, current = list_kube_config_contexts(files)
            names = [str(c.get("name")) for c in contexts or []]
            active = context or (current or {}).get("name")
            if not active:
                raise CloudwardenError(f"the kubeconfig {files} sets no current context; "
                                       f"pass --context (one of: {', '.join(names) or 'none'})")
            if active not in names:
                raise CloudwardenError(f"no context {active!r} in the kubeconfig {files}; "
                                       f"its contexts are: {', '.join(names) or 'none'}")
            load_kube_config(config_file=files, context=active, client_configuration=config,
                             persist_config=False)
        except (ConfigException, OSError, ValueError, TypeError, KeyError) as exc:
            raise CloudwardenError(f"cannot load the kubeconfig {files}: {exc}") from exc
        account = cluster or str(active)
    config.retries = _retries()
    client = ApiClient(configuration=config)
    client.user_agent = "cloudwarden"
    return Connection(client, account, active, str(config.host))


