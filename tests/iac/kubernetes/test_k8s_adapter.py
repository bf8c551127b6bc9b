"""The manifest adapter: what it claims, what it makes of each kind of input, and the clear
errors of hostile or broken input."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from cloudwarden.iac import IAC_ACCOUNT, MAX_FILE_BYTES, Location
from cloudwarden.iac.kubernetes import KubernetesManifestAdapter, looks_like_manifest

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"secret": "x"}'
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def _load(tmp_path: Path, files: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    adapter = KubernetesManifestAdapter(root=tmp_path, **kwargs)  # type: ignore[arg-type]
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    claimed = [p for p in paths if adapter.claims(p, p.read_bytes()[:4096])]
    return adapter, adapter.load(claimed)


# -- claims -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("head", "claimed"), [
    (b"apiVersion: v1\nkind: Pod\n", True),
    (b"# Source: app/templates/svc.yaml\n---\nkind: Service\napiVersion: v1\n", True),
    (b'{"apiVersion": "v1", "kind": "List", "items": []}', True),
    (b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n", False),
    (b"apiVersion: v1\nkind: ConfigMap\ndata:\n  x: |\n    {{- include \"x\" . | nindent 4 }}\n",
     False),
    (b"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n"
     b"  - rules:\n    - annotations:\n        summary: 'Pod {{ $labels.pod }} is down'\n", True),
    (b"apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n", True),  # kubectl get -o yaml
    (b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  kind: x\n", False),
    (b"Resources:\n  B:\n    Type: AWS::S3::Bucket\napiVersion: x\nkind: y\n", False),
    (b"name: my-chart\nversion: 1.0.0\napiVersion: v2\n", False),  # Chart.yaml
    (b"replicaCount: 2\nimage:\n  repository: nginx\n", False),  # values.yaml
])
def test_claims_from_the_first_bytes(head: bytes, claimed: bool) -> None:
    assert looks_like_manifest(head) is claimed


def test_claims_by_extension_and_skips_helm_chart_templates(tmp_path: Path) -> None:
    adapter = KubernetesManifestAdapter()
    head = b"apiVersion: v1\nkind: ConfigMap\n"
    assert adapter.claims(tmp_path / "cm.yaml", head)
    assert adapter.claims(tmp_path / "cm.JSON", b'{"apiVersion": "v1", "kind": "ConfigMap"}')
    assert not adapter.claims(tmp_path / "cm.txt", head)
    assert adapter.claims(tmp_path / "kustomization.yaml", b"resources: [a.yaml]\n")
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    assert not adapter.claims(chart / "templates" / "cm.yaml", head)


# -- what is loaded ---------------------------------------------------------------------------


def test_a_deployment_becomes_a_workload_asset(tmp_path: Path) -> None:
    _, loaded = _load(tmp_path, {"deploy.yaml": DEPLOYMENT})
    assert loaded.errors == [] and loaded.files == ["deploy.yaml"]
    (asset,) = loaded.assets
    assert asset.ref.account == IAC_ACCOUNT and asset.ref.region == "shop"
    assert asset.ref.type == "kubernetes.workload"
    assert asset.ref.id == "deploy.yaml:Deployment/shop/web"
    assert asset.origin == "deploy.yaml:1-14"
    assert asset.properties["Replicas"] == 2
    assert asset.properties["Containers"][0]["image"] == "nginx:1.27"
    assert asset.properties["Annotations"] == {}  # last-applied never enters an asset


def test_multi_document_stream_keeps_each_documents_lines(tmp_path: Path) -> None:
    text = ("# Source: shop/templates/sa.yaml\n"
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
            "\n---\n# Source: shop/templates/deploy.yaml\n" + DEPLOYMENT
            + "---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n")
    _, loaded = _load(tmp_path, {"all.yaml": text})
    assert loaded.errors == []
    by_kind = {a.properties["Kind"]: a for a in loaded.assets}
    assert set(by_kind) == {"ServiceAccount", "Deployment"}  # ConfigMap: a kind not modelled
    assert by_kind["ServiceAccount"].origin == "all.yaml:2-5"
    assert Location.parse(by_kind["Deployment"].origin) == Location("all.yaml", 9, 22)
    assert by_kind["ServiceAccount"].ref.region == "default"


def test_list_items_get_their_own_lines(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: a
    spec:
      containers:
      - name: a
        image: busybox:1.36
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: b, namespace: ops}
"""
    _, loaded = _load(tmp_path, {"list.yaml": text})
    origins = {a.name: a.origin for a in loaded.assets}
    assert origins == {"a": "list.yaml:4-11", "b": "list.yaml:12-14"}


