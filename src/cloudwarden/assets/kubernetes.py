"""Canonical document shapes of Kubernetes asset types, and the conversion of an API object.

A manifest *is* an API object, so the live collector (`collectors/kubernetes`) and the manifest
adapter (`iac/kubernetes`) share one pure conversion, `object_assets`: the same object gives
the same asset whichever way it was read. Field names follow the API (camelCase inside specs);
the top-level fields are ours, in the PascalCase of the other canonical shapes.

References: provider `kubernetes`, account = the cluster (its kubeconfig context name, or
`iac` for manifests), region = the namespace (`""` for cluster-scoped objects), id =
`Kind/namespace/name` (prefixed `file:` for manifests).

Secret *values* never enter an asset: a Secret keeps its key names only; literal environment
values of secret-like names, secret command-line values and URL passwords in containers become
`(redacted)`; and every object loses the `kubectl.kubernetes.io/last-applied-configuration`
annotation (which repeats the whole object, secret data included) and `managedFields`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cloudwarden.assets.schema import AssetType, F
from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.core.secretnames import secret_like

__all__ = ["ALL", "KIND_TYPES", "WORKLOAD_KINDS", "object_assets"]

PROVIDER = "kubernetes"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_META = {
    "Kind": F("str", "the API kind", nullable=False),
    "ApiVersion": F("str", "the API version, e.g. apps/v1"),
    "Name": F("str", "metadata.name", nullable=False),
    "Namespace": F("str", "metadata.namespace; null for cluster-scoped objects"),
    "Labels": F("dict", "metadata.labels"),
    "Annotations": F("dict", "metadata.annotations (last-applied-configuration removed)"),
}

#: Kinds whose pod template is judged like a pod. A pod owned by one of them is the
#: controller's business: the live collector reports the controller, not each replica.
WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                            "ReplicationController", "Job", "CronJob"})

WORKLOAD = AssetType(
    name="kubernetes.workload",
    provider=PROVIDER,
    title="Kubernetes workload (pod or pod controller)",
    id_field="Name",
    fields={
        **_META,
        "OwnerKind": F("str", "kind of the controlling owner (metadata.ownerReferences), null "
                       "when none"),
        "Replicas": F("int", "spec.replicas, null for kinds without it"),
        "PodSpec": F("dict", "the pod spec (a Pod's spec, a controller's spec.template.spec, a "
                     "CronJob's spec.jobTemplate.spec.template.spec), as in the API"),
        "PodAnnotations": F("dict", "annotations of the pod (template) metadata"),
        "Containers": F("list", "every container of PodSpec - containers, initContainers and "
                        "ephemeralContainers - as in the API, each with `containerType`: "
                        "container, initContainer or ephemeralContainer"),
        "Containers[].containerType": F("str", "container, initContainer or "
                                        "ephemeralContainer"),
        "Containers[].name": F("str", "container name"),
        "Containers[].image": F("str", "image reference"),
        "Containers[].securityContext": F("dict", "the container's securityContext"),
        "Containers[].ports": F("list", "[{containerPort, hostPort, protocol}]"),
        "Containers[].env": F("list", "[{name, value, valueFrom}]"),
        "Containers[].resources": F("dict", "{limits, requests}"),
        "Containers[].volumeMounts": F("list", "[{name, mountPath, readOnly}]"),
    },
)

ROLE = AssetType(
    name="kubernetes.role",
    provider=PROVIDER,
    title="Kubernetes Role or ClusterRole",
    id_field="Name",
    fields={
        **_META,
        "Rules": F("list", "[{apiGroups, resources, verbs, resourceNames, nonResourceURLs}]"),
        "Rules[].apiGroups": F("list[str]", "API groups; '' is the core group, '*' all"),
        "Rules[].resources": F("list[str]", "resources, with subresources as pods/exec"),
        "Rules[].verbs": F("list[str]", "verbs, '*' for all"),
        "Rules[].resourceNames": F("list[str]", "names the rule is restricted to"),
        "Rules[].nonResourceURLs": F("list[str]", "non-resource URLs (ClusterRole only)"),
        "AggregationRule": F("dict", "ClusterRole aggregationRule, null when none"),
    },
)

ROLE_BINDING = AssetType(
    name="kubernetes.role_binding",
    provider=PROVIDER,
    title="Kubernetes RoleBinding or ClusterRoleBinding",
    id_field="Name",
    fields={
        **_META,
        "RoleRef": F("dict", "{apiGroup, kind: Role|ClusterRole, name}"),
        "RoleRef.kind": F("str", "Role or ClusterRole"),
        "RoleRef.name": F("str", "name of the bound role"),
        "Subjects": F("list", "[{kind: User|Group|ServiceAccount, name, namespace, apiGroup}]"),
        "Subjects[].kind": F("str", "User, Group or ServiceAccount"),
        "Subjects[].name": F("str", "subject name, e.g. system:anonymous"),
        "Subjects[].namespace": F("str", "service account namespace"),
    },
)

SERVICE_ACCOUNT = AssetType(
    name="kubernetes.service_account",
    provider=PROVIDER,
    title="Kubernetes service account",
    id_field="Name",
    fields={
        **_META,
        "AutomountServiceAccountToken": F("bool", "automountServiceAccountToken; null when "
                                          "unset (the API default is to mount)"),
        "Secrets": F("list", "[{name}] token secrets listed on the account"),
        "ImagePullSecrets": F("list", "[{name}]"),
    },
)

NETWORK_POLICY = AssetType(
    name="kubernetes.network_policy",
    provider=PROVIDER,
    title="Kubernetes network policy",
    id_field="Name",
    fields={
        **_META,
        "PodSelector": F("dict", "spec.podSelector; {} selects every pod of the namespace"),
        "PolicyTypes": F("list[str]", "Ingress and/or Egress"),
        "Ingress": F("list", "spec.ingress rules, null when none"),
        "Egress": F("list", "spec.egress rules, null when none"),
    },
)

NAMESPACE = AssetType(
    name="kubernetes.namespace",
    provider=PROVIDER,
    title="Kubernetes namespace",
    id_field="Name",
    fields={
        **_META,
        "Phase": F("str", "status.phase (live only)"),
        "NetworkPolicies": F("list[str]", "never filled: the namespace's policies are joined "
                             "from the inventory; marked unknown when listing them failed, so "
                             "a rule on them reports the failure, not a missing policy"),
    },
)

SERVICE = AssetType(
    name="kubernetes.service",
    provider=PROVIDER,
    title="Kubernetes service",
    id_field="Name",
    fields={
        **_META,
        "Type": F("str", "ClusterIP (the default), NodePort, LoadBalancer or ExternalName"),
        "Ports": F("list", "[{name, port, targetPort, nodePort, protocol}]"),
        "Selector": F("dict", "pod selector"),
        "ExternalIPs": F("list[str]", "spec.externalIPs"),
        "LoadBalancerSourceRanges": F("list[str]", "CIDRs allowed to reach a LoadBalancer"),
        "ExternalTrafficPolicy": F("str", "Cluster or Local"),
        "ExternalName": F("str", "spec.externalName"),
    },
)

INGRESS = AssetType(
    name="kubernetes.ingress",
    provider=PROVIDER,
    title="Kubernetes ingress",
    id_field="Name",
    fields={
        **_META,
        "IngressClassName": F("str", "spec.ingressClassName"),
        "Rules": F("list", "spec.rules [{host, http: {paths}}]"),
        "Tls": F("list", "spec.tls [{hosts, secretName}], null when none"),
        "DefaultBackend": F("dict", "spec.defaultBackend"),
    },
)

SECRET = AssetType(
    name="kubernetes.secret",
    provider=PROVIDER,
    title="Kubernetes secret (metadata only, never values)",
    id_field="Name",
    fields={
        **_META,
        "Type": F("str", "e.g. Opaque, kubernetes.io/service-account-token"),
        "Keys": F("list[str]", "names of the keys of data and stringData (values are never "
                  "read)"),
        "Immutable": F("bool", "immutable"),
    },
)

NODE = AssetType(
    name="kubernetes.node",
    provider=PROVIDER,
    title="Kubernetes node",
    id_field="Name",
    fields={
        **_META,
        "KubeletVersion": F("str", "status.nodeInfo.kubeletVersion"),
        "ContainerRuntimeVersion": F("str", "status.nodeInfo.containerRuntimeVersion"),
        "OsImage": F("str", "status.nodeInfo.osImage"),
        "KernelVersion": F("str", "status.nodeInfo.kernelVersion"),
        "Addresses": F("list", "status.addresses [{type, address}]"),
        "Taints": F("list", "spec.taints"),
        "Unschedulable": F("bool", "spec.unschedulable"),
        "PodCIDR": F("str", "spec.podCIDR"),
    },
)

ALL: tuple[AssetType, ...] = (WORKLOAD, ROLE, ROLE_BINDING, SERVICE_ACCOUNT, NETWORK_POLICY,
                              NAMESPACE, SERVICE, INGRESS, SECRET, NODE)

#: kind -> asset type name
KIND_TYPES: dict[str, str] = {
    **dict.fromkeys(WORKLOAD_KINDS, WORKLOAD.name),
    "Role": ROLE.name,
    "ClusterRole": ROLE.name,
    "RoleBinding": ROLE_BINDING.name,
    "ClusterRoleBinding": ROLE_BINDING.name,
    "ServiceAccount": SERVICE_ACCOUNT.name,
    "NetworkPolicy": NETWORK_POLICY.name,
    "Namespace": NAMESPACE.name,
    "Service": SERVICE.name,
    "Ingress": INGRESS.name,
    "Secret": SECRET.name,
    "Node": NODE.name,
}

_CLUSTER_SCOPED = frozenset({"ClusterRole", "ClusterRoleBinding", "Namespace", "Node"})


def _dict(value: Any) -> dict[str, Any]:
    # exact dicts and None first: an ABC isinstance check costs ten times more
    if type(value) is dict:
        return dict(value)
    return dict(value) if value is not None and isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _pod_template(kind: str, spec: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pod spec, pod metadata) of a workload object's spec."""
    if kind == "Pod":
        return dict(spec), {}
    if kind == "CronJob":
        spec = _dict(_dict(spec.get("jobTemplate")).get("spec"))
    template = _dict(spec.get("template"))
    return _dict(template.get("spec")), _dict(template.get("metadata"))


