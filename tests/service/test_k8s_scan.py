"""run_k8s_scan end to end: the fake API server, the built-in catalog, the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.collectors.kubernetes.fake_apiserver import Behaviour, FakeApiServer, write_kubeconfig

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.model import Status
from cloudwarden.service.k8s import run_k8s_scan
from cloudwarden.service.scan import ScanOutcome


@pytest.fixture
def server() -> Iterator[FakeApiServer]:
    fake = FakeApiServer(Behaviour()).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def kubeconfig(server: FakeApiServer, tmp_path: Path) -> Path:
    return write_kubeconfig(tmp_path / "kubeconfig", server.url, context="lab")


def _status(outcome: ScanOutcome, rule_id: str, asset_id: str) -> Status:
    found = [f.status for f in outcome.findings
             if f.rule_id == rule_id and f.asset.id == asset_id]
    assert len(found) == 1, (rule_id, asset_id, found)
    return found[0]


def test_scan_judges_the_recorded_cluster(kubeconfig: Path) -> None:
    outcome = run_k8s_scan(kubeconfig=kubeconfig, store=False)
    assert outcome.metadata["provider"] == "kubernetes"
    assert outcome.metadata["accounts"] == ["lab"]
    expected = {
        ("kubernetes.rbac.binding_not_cluster_admin", "ClusterRoleBinding//ci-deployer-admin"):
            Status.FAIL,
        ("kubernetes.rbac.binding_not_cluster_admin", "ClusterRoleBinding//cluster-admin"):
            Status.PASS,
        ("kubernetes.rbac.binding_no_anonymous_or_all_authenticated",
         "ClusterRoleBinding//anonymous-view"): Status.FAIL,
        ("kubernetes.rbac.binding_no_anonymous_or_all_authenticated",
         "ClusterRoleBinding//system:public-info-viewer"): Status.PASS,
        ("kubernetes.rbac.binding_not_to_default_service_account",
         "RoleBinding/default/default-edit"): Status.FAIL,
        ("kubernetes.rbac.role_no_secret_read", "ClusterRole//secret-reader"): Status.FAIL,
        ("kubernetes.rbac.role_no_secret_read", "ClusterRole//admin"): Status.NOT_APPLICABLE,
        ("kubernetes.rbac.role_no_wildcard", "ClusterRole//cluster-admin"):
            Status.NOT_APPLICABLE,
        ("kubernetes.rbac.role_no_nodes_proxy", "ClusterRole//node-debugger"): Status.FAIL,
        ("kubernetes.rbac.role_no_csr_approval", "ClusterRole//node-debugger"): Status.FAIL,
        ("kubernetes.rbac.role_no_webhook_config_change", "ClusterRole//node-debugger"):
            Status.FAIL,
        ("kubernetes.rbac.role_no_pod_exec_attach", "Role/default/pod-exec"): Status.FAIL,
        ("kubernetes.rbac.role_no_pod_exec_attach", "Role/kube-system/kube-proxy"):
            Status.PASS,
        ("kubernetes.rbac.default_service_account_token_not_mounted",
         "Deployment/default/web"): Status.FAIL,
        ("kubernetes.rbac.default_service_account_token_not_mounted",
         "Job/default/db-migrate-42"): Status.FAIL,
        ("kubernetes.rbac.default_service_account_token_not_mounted",
         "Deployment/kube-system/coredns"): Status.PASS,
        ("kubernetes.network.namespace_has_network_policy", "Namespace//payments"): Status.PASS,
        ("kubernetes.network.namespace_has_network_policy", "Namespace//default"): Status.FAIL,
        ("kubernetes.network.namespace_has_network_policy", "Namespace//kube-public"):
            Status.NOT_APPLICABLE,
        ("kubernetes.network.policy_no_ingress_from_anywhere",
         "NetworkPolicy/payments/api-from-anywhere"): Status.PASS,
        ("kubernetes.network.load_balancer_source_ranges_restricted", "Service/default/web"):
            Status.FAIL,
        ("kubernetes.network.load_balancer_source_ranges_restricted", "Service/payments/api"):
            Status.PASS,
        ("kubernetes.network.service_not_node_port", "Service/default/debug"): Status.FAIL,
        ("kubernetes.network.service_no_external_ips", "Service/default/debug"): Status.FAIL,
        ("kubernetes.network.ingress_tls_configured", "Ingress/default/web"): Status.FAIL,
        ("kubernetes.network.ingress_tls_configured", "Ingress/payments/api"): Status.PASS,
        ("kubernetes.cluster.namespace_pod_security_enforced", "Namespace//payments"):
            Status.PASS,
        ("kubernetes.cluster.namespace_pod_security_enforced", "Namespace//default"):
            Status.FAIL,
        ("kubernetes.cluster.node_kubelet_version_supported", "Node//worker-1"): Status.FAIL,
        ("kubernetes.cluster.secret_not_legacy_service_account_token",
         "Secret/default/default-token-7fkq2"): Status.FAIL,
        ("kubernetes.cluster.secret_not_legacy_service_account_token",
         "Secret/default/web-db"): Status.PASS,
        ("kubernetes.cluster.workload_not_in_default_namespace", "Pod/default/debug-shell"):
            Status.FAIL,
    }
    assert {key: _status(outcome, *key) for key in expected} == expected
    assert not [f for f in outcome.findings if f.status is Status.ERROR]


def test_forbidden_secrets_are_an_error_finding(server: FakeApiServer,
                                                kubeconfig: Path) -> None:
    server.behaviour.forbidden = {"secrets"}
    outcome = run_k8s_scan(kubeconfig=kubeconfig, store=False)
    errors = [f for f in outcome.findings if f.status is Status.ERROR]
    assert [(f.rule_id, f.asset.account) for f in errors] == [
        ("collector.kubernetes.secrets", "lab")]
    assert "403 Forbidden" in errors[0].message
    assert any(f.rule_id.startswith("kubernetes.rbac.") for f in outcome.findings)


def test_store_and_reassess_from_snapshot(kubeconfig: Path, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'cw.db'}"
    snapshot = tmp_path / "cluster.jsonl.gz"
    live = run_k8s_scan(kubeconfig=kubeconfig, namespace="payments", db_url=db_url,
                        save_snapshot=snapshot)
    assert live.scan_id is not None
    assert {f.asset.region for f in live.findings} <= {"payments", ""}
    offline = run_k8s_scan(from_snapshot=snapshot, store=False)
    key = sorted((f.rule_id, f.asset.key, f.status) for f in live.findings)
    assert sorted((f.rule_id, f.asset.key, f.status) for f in offline.findings) == key


def test_bad_options_fail_before_any_call(server: FakeApiServer, kubeconfig: Path) -> None:
    with pytest.raises(ValueError, match="namespace"):
        run_k8s_scan(kubeconfig=kubeconfig, namespace=" ", store=False)
    with pytest.raises(CloudwardenError, match="no context 'prod'"):
        run_k8s_scan(kubeconfig=kubeconfig, context="prod", store=False)
    assert server.requests == []


def test_namespaces_are_not_judged_without_their_policies(server: FakeApiServer,
                                                          kubeconfig: Path) -> None:
    """Network policies that cannot be listed: no namespace is said to lack one."""
    server.behaviour.forbidden = {"networkpolicies"}
    outcome = run_k8s_scan(kubeconfig=kubeconfig, store=False)
    judged = [f for f in outcome.findings
              if f.rule_id == "kubernetes.network.namespace_has_network_policy"]
    statuses = {f.asset.id: f.status for f in judged}
    assert statuses["Namespace//payments"] is Status.ERROR  # not FAIL: nothing was seen
    assert Status.FAIL not in statuses.values()
    assert all("list networkpolicies" in f.message and "forbidden" in f.message.lower()
               for f in judged if f.status is Status.ERROR)
