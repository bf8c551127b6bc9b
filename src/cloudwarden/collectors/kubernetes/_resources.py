"""The API resources the collector lists: where each lives and whether it is namespaced.

List responses of the API server leave `kind` and `apiVersion` off their items; the table
gives them back, so every collected object is API-shaped before `object_assets` sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RESOURCES", "Resource"]


@dataclass(frozen=True, slots=True)
class Resource:
    kind: str
    #: `v1` for the core group, else `group/version`
    api_version: str
    plural: str
    namespaced: bool

    @property
    def _prefix(self) -> str:
        return "/api/v1" if self.api_version == "v1" else f"/apis/{self.api_version}"

    def path(self, namespace: str | None = None) -> str:
        """The list path: cluster-wide (all namespaces) or within one namespace."""
        if namespace is not None and self.namespaced:
            return f"{self._prefix}/namespaces/{namespace}/{self.plural}"
        return f"{self._prefix}/{self.plural}"

    @property
    def label(self) -> str:
        """How errors name the resource: `pods`, `deployments.apps`, ..."""
        group = self.api_version.rsplit("/", 1)[0] if "/" in self.api_version else ""
        return f"{self.plural}.{group}" if group else self.plural


_CORE, _APPS, _BATCH = "v1", "apps/v1", "batch/v1"
_RBAC, _NET = "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1"

RESOURCES: tuple[Resource, ...] = (
    Resource("Namespace", _CORE, "namespaces", namespaced=False),
    Resource("Node", _CORE, "nodes", namespaced=False),
    Resource("Pod", _CORE, "pods", namespaced=True),
    Resource("ReplicationController", _CORE, "replicationcontrollers", namespaced=True),
    Resource("ServiceAccount", _CORE, "serviceaccounts", namespaced=True),
    Resource("Service", _CORE, "services", namespaced=True),
    Resource("Secret", _CORE, "secrets", namespaced=True),
    Resource("Deployment", _APPS, "deployments", namespaced=True),
    Resource("StatefulSet", _APPS, "statefulsets", namespaced=True),
    Resource("DaemonSet", _APPS, "daemonsets", namespaced=True),
    Resource("ReplicaSet", _APPS, "replicasets", namespaced=True),
    Resource("Job", _BATCH, "jobs", namespaced=True),
    Resource("CronJob", _BATCH, "cronjobs", namespaced=True),
    Resource("Role", _RBAC, "roles", namespaced=True),
    Resource("RoleBinding", _RBAC, "rolebindings", namespaced=True),
    Resource("ClusterRole", _RBAC, "clusterroles", namespaced=False),
    Resource("ClusterRoleBinding", _RBAC, "clusterrolebindings", namespaced=False),
    Resource("NetworkPolicy", _NET, "networkpolicies", namespaced=True),
    Resource("Ingress", _NET, "ingresses", namespaced=True),
)
