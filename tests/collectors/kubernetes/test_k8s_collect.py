"""The live collector through the official client against the fake API server."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from tests.collectors.kubernetes.fake_apiserver import FakeApiServer, write_kubeconfig

from cloudwarden.collectors.kubernetes import K8sScanOptions, collect
from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.model import UNRESOLVED
from cloudwarden.inventory.snapshot import Inventory

#: base64 values of the recorded secrets, and their decoded sentinel
SECRET_TEXTS = ("U1VQRVJTRUNSRVRWQUxVRQ", "U0VDUkVUVkFMVUVTRUNSRVRWQUxVRQ", "ZXlKaGJHY2lPaUpT",
                "SUPERSECRETVALUE", "SECRETVALUESECRETVALUE")


def _ids(inventory: Inventory, asset_type: str) -> set[str]:
    return {a.ref.id for a in inventory.of_type(asset_type)}


def test_collects_every_kind_as_canonical_assets(kubeconfig: Path) -> None:
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    assert inv.errors == []
    assert inv.accounts() == ["kind-lab"]
    assert inv.metadata["provider"] == "kubernetes"
    assert inv.metadata["server_version"] == "v1.31.2"
    assert _ids(inv, "kubernetes.namespace") == {
        "Namespace//default", "Namespace//kube-node-lease", "Namespace//kube-public",
        "Namespace//kube-system", "Namespace//payments"}
    assert _ids(inv, "kubernetes.node") == {"Node//cp-1", "Node//worker-1"}
    # the built-in roles are live objects like any other
    assert {"ClusterRole//cluster-admin", "ClusterRole//admin", "ClusterRole//edit",
            "ClusterRole//view", "Role/default/pod-exec"} <= _ids(inv, "kubernetes.role")
    assert "ClusterRoleBinding//cluster-admin" in _ids(inv, "kubernetes.role_binding")
    assert _ids(inv, "kubernetes.network_policy") == {
        "NetworkPolicy/payments/default-deny", "NetworkPolicy/payments/api-from-anywhere"}
    assert len(inv.of_type("kubernetes.service")) == 5
    assert len(inv.of_type("kubernetes.ingress")) == 2
    assert len(inv.of_type("kubernetes.service_account")) == 7
    web = inv.get(next(a.ref for a in inv.of_type("kubernetes.service")
                       if a.ref.id == "Service/default/web"))
    assert web is not None
    assert web.properties["Type"] == "LoadBalancer"
    assert web.ref.region == "default" and web.origin == "kubernetes:api"
    node = next(a for a in inv.of_type("kubernetes.node") if a.name == "worker-1")
    assert node.properties["KubeletVersion"] == "v1.28.9"
    assert node.ref.region == ""
    payments = next(a for a in inv.of_type("kubernetes.namespace") if a.name == "payments")
    assert "kubectl.kubernetes.io/last-applied-configuration" not in payments.properties[
        "Annotations"]
    assert payments.properties["Labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_controlled_objects_are_left_to_their_controllers(kubeconfig: Path) -> None:
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    assert _ids(inv, "kubernetes.workload") == {
        "Deployment/kube-system/coredns", "Deployment/default/web",
        "DaemonSet/kube-system/kube-proxy",
        # a ReplicaSet without a Deployment is judged itself
        "ReplicaSet/payments/legacy-api",
        "CronJob/payments/report",
        # a Job not created by a CronJob
        "Job/default/db-migrate-42",
        # a bare pod, and a static pod whose controller (the Node) is not a workload
        "Pod/default/debug-shell", "Pod/kube-system/etcd-cp-1"}
    assert inv.metadata["left_to_controllers"] == {"Job": 1, "Pod": 5, "ReplicaSet": 2}
    deployment = next(a for a in inv.of_type("kubernetes.workload") if a.name == "web")
    assert deployment.properties["Containers"][0]["image"] == "ghcr.io/example/web:2.4.1"


def test_a_pod_whose_controller_list_failed_is_still_judged(apiserver: FakeApiServer,
                                                              kubeconfig: Path) -> None:
    apiserver.behaviour.forbidden = {"replicasets"}
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    pods = {a.name for a in inv.of_type("kubernetes.workload") if a.properties["Kind"] == "Pod"}
    assert {"coredns-7db6d8ff4d-8xk2p", "coredns-7db6d8ff4d-m4v9t",
            "web-5d4f8c7b9-q2w3e"} <= pods
    assert "kube-proxy-x7k2p" not in pods  # its DaemonSet was collected


def test_secrets_are_metadata_only_and_no_value_is_kept_or_logged(
        apiserver: FakeApiServer, kubeconfig: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    secrets = {a.name: a for a in inv.of_type("kubernetes.secret")}
    assert set(secrets) == {"default-token-7fkq2", "web-db", "ghcr-pull",
                            "bootstrap-token-abcdef"}
    token = secrets["default-token-7fkq2"]
    assert token.properties["Type"] == "kubernetes.io/service-account-token"
    assert token.properties["Annotations"]["kubernetes.io/service-account.name"] == "default"
    # key names are not read in the metadata-only form: unknown, by choice not by failure
    assert token.unknown["Keys"].startswith(UNRESOLVED)
    secret_calls = [r for r in apiserver.requests if r.path == "/api/v1/secrets"]
    assert secret_calls and all("as=Table" in r.accept for r in secret_calls)
    assert all(r.query.get("includeObject") == "Metadata" for r in secret_calls)
    snapshot = tmp_path / "snap.jsonl.gz"
    inv.save(snapshot)
    stored = json.dumps([a.to_dict() for a in Inventory.load(snapshot)])
    for text in SECRET_TEXTS:
        assert text not in stored
        assert text not in caplog.text


def test_partial_object_metadata_leaves_type_unknown(apiserver: FakeApiServer,
                                                      tmp_path: Path) -> None:
    """A server without the Table form for secrets answers PartialObjectMetadataList."""
    apiserver.behaviour.table_form = False
    inv = collect(K8sScanOptions(kubeconfig=write_kubeconfig(tmp_path / "kc", apiserver.url)))
    secret = next(a for a in inv.of_type("kubernetes.secret") if a.name == "web-db")
    assert set(secret.unknown) == {"Keys", "Type"}
    assert inv.errors == []


def test_a_server_ignoring_accept_never_leaks_values(apiserver: FakeApiServer,
                                                     kubeconfig: Path, tmp_path: Path) -> None:
    apiserver.behaviour.metadata_forms = False
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    secrets = {a.name: a for a in inv.of_type("kubernetes.secret")}
    assert secrets["web-db"].properties["Keys"] == ["password", "username"]
    assert secrets["web-db"].unknown == {}
    assert secrets["ghcr-pull"].properties["Immutable"] is True
    text = json.dumps([a.to_dict() for a in inv])
    for value in SECRET_TEXTS:
        assert value not in text


def test_pages_with_limit_and_continue(apiserver: FakeApiServer, kubeconfig: Path) -> None:
    apiserver.behaviour.max_page = 2
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, page_size=2))
    assert len(inv.of_type("kubernetes.namespace")) == 5
    assert len(inv.of_type("kubernetes.secret")) == 4
    pod_calls = [r for r in apiserver.requests if r.path == "/api/v1/pods"]
    assert len(pod_calls) == 4  # 7 pods, 2 a page
    assert all(r.query["limit"] == "2" for r in pod_calls)
    assert "continue" not in pod_calls[0].query and "continue" in pod_calls[-1].query


def test_forbidden_list_is_an_error_and_the_scan_goes_on(apiserver: FakeApiServer,
                                                         kubeconfig: Path) -> None:
    apiserver.behaviour.forbidden = {"secrets"}
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    (error,) = inv.errors
    assert (error.provider, error.account, error.service, error.operation) == (
        "kubernetes", "kind-lab", "secrets", "list secrets")
    assert error.reason.startswith("403 Forbidden: secrets is forbidden")
    assert inv.of_type("kubernetes.secret") == []
    assert len(inv.of_type("kubernetes.role")) > 0
    finding = error.to_finding()
    assert finding.rule_id == "collector.kubernetes.secrets"


def test_timeout_is_an_error_and_the_scan_goes_on(apiserver: FakeApiServer,
                                                  kubeconfig: Path) -> None:
    apiserver.behaviour.slow = {"ingresses": 2.0}
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, timeout=(2.0, 0.5)))
    (error,) = inv.errors
    assert error.service == "ingresses.networking.k8s.io"
    assert "timed out" in error.reason.lower()
    assert len(inv.of_type("kubernetes.network_policy")) == 2


def test_namespace_scope_lists_per_namespace(apiserver: FakeApiServer,
                                             kubeconfig: Path) -> None:
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, namespaces=("payments", "default")))
    assert {a.ref.region for a in inv.of_type("kubernetes.workload")} == {"payments",
                                                                          "default"}
    assert _ids(inv, "kubernetes.namespace") == {"Namespace//payments", "Namespace//default"}
    paths = set(apiserver.paths())
    assert "/api/v1/namespaces/payments/pods" in paths
    assert "/apis/apps/v1/namespaces/default/deployments" in paths
    assert "/api/v1/pods" not in paths and "/api/v1/namespaces" not in paths
    # cluster-scoped objects are still read: cluster role bindings grant in every namespace
    assert "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings" in paths
    assert inv.metadata["namespaces"] == ["payments", "default"]


def test_an_unknown_namespace_is_an_error(kubeconfig: Path) -> None:
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, namespaces=("nope",)))
    assert [(e.service, e.region) for e in inv.errors] == [("namespaces", "nope")]
    assert "404" in inv.errors[0].reason


def test_context_picks_the_cluster_and_names_the_account(kubeconfig: Path) -> None:
    with pytest.raises(CloudwardenError, match="cannot reach the Kubernetes API server"):
        collect(K8sScanOptions(kubeconfig=kubeconfig, context="elsewhere",
                               timeout=(0.5, 0.5)))
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, context="kind-lab",
                                 cluster="prod-eu"))
    assert inv.accounts() == ["prod-eu"]


def test_bad_credentials_and_bad_config_are_clear_errors(apiserver: FakeApiServer,
                                                         tmp_path: Path) -> None:
    bad = write_kubeconfig(tmp_path / "bad", apiserver.url, token="wrong")
    with pytest.raises(CloudwardenError, match="refused the credentials: 401"):
        collect(K8sScanOptions(kubeconfig=bad))
    with pytest.raises(CloudwardenError, match="no context 'missing'"):
        collect(K8sScanOptions(kubeconfig=bad, context="missing"))
    with pytest.raises(CloudwardenError, match="no kubeconfig found"):
        collect(K8sScanOptions(kubeconfig=tmp_path / "absent"))
    with pytest.raises(ValueError, match="max_workers"):
        collect(K8sScanOptions(kubeconfig=bad, max_workers=0))


def test_the_bearer_token_is_sent_on_every_request(apiserver: FakeApiServer,
                                                   kubeconfig: Path) -> None:
    collect(K8sScanOptions(kubeconfig=kubeconfig))
    assert apiserver.requests
    assert {r.authorization for r in apiserver.requests} == {
        f"Bearer {apiserver.behaviour.token}"}


def test_an_injected_client_is_used_and_left_open(kubeconfig: Path) -> None:
    from kubernetes.config import new_client_from_config

    client = new_client_from_config(str(kubeconfig), persist_config=False)
    try:
        inv = collect(K8sScanOptions(), client=client, account="injected")
        assert inv.accounts() == ["injected"]
        assert len(inv.of_type("kubernetes.node")) == 2
        # still usable: the caller owns it (collected again through the same client)
        again = collect(K8sScanOptions(), client=client, account="injected")
        assert len(again.of_type("kubernetes.node")) == 2
    finally:
        client.close()


def test_in_cluster_configuration_errors_are_clear(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from kubernetes.config import incluster_config

    from cloudwarden.collectors.kubernetes._connect import connect

    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.kube/config
    env = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    if Path(incluster_config.SERVICE_TOKEN_FILENAME).exists():
        pytest.skip("running inside a pod")
    # no kubeconfig and a pod's environment: the in-cluster account is tried
    with pytest.raises(CloudwardenError, match="in-cluster configuration: Service token"):
        connect(environ=env)
    with pytest.raises(CloudwardenError, match="--context names a kubeconfig context"):
        connect(context="prod", in_cluster=True, environ=env)
    with pytest.raises(CloudwardenError, match="in-cluster configuration: Service host"):
        connect(in_cluster=True, environ={})
    # outside a pod, without a kubeconfig: say where one was looked for
    with pytest.raises(CloudwardenError, match="no kubeconfig found"):
        connect(environ={})


@pytest.mark.parametrize("form", ["secrets.json", "secrets.table.json"])
def test_no_value_survives_parsing_a_secret_page(form: str) -> None:
    """Whatever form the server answers in, the parsed objects hold no value - not even in the
    last-applied-configuration annotation that `kubectl apply` fills with the whole object."""
    from tests.collectors.kubernetes.fake_apiserver import RESPONSES

    from cloudwarden.collectors.kubernetes._listing import Listed, _secret_page

    page = json.loads((RESPONSES / "api/v1" / form).read_text())
    out = Listed()
    _secret_page(page, out)
    assert len(out.objects) == 4
    kept = json.dumps([item.obj for item in out.objects])
    for text in SECRET_TEXTS:
        assert text not in kept
    assert "last-applied-configuration" not in kept


def test_a_forbidden_version_endpoint_does_not_stop_the_scan(apiserver: FakeApiServer,
                                                              kubeconfig: Path) -> None:
    apiserver.behaviour.forbidden = {"version"}
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig))
    assert inv.metadata["server_version"] is None
    assert inv.errors == [] and len(inv.of_type("kubernetes.node")) == 2


def test_an_expired_continue_token_restarts_the_list_once(apiserver: FakeApiServer,
                                                          kubeconfig: Path) -> None:
    apiserver.behaviour.expire_continue = 1
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, page_size=2, max_workers=1))
    assert inv.errors == []
    assert len(inv.of_type("kubernetes.namespace")) == 5
    # namespaces are listed first: page 1, page 2 refused (410), then pages 1-3 again
    calls = [r.query.get("continue") is not None for r in apiserver.requests
             if r.path == "/api/v1/namespaces"]
    assert calls == [False, True, False, True, True]


def test_a_token_expiring_twice_is_an_error(apiserver: FakeApiServer, kubeconfig: Path) -> None:
    apiserver.behaviour.expire_continue = 2
    inv = collect(K8sScanOptions(kubeconfig=kubeconfig, page_size=2, max_workers=1))
    (error,) = inv.errors
    assert error.reason.startswith("410")
