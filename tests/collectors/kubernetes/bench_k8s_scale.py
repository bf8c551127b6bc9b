"""Scale check (not a test): a generated cluster - by default 300 namespaces x 20
deployments, each with a ReplicaSet and 3 pods, a service and a TLS secret - served by the
fake API server, collected through the official client in pages of 500, then assessed with
the built-in catalog. Run from the repository root:

    python tests/collectors/kubernetes/bench_k8s_scale.py [namespaces] [deployments]
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.collectors.kubernetes.fake_apiserver import (
    FakeApiServer,
    _load,
    write_kubeconfig,
)

from cloudwarden.collectors.kubernetes import K8sScanOptions, collect
from cloudwarden.engine import Engine
from cloudwarden.service.scan import assess, load_catalog

RBAC = "apis/rbac.authorization.k8s.io/v1"


def _recorded(relative: str) -> dict[str, Any]:
    found = _load(relative)
    assert found is not None, relative
    return found


def generate(namespaces: int, deployments: int) -> dict[str, dict[str, Any]]:
    dep_t = _recorded("apis/apps/v1/deployments.json")["items"][1]
    rs_t = _recorded("apis/apps/v1/replicasets.json")["items"][1]
    pod_t = _recorded("api/v1/pods.json")["items"][4]
    lists: dict[str, list[Any]] = defaultdict(list)
    rows: list[Any] = []
    for n in range(namespaces):
        ns = f"team-{n}"
        lists["api/v1/namespaces.json"].append({"metadata": {"name": ns, "uid": f"ns-{n}"},
                                                "status": {"phase": "Active"}})
        lists["api/v1/serviceaccounts.json"].append(
            {"metadata": {"name": "default", "namespace": ns, "uid": f"sa-{n}"}})
        lists[f"{RBAC}/roles.json"].append(
            {"metadata": {"name": "dev", "namespace": ns, "uid": f"r-{n}"},
             "rules": [{"apiGroups": [""], "resources": ["pods", "pods/exec", "secrets"],
                        "verbs": ["get", "list", "create"]}]})
        lists[f"{RBAC}/rolebindings.json"].append(
            {"metadata": {"name": "dev", "namespace": ns, "uid": f"rb-{n}"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                         "name": "dev"},
             "subjects": [{"kind": "Group", "name": f"{ns}-devs"}]})
        if n % 2:
            lists["apis/networking.k8s.io/v1/networkpolicies.json"].append(
                {"metadata": {"name": "deny", "namespace": ns, "uid": f"np-{n}"},
                 "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})
        for d in range(deployments):
            name = f"app-{d}"
            dep = copy.deepcopy(dep_t)
            dep["metadata"].update(name=name, namespace=ns, uid=f"d-{n}-{d}")
            rs = copy.deepcopy(rs_t)
            rs["metadata"].update(name=f"{name}-x", namespace=ns, uid=f"rs-{n}-{d}")
            rs["metadata"]["ownerReferences"][0]["uid"] = f"d-{n}-{d}"
            lists["apis/apps/v1/deployments.json"].append(dep)
            lists["apis/apps/v1/replicasets.json"].append(rs)
            lists["api/v1/services.json"].append(
                {"metadata": {"name": name, "namespace": ns, "uid": f"s-{n}-{d}"},
                 "spec": {"type": "ClusterIP", "ports": [{"port": 80}]}})
            rows.append({"cells": [f"{name}-tls", "kubernetes.io/tls", 2, "1d"],
                         "object": {"kind": "PartialObjectMetadata",
                                    "apiVersion": "meta.k8s.io/v1",
                                    "metadata": {"name": f"{name}-tls", "namespace": ns,
                                                 "uid": f"sec-{n}-{d}"}}})
            for p in range(3):
                pod = copy.deepcopy(pod_t)
                pod["metadata"].update(name=f"{name}-x-{p}", namespace=ns,
                                       uid=f"p-{n}-{d}-{p}")
                pod["metadata"]["ownerReferences"][0]["uid"] = f"rs-{n}-{d}"
                lists["api/v1/pods.json"].append(pod)
    out = {path: {**_recorded(path), "items": items} for path, items in lists.items()}
    out["api/v1/secrets.table.json"] = {**_recorded("api/v1/secrets.table.json"), "rows": rows}
    return out


def main(namespaces: int = 300, deployments: int = 20) -> None:
    responses = generate(namespaces, deployments)
    served = sum(len(r.get("items", r.get("rows", []))) for r in responses.values())
    server = FakeApiServer(responses=responses).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_kubeconfig(Path(tmp) / "kubeconfig", server.url)
            t0 = time.perf_counter()
            inventory = collect(K8sScanOptions(kubeconfig=config))
            collected = time.perf_counter() - t0
    finally:
        server.stop()
    specs = load_catalog()
    t1 = time.perf_counter()
    findings = assess(inventory, specs)
    assessed = time.perf_counter() - t1
    print(f"served {served:,} objects -> {len(inventory):,} assets "
          f"(left to controllers: {inventory.metadata['left_to_controllers']}), "
          f"{len(inventory.errors)} errors")
    print(f"collect: {collected:.2f} s wall (the fake server runs in this process)")
    print(f"assess, whole catalog ({len(specs)} rules): {assessed:.2f} s, "
          f"{len(findings):,} findings")
    for service in ("rbac", "network", "cluster"):
        group = [s for s in specs if s.meta.provider == "kubernetes"
                 and s.meta.service == service]
        t2 = time.perf_counter()
        count = sum(1 for _ in Engine(group).assess(inventory))
        print(f"  kubernetes.{service}: {len(group)} rules, {count:,} findings, "
              f"{time.perf_counter() - t2:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