_CONTAINER_LISTS = (("initContainers", "initContainer"), ("containers", "container"),
                    ("ephemeralContainers", "ephemeralContainer"))
#: literal values that are not secrets, kept as written: references, placeholders, flags, numbers
_HARMLESS = re.compile(r"^(?:\$\(.*\)|\$\{.*\}|<.*>|true|false|yes|no|on|off|none|null|\*+|-|"
                       r"[0-9.]+)$", re.IGNORECASE)
#: `scheme://user:password@host`: the password part
_URL_PASSWORD = re.compile(r"(?<=://)([^/@:\s]*):([^/@\s]+)@")
REDACTED = "(redacted)"


def _redacted_value(name: str, value: Any) -> Any:
    if not isinstance(value, str) or not value.strip() or _HARMLESS.match(value.strip()):
        return value
    if secret_like([name]):
        return REDACTED
    return _URL_PASSWORD.sub(rf"\1:{REDACTED}@", value)


def _redacted_args(args: Any) -> Any:
    """Command-line arguments with the values of secret-like flags (`--password=x`,
    `--token x`) and URL passwords replaced."""
    if not isinstance(args, list):
        return args
    out: list[Any] = []
    secret_next = False
    for arg in args:
        if not isinstance(arg, str):
            out.append(arg)
            secret_next = False
            continue
        flag, eq, value = arg.partition("=")
        if secret_next and not arg.startswith("-"):
            out.append(_redacted_value("SECRET", arg))
        elif eq and flag.startswith("-"):
            out.append(f"{flag}={_redacted_value(flag.lstrip('-').replace('-', '_'), value)}")
        else:
            out.append(_URL_PASSWORD.sub(rf"\1:{REDACTED}@", arg))
        secret_next = not eq and arg.startswith("-") and bool(
            secret_like([arg.lstrip("-").replace("-", "_")]))
    return out


