"""Code to cloud: the manifests a team applied and the objects the live collector reads back
from the API server become the same assets, and the same rules judge them the same way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.collectors.kubernetes.fake_apiserver import Behaviour, FakeApiServer, write_kubeconfig

from cloudwarden.collectors.kubernetes import K8sScanOptions, collect
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.kubernetes import KubernetesManifestAdapter
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import load_catalog

# What was applied: the recorded cluster's objects as their authors wrote them (no status,
# no server-set metadata).
APPLIED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:2.4.1
          ports: [{containerPort: 8080, protocol: TCP}]
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: web-db, key: password}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  type: LoadBalancer
  selector: {app: web}
  externalTrafficPolicy: Cluster
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-exec, namespace: default}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list]}
  - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-deployer-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ci-deployer, namespace: default}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-anywhere, namespace: payments}
spec:
  podSelector: {matchLabels: {app: legacy-api}}
  policyTypes: [Ingress]
  ingress:
    - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
      ports: [{protocol: TCP, port: 8443}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""

#: fields the API server adds to or fills in (annotations of controllers, the node ports it
#: allocates to a LoadBalancer service) that a manifest leaves out
SERVER_SET = {"Annotations", "PodAnnotations", "Labels", "Ports"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inventory]:
    server = FakeApiServer(Behaviour()).start()
    try:
        config = write_kubeconfig(tmp_path_factory.mktemp("kube") / "config", server.url)
        yield collect(K8sScanOptions(kubeconfig=config))
    finally:
        server.stop()


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> list[Asset]:
    root = tmp_path_factory.mktemp("manifests")
    (root / "app.yaml").write_text(APPLIED, encoding="utf-8")
    loaded = KubernetesManifestAdapter(root=root, kubectl=None).load([root / "app.yaml"])
    assert loaded.errors == []
    return loaded.assets


def _pairs(live: Inventory, applied: list[Asset]) -> list[tuple[Asset, Asset]]:
    by_key = {(a.type, a.properties["Kind"], a.properties["Namespace"], a.name): a
              for a in live}
    pairs = [(by_key[(a.type, a.properties["Kind"], a.properties["Namespace"], a.name)], a)
             for a in applied]
    assert len(pairs) == 6
    return pairs


def test_same_object_same_document(live: Inventory, applied: list[Asset]) -> None:
    for from_api, from_code in _pairs(live, applied):
        assert from_code.ref.id.endswith(from_api.ref.id)  # file-prefixed in code
        assert from_api.ref.region == from_code.ref.region
        for field, value in from_code.properties.items():
            if field not in SERVER_SET:
                assert from_api.properties[field] == value, (from_api.ref.id, field)


def test_same_object_same_verdicts(live: Inventory, applied: list[Asset]) -> None:
    specs = [s for s in load_catalog() if s.meta.provider == "kubernetes"
             and s.meta.service in ("rbac", "network", "cluster")]
    engine = Engine(specs)
    code = Inventory(applied)
    compared = 0
    for from_api, from_code in _pairs(live, applied):
        api_results = {f.rule_id: f.status for f in engine.assess_asset(from_api, live)}
        code_results = {f.rule_id: f.status for f in engine.assess_asset(from_code, code)}
        # the cross-resource default service account rule sees the live accounts only
        api_results.pop("kubernetes.rbac.default_service_account_token_not_mounted", None)
        code_results.pop("kubernetes.rbac.default_service_account_token_not_mounted", None)
        assert api_results == code_results, from_api.ref.id
        compared += sum(s in (Status.PASS, Status.FAIL) for s in api_results.values())
    assert compared >= 15
