"""Workload rules beyond their fixtures: parameters, the helpers they share, and the pod vs
container precedence of the Pod Security Standards on objects read from real manifests."""

from __future__ import annotations

from typing import Any

import pytest

from cloudwarden.assets.kubernetes import object_assets
from cloudwarden.checks.kubernetes_workload import (
    normalize_path,
    parse_image,
    registry_allowed,
    secret_like_env,
    sensitive_host_path,
)
from cloudwarden.core.loader import RuleSpec
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import load_catalog

CATALOG = {s.id: s for s in load_catalog() if s.id.startswith("kubernetes.workload.")}


def _spec(rule: str) -> RuleSpec:
    return CATALOG[f"kubernetes.workload.{rule}"]


def _pod(spec: dict[str, Any], kind: str = "Pod") -> Asset:
    if kind == "Pod":
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod",
                               "metadata": {"name": "p", "namespace": "ns"}, "spec": spec}
    else:
        obj = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "p"},
               "spec": {"template": {"metadata": {"annotations": {}}, "spec": spec}}}
    (asset,) = object_assets(obj, account="iac", origin="m.yaml:1-10", id_prefix="m.yaml:")
    return asset


def _status(rule: str, asset: Asset, params: dict[str, Any] | None = None) -> Status:
    engine = Engine([_spec(rule)], params={_spec(rule).id: params} if params else None)
    (finding,) = engine.assess_asset(asset, Inventory([asset]))
    return finding.status


def test_every_pss_control_has_a_rule() -> None:
    assert len(CATALOG) >= 28


# -- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("image", "registry", "repository", "tag", "digest"), [
    ("nginx", "docker.io", "library/nginx", "", ""),
    ("nginx:1.27", "docker.io", "library/nginx", "1.27", ""),
    ("docker.io/nginx:1.27", "docker.io", "library/nginx", "1.27", ""),
    ("index.docker.io/acme/app", "docker.io", "acme/app", "", ""),
    ("acme/app:2", "docker.io", "acme/app", "2", ""),
    ("ghcr.io/acme/web:1.4@sha256:ab12", "ghcr.io", "acme/web", "1.4", "sha256:ab12"),
    ("localhost:5000/x", "localhost:5000", "x", "", ""),
    ("registry.internal:5000/a/b", "registry.internal:5000", "a/b", "", ""),
    ("localhost/app:dev", "localhost", "app", "dev", ""),
])
def test_parse_image(image: str, registry: str, repository: str, tag: str, digest: str) -> None:
    ref = parse_image(image)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag,
                                                                   digest)


def test_registry_allow_list_matches_registries_and_paths() -> None:
    allowed = ["ghcr.io/acme", "registry.example.com"]
    assert registry_allowed(parse_image("ghcr.io/acme/web:1"), allowed)
    assert registry_allowed(parse_image("registry.example.com/x/y:2"), allowed)
    assert not registry_allowed(parse_image("ghcr.io/acme-evil/web:1"), allowed)
    assert not registry_allowed(parse_image("ghcr.io/other/web:1"), allowed)
    assert not registry_allowed(parse_image("nginx:1.27"), allowed)
    assert registry_allowed(parse_image("nginx:1.27"), ["docker.io/library"])


def test_image_registry_rule_with_an_allow_list() -> None:
    params = {"allowed_registries": ["ghcr.io/acme", "registry.example.com"]}
    ok = _pod({"containers": [{"name": "a", "image": "ghcr.io/acme/web:1.4.2"},
                              {"name": "b", "image": "registry.example.com/tools/b:1"}]},
              kind="Deployment")
    bad = _pod({"initContainers": [{"name": "i", "image": "docker.io/library/busybox:1.36"}],
                "containers": [{"name": "a", "image": "ghcr.io/acme/web:1.4.2"}]})
    assert _status("image_registry_allowed", ok, params) is Status.PASS
    assert _status("image_registry_allowed", bad, params) is Status.FAIL
    # without the list, only fully qualified names are asked for: both name their registry
    assert _status("image_registry_allowed", bad) is Status.PASS


def test_host_ports_allow_list_parameter() -> None:
    asset = _pod({"containers": [{"name": "a", "image": "x/y:1",
                                  "ports": [{"containerPort": 53, "hostPort": 53}]}]})
    assert _status("host_ports_disallowed", asset) is Status.FAIL
    assert _status("host_ports_disallowed", asset, {"allowed_host_ports": [53]}) is Status.PASS


# -- host paths and secrets -------------------------------------------------------------------