def test_json_manifests_including_tab_indented_json(tmp_path: Path) -> None:
    obj = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
         "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}]}
    _, loaded = _load(tmp_path, {"pods.json": json.dumps(obj, indent=2),
                                 "tabs.json": json.dumps(obj, indent="\t")})
    assert loaded.errors == []
    assert sorted(a.ref.id for a in loaded.assets) == ["pods.json:Pod/default/p",
                                                       "tabs.json:Pod/default/p"]


def test_a_broken_document_costs_only_itself(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: one}\n"
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad\n"
            "---\n- a\n- list\n"
            "---\nkind: Pod\nmetadata: {name: no-api-version}\n"
            "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: two}\n")
    _, loaded = _load(tmp_path, {"mixed.yaml": text})
    assert sorted(a.name for a in loaded.assets) == ["one", "two"]
    errors = sorted((e.line, e.message) for e in loaded.errors)
    assert [line for line, _ in errors] == [8, 9, 12]
    assert "invalid YAML" in errors[0][1]
    assert "not a Kubernetes object" in errors[1][1]
    assert "apiVersion and kind" in errors[2][1]
    assert all(e.path == "mixed.yaml" for e in loaded.errors)


def test_an_alias_bomb_is_refused_with_its_line(tmp_path: Path) -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}", "data:",
             '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"  {name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ok}\n---\n" + "\n".join(lines)
    _, loaded = _load(tmp_path, {"bomb.yaml": text})
    assert [a.name for a in loaded.assets] == ["ok"]
    (error,) = loaded.errors
    assert "alias bomb" in error.message and error.line >= 5


def test_a_helm_chart_source_gets_a_hint(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n"
            "  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\n")
    adapter = KubernetesManifestAdapter(root=tmp_path)
    (tmp_path / "sa.yaml").write_text(text)
    (error,) = adapter.load([tmp_path / "sa.yaml"]).errors
    assert "helm template" in error.message


def test_deeply_nested_json_is_a_clear_error(tmp_path: Path) -> None:
    depth = 100_000
    text = '{"apiVersion": "v1", "kind": "Pod", "x": ' + "[" * depth + "]" * depth + "}"
    _, loaded = _load(tmp_path, {"deep.json": text})
    (error,) = loaded.errors
    assert loaded.assets == []
    assert "nested too deeply" in error.message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.write(b"apiVersion: v1\nkind: ConfigMap\n")
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    adapter = KubernetesManifestAdapter(root=tmp_path)
    (error,) = adapter.load([path]).errors
    assert "byte limit" in error.message and error.path == "huge.yaml"


def test_binary_and_non_utf8_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"apiVersion: v1\nkind: Pod\n\0\0\0")
    (tmp_path / "latin.yaml").write_bytes(b"apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n")
    adapter = KubernetesManifestAdapter(root=tmp_path)
    loaded = adapter.load([tmp_path / "bin.yaml", tmp_path / "latin.yaml"])
    messages = {e.path: e for e in loaded.errors}
    assert "binary" in messages["bin.yaml"].message
    assert "UTF-8" in messages["latin.yaml"].message and messages["latin.yaml"].line == 3


# -- kustomize --------------------------------------------------------------------------------

KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
namePrefix: prod-
resources:
  - deployment.yaml
patches:
  - path: host-network.yaml
"""
BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      hostNetwork: true
"""
KUSTOMIZE_FILES = {"app/kustomization.yaml": KUSTOMIZATION, "app/deployment.yaml": BASE,
                   "app/host-network.yaml": PATCH}