def _redacted_container(container: Mapping[str, Any]) -> dict[str, Any]:
    """A container without secret values: literal env values of secret-like names, secret
    command-line values and URL passwords become `(redacted)` (the rules that flag them need
    to know a literal is there, never what it is)."""
    out = dict(container)
    env = container.get("env")
    if isinstance(env, list):
        out["env"] = [{**e, "value": _redacted_value(str(e.get("name", "")), e["value"])}
                      if isinstance(e, Mapping) and "value" in e else e for e in env]
    for key in ("args", "command"):
        if key in container:
            out[key] = _redacted_args(container[key])
    return out


def _without_secrets(pod_spec: dict[str, Any]) -> dict[str, Any]:
    for key, _ in _CONTAINER_LISTS:
        containers = pod_spec.get(key)
        if isinstance(containers, list):
            pod_spec[key] = [_redacted_container(c) if isinstance(c, Mapping) else c
                             for c in containers]
    return pod_spec


def _containers(pod_spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, kind in _CONTAINER_LISTS:
        for container in _list(pod_spec.get(key)):
            if type(container) is dict or isinstance(container, Mapping):
                out.append({**container, "containerType": kind})
    return out


def _kind_fields(kind: str, obj: Mapping[str, Any]) -> dict[str, Any]:
    spec = _dict(obj.get("spec"))
    if kind in WORKLOAD_KINDS:
        pod_spec, pod_meta = _pod_template(kind, spec)
        pod_spec = _without_secrets(pod_spec)
        owners = [o for o in _list(_dict(obj.get("metadata")).get("ownerReferences"))
                  if isinstance(o, Mapping) and o.get("controller")]
        if kind == "Pod":  # a bare pod's own metadata is its pod metadata
            pod_meta = _dict(obj.get("metadata"))
        pod_annotations = {str(k): str(v) for k, v in _dict(pod_meta.get("annotations")).items()
                           if k != LAST_APPLIED}
        return {"OwnerKind": owners[0].get("kind") if owners else None,
                "Replicas": spec.get("replicas"),
                "PodSpec": pod_spec,
                "PodAnnotations": pod_annotations,
                "Containers": _containers(pod_spec)}
    if kind in ("Role", "ClusterRole"):
        return {"Rules": _list(obj.get("rules")), "AggregationRule": obj.get("aggregationRule")}
    if kind in ("RoleBinding", "ClusterRoleBinding"):
        return {"RoleRef": _dict(obj.get("roleRef")), "Subjects": _list(obj.get("subjects"))}
    if kind == "ServiceAccount":
        return {"AutomountServiceAccountToken": obj.get("automountServiceAccountToken"),
                "Secrets": _list(obj.get("secrets")),
                "ImagePullSecrets": _list(obj.get("imagePullSecrets"))}
    if kind == "NetworkPolicy":
        return {"PodSelector": _dict(spec.get("podSelector")),
                "PolicyTypes": _list(spec.get("policyTypes")),
                "Ingress": spec.get("ingress"), "Egress": spec.get("egress")}
    if kind == "Namespace":
        return {"Phase": _dict(obj.get("status")).get("phase")}
    if kind == "Service":
        return {"Type": spec.get("type") or "ClusterIP", "Ports": _list(spec.get("ports")),
                "Selector": _dict(spec.get("selector")),
                "ExternalIPs": _list(spec.get("externalIPs")),
                "LoadBalancerSourceRanges": _list(spec.get("loadBalancerSourceRanges")),
                "ExternalTrafficPolicy": spec.get("externalTrafficPolicy"),
                "ExternalName": spec.get("externalName")}
    if kind == "Ingress":
        return {"IngressClassName": spec.get("ingressClassName"),
                "Rules": _list(spec.get("rules")), "Tls": spec.get("tls"),
                "DefaultBackend": spec.get("defaultBackend")}
    if kind == "Secret":
        keys = [*_dict(obj.get("data")), *_dict(obj.get("stringData"))]
        return {"Type": obj.get("type") or "Opaque", "Keys": sorted(set(map(str, keys))),
                "Immutable": obj.get("immutable")}
    if kind == "Node":
        status = _dict(obj.get("status"))
        info = _dict(status.get("nodeInfo"))
        return {"KubeletVersion": info.get("kubeletVersion"),
                "ContainerRuntimeVersion": info.get("containerRuntimeVersion"),
                "OsImage": info.get("osImage"), "KernelVersion": info.get("kernelVersion"),
                "Addresses": _list(status.get("addresses")), "Taints": _list(spec.get("taints")),
                "Unschedulable": spec.get("unschedulable"), "PodCIDR": spec.get("podCIDR")}
    raise KeyError(kind)


Origin = str | Callable[[Mapping[str, Any]], str]


def object_assets(obj: Mapping[str, Any], *, account: str, origin: Origin,
                  id_prefix: str = "", default_namespace: str = "default") -> list[Asset]:
    """The asset(s) of one API object: one for a kind we model, none for another kind (the
    caller counts those), the items of a `List`. `origin` is the asset origin or a function
    of the object giving it (so each item of a List gets its own lines). `id_prefix` (e.g.
    `deploy.yaml:`) keeps ids unique across manifest files; a namespaced object without a
    namespace is in `default_namespace`, as `kubectl apply` would put it."""
    kind = obj.get("kind")
    if kind == "List" or (isinstance(kind, str) and kind.endswith("List")
                          and isinstance(obj.get("items"), list)):
        out: list[Asset] = []
        for item in _list(obj.get("items")):
            if isinstance(item, Mapping):
                out.extend(object_assets(item, account=account, origin=origin,
                                         id_prefix=id_prefix,
                                         default_namespace=default_namespace))
        return out
    if not isinstance(kind, str) or kind not in KIND_TYPES:
        return []
    metadata = _dict(obj.get("metadata"))
    name = str(metadata.get("name") or metadata.get("generateName") or "")
    namespace = None if kind in _CLUSTER_SCOPED else str(
        metadata.get("namespace") or default_namespace)
    annotations = {str(k): str(v) for k, v in _dict(metadata.get("annotations")).items()
                   if k != LAST_APPLIED}
    labels = {str(k): str(v) for k, v in _dict(metadata.get("labels")).items()}
    props: dict[str, Any] = {
        "Kind": kind,
        "ApiVersion": obj.get("apiVersion"),
        "Name": name,
        "Namespace": namespace,
        "Labels": labels,
        "Annotations": annotations,
        **_kind_fields(kind, obj),
    }
    ref = AssetRef(PROVIDER, account, namespace or "", KIND_TYPES[kind],
                   f"{id_prefix}{kind}/{namespace or ''}/{name}")
    where = origin if isinstance(origin, str) else origin(obj)
    return [Asset(ref, name, props, tags=labels, origin=where)]
