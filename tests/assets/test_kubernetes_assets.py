"""One pure conversion from a Kubernetes API object to its canonical asset."""

from __future__ import annotations

from typing import Any

from cloudwarden.assets import default_registry
from cloudwarden.assets.kubernetes import LAST_APPLIED, object_assets

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api", "labels": {"app": "api"},
                 "annotations": {LAST_APPLIED: '{"secret": "x"}', "team": "web"}},
    "spec": {"replicas": 3, "template": {
        "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "x"}},
        "spec": {"hostNetwork": True,
                 "initContainers": [{"name": "init", "image": "busybox"}],
                 "containers": [{"name": "a", "image": "nginx:1.25",
                                 "securityContext": {"privileged": True}}]}}},
}


def test_a_deployment_is_a_workload_with_its_pod_template() -> None:
    (asset,) = object_assets(DEPLOYMENT, account="prod", origin="kubernetes:api")
    assert asset.ref.key == "kubernetes|prod|default|kubernetes.workload|Deployment/default/api"
    props = asset.properties
    assert props["PodSpec"]["hostNetwork"] is True
    assert [(c["name"], c["containerType"]) for c in props["Containers"]] == [
        ("init", "initContainer"), ("a", "container")]
    assert props["Replicas"] == 3
    assert props["Annotations"] == {"team": "web"}  # last-applied never kept
    assert "container.apparmor.security.beta.kubernetes.io/a" in props["PodAnnotations"]
    assert set(props) <= set(default_registry()["kubernetes.workload"].fields)


def test_a_cronjob_pod_spec_is_two_templates_deep() -> None:
    cron = {"kind": "CronJob", "metadata": {"name": "c", "namespace": "ops"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "x", "image": "alpine"}]}}}}}}
    (asset,) = object_assets(cron, account="iac", origin="c.yaml:1-9", id_prefix="c.yaml:")
    assert asset.ref.region == "ops"
    assert asset.ref.id == "c.yaml:CronJob/ops/c"
    assert asset.properties["Containers"][0]["image"] == "alpine"


def test_secrets_keep_key_names_never_values() -> None:
    secret = {"kind": "Secret", "metadata": {"name": "db", "annotations": {
        LAST_APPLIED: '{"data": {"password": "aHVudGVyMg=="}}'}},
        "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}}
    (asset,) = object_assets(secret, account="prod", origin="kubernetes:api")
    assert asset.properties["Keys"] == ["password", "user"]
    assert "aHVudGVyMg" not in repr(asset.to_dict())
    assert "admin" not in repr(asset.to_dict())


def test_lists_expand_and_unknown_kinds_are_skipped() -> None:
    items = [{"kind": "Namespace", "metadata": {"name": "a"}},
             {"kind": "ConfigMap", "metadata": {"name": "b"}},
             {"kind": "ClusterRoleBinding", "metadata": {"name": "c"},
              "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
              "subjects": [{"kind": "Group", "name": "system:anonymous"}]}]
    assets = object_assets({"kind": "List", "items": items}, account="k",
                           origin=lambda o: f"f.yaml:{o['metadata']['name']}")
    assert [(a.type, a.ref.region, a.origin) for a in assets] == [
        ("kubernetes.namespace", "", "f.yaml:a"), ("kubernetes.role_binding", "", "f.yaml:c")]
    assert assets[1].properties["RoleRef"]["name"] == "cluster-admin"


def test_a_bare_pods_annotations_are_its_pod_annotations() -> None:
    pod = {"kind": "Pod", "metadata": {"name": "p", "annotations": {
        LAST_APPLIED: "{}", "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    (asset,) = object_assets(pod, account="k", origin="kubernetes:api")
    assert asset.properties["PodAnnotations"] == {
        "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}


def test_container_secrets_never_enter_the_asset() -> None:
    deployment = {"kind": "Deployment", "metadata": {"name": "api"}, "spec": {"template": {
        "spec": {"containers": [{
            "name": "api", "image": "api:1.2",
            "env": [{"name": "DB_PASSWORD", "value": "Hunter2LeakEnv"},
                    {"name": "DATABASE_URL", "value": "postgres://app:UrlLeak55@db:5432/x"},
                    {"name": "API_TOKEN", "value": "$(TOKEN_FROM_FILE)"},
                    {"name": "LOG_LEVEL", "value": "debug"},
                    {"name": "FEATURE_TOKEN_AUTH", "value": "true"},
                    {"name": "DB_PASSWORD_FILE", "valueFrom": {"secretKeyRef": {
                        "name": "db", "key": "password"}}}],
            "args": ["--password=ArgLeak777", "--token", "NextArgLeak9", "--port=8080",
                     "-v"]}]}}}}
    (asset,) = object_assets(deployment, account="k", origin="kubernetes:api")
    dump = repr(asset.to_dict())
    for secret in ("Hunter2LeakEnv", "UrlLeak55", "ArgLeak777", "NextArgLeak9"):
        assert secret not in dump
    [container] = asset.properties["Containers"]
    values = {e["name"]: e.get("value") for e in container["env"]}
    assert values["DB_PASSWORD"] == "(redacted)"  # a literal is there: rules still see it
    assert values["DATABASE_URL"] == "postgres://app:(redacted)@db:5432/x"
    assert values["API_TOKEN"] == "$(TOKEN_FROM_FILE)"  # a reference, not a secret
    assert values["LOG_LEVEL"] == "debug" and values["FEATURE_TOKEN_AUTH"] == "true"
    assert container["args"] == ["--password=(redacted)", "--token", "(redacted)",
                                 "--port=8080", "-v"]
    # the pod spec holds the same containers, redacted too
    assert asset.properties["PodSpec"]["containers"][0]["args"] == container["args"]