def _fake_kubectl(tmp_path: Path, output: str, exit_code: int = 0) -> str:
    """A stand-in `kubectl` that checks its arguments and prints `output`."""
    script = tmp_path / "bin" / "kubectl"
    script.parent.mkdir(exist_ok=True)
    (tmp_path / "bin" / "out.yaml").write_text(output)
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        "assert sys.argv[1] == 'kustomize' and pathlib.Path(sys.argv[2]).is_dir(), sys.argv\n"
        f"sys.stdout.write(pathlib.Path({str(tmp_path / 'bin' / 'out.yaml')!r}).read_text())\n"
        f"sys.stderr.write('error: accumulating resources: boom\\n')\n"
        f"sys.exit({exit_code})\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


RENDERED = BASE.replace("name: web\nspec:", "name: prod-web\n  namespace: shop\nspec:").replace(
    "    spec:\n      containers:", "    spec:\n      hostNetwork: true\n      containers:")


def test_kustomization_is_rendered_and_points_back_at_its_sources(tmp_path: Path) -> None:
    kubectl = _fake_kubectl(tmp_path, RENDERED)
    adapter, loaded = _load(tmp_path, KUSTOMIZE_FILES, kubectl=kubectl)
    assert loaded.errors == [] and adapter.notes == []
    assert sorted(loaded.files) == ["app/deployment.yaml", "app/host-network.yaml",
                                    "app/kustomization.yaml"]
    (asset,) = loaded.assets  # the patch and the base are not read on their own
    assert asset.ref.id == "app/kustomization.yaml:Deployment/shop/prod-web"
    assert asset.properties["PodSpec"]["hostNetwork"] is True
    assert asset.origin == "app/deployment.yaml:1-12"


@pytest.mark.skipif(not any(Path(d, "kubectl").is_file()
                            for d in os.environ.get("PATH", "").split(os.pathsep)),
                    reason="kubectl is not installed")
def test_kustomization_with_the_real_kubectl(tmp_path: Path) -> None:
    _, loaded = _load(tmp_path, KUSTOMIZE_FILES)
    assert loaded.errors == []
    (asset,) = loaded.assets
    assert asset.name == "prod-web" and asset.properties["PodSpec"]["hostNetwork"] is True


def test_without_kubectl_the_files_are_read_plainly_and_noted(tmp_path: Path) -> None:
    adapter, loaded = _load(tmp_path, KUSTOMIZE_FILES, kubectl="no-such-kubectl-binary")
    assert loaded.errors == []
    (asset,) = loaded.assets
    assert asset.ref.id == "app/deployment.yaml:Deployment/default/web"
    assert "hostNetwork" not in asset.properties["PodSpec"]  # the patch is left out
    (note,) = adapter.notes
    assert "kubectl not found" in note and "app/kustomization.yaml" in note


def test_a_failing_kustomize_is_an_error_and_the_files_are_read_plainly(
        tmp_path: Path) -> None:
    kubectl = _fake_kubectl(tmp_path, "", exit_code=1)
    _, loaded = _load(tmp_path, KUSTOMIZE_FILES, kubectl=kubectl)
    (error,) = loaded.errors
    assert error.path == "app/kustomization.yaml"
    assert "kubectl kustomize failed" in error.message and "boom" in error.message
    assert [a.ref.id for a in loaded.assets] == ["app/deployment.yaml:Deployment/default/web"]


def test_kustomize_output_of_a_base_directory_points_at_the_base(tmp_path: Path) -> None:
    files = {"base/kustomization.yaml": "resources: [deployment.yaml]\n",
             "base/deployment.yaml": BASE,
             "overlay/kustomization.yaml": "namePrefix: prod-\nresources: [../base]\n"}
    kubectl = _fake_kubectl(tmp_path, RENDERED)
    _, loaded = _load(tmp_path, files, kubectl=kubectl)
    origins = sorted(a.origin for a in loaded.assets)
    assert origins == ["base/deployment.yaml:1-12", "base/deployment.yaml:1-12"]


def test_a_hanging_kustomize_times_out(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "kubectl"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    _, loaded = _load(tmp_path, KUSTOMIZE_FILES, kubectl=str(script), timeout=0.5)
    (error,) = loaded.errors
    assert "timed out" in error.message
