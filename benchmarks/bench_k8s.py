"""Kubernetes manifest throughput: generated workloads loaded by the manifest adapter and
assessed by the real engine with the built-in catalog.

`--objects` workload objects (default 5,000: Deployments, StatefulSets, DaemonSets, CronJobs
and bare Pods, half hardened, half not, with init containers, volumes, env and probes) are
written as `--files` multi-document YAML files plus one `List`, then loaded and assessed.
CPU seconds are measured with `time.process_time` for the load and the assessment apart,
with the share of the garbage collector (the engine's findings and evidence are millions of
objects: each full collection walks them all).

    python benchmarks/bench_k8s.py
    python benchmarks/bench_k8s.py --objects 20000 --files 200
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

import yaml

from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Pod")


def _pod_spec(i: int, hardened: bool) -> dict[str, object]:
    context = ({"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]}} if hardened
               else {"privileged": i % 7 == 0, "capabilities": {"add": ["NET_ADMIN"]}})
    container = {
        "name": f"app-{i}", "image": (f"registry.example.com/team{i % 20}/app:{i % 9}.1"
                                      if hardened else f"acme/app{i % 13}:latest"),
        "ports": [{"containerPort": 8080, **({} if hardened else {"hostPort": 8080})}],
        "env": [{"name": "LOG_LEVEL", "value": "info"},
                {"name": "DB_PASSWORD", **({"valueFrom": {"secretKeyRef": {
                    "name": "db", "key": "password"}}} if hardened else {"value": "pw"})}],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}} if hardened else {},
        "securityContext": context,
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
    }
    volume = ({"name": "data", "emptyDir": {}} if hardened
              else {"name": "data", "hostPath": {"path": "/var/run/docker.sock"}})
    spec: dict[str, object] = {
        "serviceAccountName": f"sa-{i % 50}",
        "automountServiceAccountToken": not hardened,
        "initContainers": [{"name": "init", "image": "busybox:1.36",
                            "securityContext": context}],
        "containers": [container], "volumes": [volume],
    }
    if hardened:
        spec["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10001,
                                   "seccompProfile": {"type": "RuntimeDefault"}}
    else:
        spec["hostNetwork"] = i % 5 == 0
    return spec


def workload(i: int) -> dict[str, object]:
    kind = KINDS[i % len(KINDS)]
    spec = _pod_spec(i, hardened=i % 2 == 0)
    meta = {"name": f"w{i}", "namespace": f"ns{i % 40}", "labels": {"app": f"w{i}"}}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    template = {"metadata": {"labels": {"app": f"w{i}"}}, "spec": spec}
    if kind == "CronJob":
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta,
                "spec": {"schedule": "0 * * * *",
                         "jobTemplate": {"spec": {"template": template}}}}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta,
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": f"w{i}"}},
                     "template": template}}


def write_tree(root: Path, objects: int, files: int) -> list[Path]:
    paths = []
    in_list = objects // 10
    per_file = max(1, (objects - in_list) // files)
    i = 0
    for n in range(files):
        docs = [workload(i + k) for k in range(per_file)]
        i += per_file
        path = root / f"app{n:04d}.yaml"
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        paths.append(path)
    rest = [workload(k) for k in range(i, objects)]
    path = root / "dump.yaml"
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": rest},
                                   sort_keys=False))
    paths.append(path)
    return paths


def _time_gc() -> list[float]:
    """CPU seconds spent in the garbage collector from now on (a one-item list, updated)."""
    spent = [0.0]
    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            spent[0] += time.process_time() - started[0]

    gc.callbacks.append(callback)
    return spent


def main() -> None:
    from cloudwarden.iac.kubernetes import KubernetesManifestAdapter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--files", type=int, default=100)
    args = parser.parse_args()
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = write_tree(root, args.objects, args.files)
        size = sum(p.stat().st_size for p in paths)
        adapter = KubernetesManifestAdapter(root=root, kubectl=None)
        gc_seconds = _time_gc()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        claimed = [p for p in paths if adapter.claims(p, p.read_bytes()[:4096])]
        loaded = adapter.load(claimed)
        cpu1 = time.process_time()
        findings = assess(Inventory(loaded.assets), catalog)
        cpu2, wall2 = time.process_time(), time.perf_counter()
    workloads = sum(a.ref.type == "kubernetes.workload" for a in loaded.assets)
    rules = sum(s.meta.asset_type == "kubernetes.workload" for s in catalog)
    print(f"files: {len(claimed)} ({size / 1e6:.1f} MB), workload objects: {workloads}, "
          f"errors: {len(loaded.errors)}")
    total = cpu2 - cpu0
    print(f"load:   {cpu1 - cpu0:6.2f} CPU-s")
    print(f"assess: {cpu2 - cpu1:6.2f} CPU-s  ({len(findings):,} findings, {rules} workload "
          f"rules, {len(catalog)} in the catalog)")
    print(f"total:  {total:6.2f} CPU-s  ({wall2 - wall0:.2f} s wall, "
          f"{workloads / total:,.0f} objects/s, {gc_seconds[0]:.2f} CPU-s of it in the garbage "
          "collector)")


if __name__ == "__main__":
    main()
