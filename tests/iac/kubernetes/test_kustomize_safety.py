"""Kustomizations are rendered only when rendering reads nothing outside the scan and fetches
nothing; what is not rendered is not judged as written (its patches would change it)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from cloudwarden.core.model import Status
from cloudwarden.iac.kubernetes import KubernetesManifestAdapter
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {template: {spec: {containers: [{name: web, securityContext: {privileged: true}}]}}}
"""


def write(root: Path, files: dict[str, str]) -> list[Path]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return sorted(root.rglob("*.yaml"))


def spy_kubectl(tmp_path: Path) -> tuple[str, Path]:
    """A kubectl that records that it ran (and renders nothing)."""
    marker = tmp_path / "kubectl-ran"
    script = tmp_path / "bin" / "kubectl"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport pathlib\n"
                      f"pathlib.Path({str(marker)!r}).write_text('ran')\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script), marker


def test_a_remote_base_is_never_fetched(tmp_path: Path) -> None:
    scan = tmp_path / "scan"
    paths = write(scan, {"app/kustomization.yaml":
                         "resources:\n  - https://example.com/pod.yaml\n  - deployment.yaml\n",
                         "app/deployment.yaml": DEPLOYMENT})
    kubectl, ran = spy_kubectl(tmp_path)
    loaded = KubernetesManifestAdapter(root=scan, kubectl=kubectl, roots=(scan,)).load(paths)
    assert not ran.exists()
    [error] = loaded.errors
    assert "remote or outside the scanned directories" in error.message


def test_a_base_outside_the_scanned_directory_is_never_read(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere", {"pod.yaml": DEPLOYMENT})
    scan = tmp_path / "scan"
    paths = write(scan, {"app/kustomization.yaml": "resources: [../../elsewhere]\n"})
    kubectl, ran = spy_kubectl(tmp_path)
    loaded = KubernetesManifestAdapter(root=scan, kubectl=kubectl, roots=(scan,)).load(paths)
    assert not ran.exists()
    assert loaded.assets == [] and len(loaded.errors) == 1


def test_an_unrendered_kustomizations_objects_are_not_judged_as_written(
        tmp_path: Path) -> None:
    """Without kubectl the privileged patch cannot be applied: the Deployment must not pass
    the privileged-containers rule on the strength of its unpatched text."""
    paths = write(tmp_path, {"app/kustomization.yaml":
                             "resources: [deployment.yaml]\npatches: [{path: priv.yaml}]\n",
                             "app/deployment.yaml": DEPLOYMENT, "app/priv.yaml": PATCH})
    loaded = KubernetesManifestAdapter(root=tmp_path, kubectl="no-such-kubectl").load(paths)
    [asset] = loaded.assets
    assert "PodSpec" in asset.unknown and "not rendered" in asset.unknown["PodSpec"]
    specs = [s for s in load_catalog()
             if s.id == "kubernetes.workload.privileged_containers_disallowed"]
    [finding] = assess(Inventory([asset]), specs)
    assert finding.status is Status.NOT_APPLICABLE