@pytest.mark.parametrize(("path", "sensitive"), [
    ("/var/run/docker.sock", True), ("/run/containerd/containerd.sock", True),
    ("/var/run/crio/crio.sock", True), ("/", True), ("/etc", True), ("/etc/ssl/certs", True),
    ("/proc", True), ("/var/run", True), ("/var/lib/kubelet", True), ("/var/lib/docker", True),
    ("/boot", True), ("/root", True), ("/home/admin", True), ("/var", True), ("/run", True),
    ("//var//run/../run/docker.sock", True), ("/mnt/data", False), ("/opt/app/cache", False),
    ("/srv/www", False), ("/data", False), ("/var/lib/app-data", False),
])
def test_sensitive_host_paths(path: str, sensitive: bool) -> None:
    assert (sensitive_host_path(path) is not None) is sensitive, sensitive_host_path(path)


def test_normalize_path() -> None:
    assert normalize_path("/var/../etc/./passwd") == "/etc/passwd"
    assert normalize_path("var/run/") == "/var/run"
    assert normalize_path("/../../") == "/"


def test_secret_like_env_names_only_literal_values() -> None:
    container = {"env": [
        {"name": "DB_PASSWORD", "value": "hunter2"},
        {"name": "GITHUB_TOKEN", "value": "ghp_xxx"},
        {"name": "stripe_api_key", "value": "sk_live_1"},
        {"name": "DATABASE_URL", "value": "postgres://u:p@db/app"},
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
        {"name": "TOKEN_TTL_SECONDS", "value": "3600"},
        {"name": "API_KEY", "value": "$(API_KEY_FROM_FILE)"},
        {"name": "SECRET", "value": ""},
        {"name": "LOG_LEVEL", "value": "debug"},
        {"name": "PASSPORT_URL", "value": "https://example.com"},
    ]}
    names = [name for _, name in secret_like_env(container)]
    assert names == ["DB_PASSWORD", "GITHUB_TOKEN", "stripe_api_key", "DATABASE_URL"]


def test_secret_values_never_reach_the_finding() -> None:
    asset = _pod({"containers": [{"name": "a", "image": "x/y:1",
                                  "env": [{"name": "DB_PASSWORD", "value": "hunter2-secret"}]}]})
    engine = Engine([_spec("no_secrets_in_env_values")])
    (finding,) = engine.assess_asset(asset, Inventory([asset]))
    assert finding.status is Status.FAIL
    assert "hunter2" not in repr(finding)


# -- precedence and exemptions ----------------------------------------------------------------


def test_run_as_non_root_precedence() -> None:
    pod_true = {"securityContext": {"runAsNonRoot": True},
                "containers": [{"name": "a", "image": "x/y:1"}]}
    assert _status("run_as_non_root", _pod(pod_true)) is Status.PASS
    override = {"securityContext": {"runAsNonRoot": True},
                "containers": [{"name": "a", "image": "x/y:1",
                                "securityContext": {"runAsNonRoot": False}}]}
    assert _status("run_as_non_root", _pod(override, "StatefulSet")) is Status.FAIL
    containers_true = {"initContainers": [{"name": "i", "image": "x/y:1",
                                           "securityContext": {"runAsNonRoot": True}}],
                       "containers": [{"name": "a", "image": "x/y:1",
                                       "securityContext": {"runAsNonRoot": True}}]}
    assert _status("run_as_non_root", _pod(containers_true)) is Status.PASS
    one_missing = {"initContainers": [{"name": "i", "image": "x/y:1"}],
                   "containers": [{"name": "a", "image": "x/y:1",
                                   "securityContext": {"runAsNonRoot": True}}]}
    assert _status("run_as_non_root", _pod(one_missing, "Deployment")) is Status.FAIL


def test_seccomp_precedence_and_windows_exemption() -> None:
    pod_default = {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                   "containers": [{"name": "a", "image": "x/y:1"}]}
    assert _status("seccomp_profile_restricted", _pod(pod_default, "CronJob")) is Status.PASS
    windows = {"os": {"name": "windows"}, "containers": [{"name": "a", "image": "x/y:1"}]}
    assert _status("seccomp_profile_restricted", _pod(windows)) is Status.NOT_APPLICABLE
    assert _status("seccomp_not_unconfined", _pod(windows)) is Status.PASS


def test_apparmor_annotations_of_a_bare_pod_and_of_a_template() -> None:
    annotation = {"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "annotations": annotation},
           "spec": {"containers": [{"name": "a", "image": "x/y:1"}]}}
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
              "spec": {"template": {"metadata": {"annotations": annotation},
                                    "spec": {"containers": [{"name": "a", "image": "x/y:1"}]}}}}
    for obj in (pod, deploy):
        (asset,) = object_assets(obj, account="iac", origin="m.yaml:1-5")
        assert _status("apparmor_profile_not_overridden", asset) is Status.FAIL, obj["kind"]


def test_probes_are_not_asked_of_jobs() -> None:
    job = _pod({"containers": [{"name": "a", "image": "x/y:1"}]}, kind="Job")
    assert _status("liveness_probe_configured", job) is Status.NOT_APPLICABLE
    assert _status("readiness_probe_configured", job) is Status.NOT_APPLICABLE
