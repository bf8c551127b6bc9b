"""Kubernetes workload posture as pure functions over the `kubernetes.workload` shape.

The Pod Security Standards judge fields at two levels: the pod's `securityContext` and each
container's (containers, initContainers and ephemeralContainers alike). Where the standard
says a container may leave a field unset because the pod sets it (`runAsNonRoot`, the seccomp
profile), the container's value overrides the pod's: `effective` reads it that way. Elsewhere
every field set at either level is judged on its own, as the standard (and the admission
controller that enforces it) does.

A check collects `Problem`s - the path of the offending value, the value and what was expected
- and `verdict` turns them into a result whose evidence points at each one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from cloudwarden.checks.kubernetes_pod import as_mapping, pod, shared_evidence
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = [
    "ImageRef",
    "Problem",
    "container_label",
    "containers",
    "effective",
    "is_windows",
    "parse_image",
    "pod_annotations",
    "pod_security_context",
    "probe_check",
    "security_context",
    "sensitive_host_path",
    "verdict",
    "volumes",
]

MAX_EVIDENCE = 10
#: distinct evidence tuples a rule shares between its findings (see `verdict`)
MAX_SHARED_EVIDENCE = 4096

#: A problem is the evidence of a failure: the path of the offending value, the value and what
#: was expected (`Evidence`'s own fields, so a problem is shown as it is, without a copy).
Problem = Evidence

_PASS, _FAIL = Status.PASS, Status.FAIL


def containers(asset: Asset) -> list[tuple[int, Mapping[str, Any]]]:
    """(index in `Containers`, container) of every container of the workload."""
    return pod(asset).containers


def container_label(container: Mapping[str, Any]) -> str:
    kind = container.get("containerType") or "container"
    return f"{kind} {container.get('name') or '?'}"


def pod_spec(asset: Asset) -> Mapping[str, Any]:
    return pod(asset).spec


def pod_security_context(asset: Asset) -> Mapping[str, Any]:
    return pod(asset).security_context


def volumes(asset: Asset) -> list[tuple[int, Mapping[str, Any]]]:
    items = pod_spec(asset).get("volumes")
    return [(i, v) for i, v in enumerate(items if isinstance(items, list) else [])
            if isinstance(v, Mapping)]


def is_windows(asset: Asset) -> bool:
    """A pod declared for Windows nodes (`spec.os.name: windows`): the restricted profile
    exempts it from the Linux-only controls."""
    return as_mapping(pod_spec(asset).get("os")).get("name") == "windows"


def pod_annotations(asset: Asset) -> Mapping[str, Any]:
    """The annotations of the pod: its template's for a controller, its own for a bare Pod."""
    props = asset.properties
    template = as_mapping(props.get("PodAnnotations"))
    if template or props.get("Kind") != "Pod":
        return template
    return as_mapping(props.get("Annotations"))


def security_context(container: Mapping[str, Any]) -> Mapping[str, Any]:
    """A container's own securityContext ({} when unset)."""
    return as_mapping(container.get("securityContext"))


@lru_cache(maxsize=256)
def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def field_at(context: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted path of nested mappings; None where one is missing."""
    value: Any = context
    for part in _parts(dotted):
        if type(value) is not dict and (value is None or not isinstance(value, Mapping)):
            return None
        value = value.get(part)
    return value


def effective(asset: Asset, container: Mapping[str, Any], dotted: str) -> tuple[Any, str]:
    """A security context field as it applies to one container - the container's value, else
    the pod's - with where it was read (`container` or `pod`; `unset` when neither)."""
    own = field_at(as_mapping(container.get("securityContext")), dotted)
    if own is not None:
        return own, "container"
    pod = field_at(pod_security_context(asset), dotted)
    return pod, "pod" if pod is not None else "unset"


def container_path(index: int, dotted: str) -> str:
    return f"Containers[{index}].securityContext.{dotted}"


def pod_path(dotted: str) -> str:
    return f"PodSpec.securityContext.{dotted}"


def verdict(asset: Asset, problems: Iterable[Problem], what: str,
            checked: Iterable[Problem] = (), ctx: CheckContext | None = None) -> CheckResult:
    """Failed with one piece of evidence per problem, else passed with what was checked. With
    the rule's `ctx`, equal evidence is shared between its findings."""
    found = problems if type(problems) is list else list(problems)
    kind = asset.properties.get("Kind")
    if found:
        shown = shared_evidence(ctx, tuple(found[:MAX_EVIDENCE]))
        more = f" (and {len(found) - MAX_EVIDENCE} more)" if len(found) > MAX_EVIDENCE else ""
        paths = ", ".join(p.path for p in found[:3])
        return CheckResult(_FAIL, f"{kind} {asset.name}: {what}: {paths}{more}", shown)
    evidence = tuple(checked)[:MAX_EVIDENCE]
    if not evidence:
        return CheckResult(_PASS, f"{kind} {asset.name}: no {what}",
                           _containers_checked(len(containers(asset))))
    return CheckResult(_PASS, f"{kind} {asset.name}: no {what}", shared_evidence(ctx, evidence))


@lru_cache(maxsize=64)
def _containers_checked(count: int) -> tuple[Evidence, ...]:
    """The evidence of a pass with nothing more to show: one tuple per container count."""
    return (Evidence("Containers", count, "containers checked"),)


# -- images -----------------------------------------------------------------------------------


class ImageRef(NamedTuple):
    """A container image reference split as the container runtimes read it."""

    registry: str
    repository: str
    tag: str
    digest: str

    @property
    def pinned(self) -> bool:
        return bool(self.digest)


DEFAULT_REGISTRY = "docker.io"


#: distinct strings whose parse a pure function below remembers (image references, host
#: paths, variable names repeat across the workloads of a scan)
_REMEMBERED = 4096


@lru_cache(maxsize=_REMEMBERED)
def parse_image(image: str) -> ImageRef:
    """`[registry/]repository[:tag][@digest]`. The first path part is a registry when it has a
    dot or a port, or is `localhost`; else the image is on Docker Hub (`docker.io`)."""
    rest, _, digest = image.strip().partition("@")
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), remainder
        if registry in ("index.docker.io", "registry-1.docker.io"):
            registry = DEFAULT_REGISTRY
    else:
        registry, path = DEFAULT_REGISTRY, rest
    name, colon, tag = path.rpartition(":")
    if not colon or "/" in tag:
        name, tag = path, ""
    if registry == DEFAULT_REGISTRY and "/" not in name:
        name = f"library/{name}"
    return ImageRef(registry, name, tag, digest)


def registry_allowed(ref: ImageRef, allowed: Iterable[str]) -> bool:
    """`allowed` entries are registries (`ghcr.io`) or registry paths (`ghcr.io/acme`)."""
    full = f"{ref.registry}/{ref.repository}"
    for entry in allowed:
        entry = entry.strip().rstrip("/").lower()
        if entry and (ref.registry == entry or full.startswith(entry + "/")):
            return True
    return False


# -- host paths -------------------------------------------------------------------------------

#: Container runtime and node-agent sockets: whoever holds one controls every container of
#: the node.
RUNTIME_SOCKETS = tuple(sorted({
    "/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock", "/var/run/dockershim.sock",
    "/run/k3s/containerd/containerd.sock", "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
}))
#: Directories whose contents (or any part of them) give away the node: credentials, the
#: kubelet's keys and pods' secrets, the runtimes' state, the kernel's interfaces, boot.
SENSITIVE_DIRS = tuple(sorted({
    "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/home/admin",
    "/var/run", "/run", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd",
    "/var/lib/crio", "/var/lib/etcd", "/etc/kubernetes", "/var/lib/rancher", "/var/log",
    "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/lib", "/usr/lib", "/var/lib/cni", "/opt/cni",
}))


def normalize_path(path: str) -> str:
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


@lru_cache(maxsize=_REMEMBERED)
def sensitive_host_path(path: str) -> str | None:
    """Why a host path is sensitive, or None. A path is sensitive when it is a runtime socket,
    a sensitive directory or inside one, or a parent of either (mounting `/var` exposes
    `/var/run/docker.sock`)."""
    norm = normalize_path(path)
    if norm in RUNTIME_SOCKETS:
        return "container runtime socket"
    if norm == "/":
        return "the host's root file system"
    for sock in RUNTIME_SOCKETS:
        if sock.startswith(norm + "/"):
            return f"contains the container runtime socket {sock}"
    for directory in SENSITIVE_DIRS:
        if norm == directory:
            return "sensitive host directory"
        if norm.startswith(directory + "/"):
            return f"inside the sensitive host directory {directory}"
        if directory.startswith(norm + "/"):
            return f"contains the sensitive host directory {directory}"
    return None


# -- secrets in env ---------------------------------------------------------------------------

SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|"
    r"CLIENT_?SECRET|CREDENTIALS?|AUTH|CONN(ECTION)?_?STRING|DSN|SAS)($|_)",
    re.IGNORECASE)
#: names that are a secret as a whole (a URL or connection string with credentials in it)
SECRET_WHOLE = re.compile(r"(^|_)(DATABASE_URL|DB_URL|CONN(ECTION)?_?STRING|DSN)$",
                          re.IGNORECASE)
#: a secret word followed by one of these names a setting about the secret, not the secret
#: (TOKEN_TTL_SECONDS, PASSWORD_FILE, AWS_ACCESS_KEY_ID)
NOT_SECRET_SUFFIX = re.compile(
    r"_(FILE|PATH|DIR|TTL|SECONDS|MINUTES|HOURS|TIMEOUT|LENGTH|SIZE|ENABLED|NAME|TYPE|HEADER|"
    r"URL|URI|ISSUER|AUDIENCE|ENDPOINT|HOST|PORT|USER|USERNAME|EXPIRY|EXPIRATION|PROVIDER|MODE|"
    r"LOCATION|REF|ID)$", re.IGNORECASE)
#: values that are references or placeholders, not secrets
PLACEHOLDER = re.compile(r"^(\$\(.*\)|\$\{.*\}|<.*>|changeme|true|false|none|null|\*+|-)$",
                         re.IGNORECASE)


@lru_cache(maxsize=_REMEMBERED)
def secret_like_name(name: str) -> bool:
    if SECRET_WHOLE.search(name):
        return True
    return SECRET_NAME.search(name) is not None and NOT_SECRET_SUFFIX.search(name) is None


def secret_like_env(container: Mapping[str, Any]) -> Iterator[tuple[int, str]]:
    """(index, name) of the env entries with a secret-like name and a literal value."""
    env = container.get("env")
    for i, entry in enumerate(env if isinstance(env, list) else []):
        if not isinstance(entry, Mapping):
            continue
        name, value = entry.get("name"), entry.get("value")
        if not isinstance(name, str) or not secret_like_name(name):
            continue
        if isinstance(value, str) and value.strip() and not PLACEHOLDER.match(value.strip()):
            yield i, name


def each_container(asset: Asset,
                   judge: Callable[[int, Mapping[str, Any]], Iterable[Problem]]
                   ) -> list[Problem]:
    return [p for i, c in containers(asset) for p in judge(i, c)]


def probe_check(asset: Asset, probe: str, ctx: CheckContext | None = None) -> CheckResult:
    """Regular containers (init and ephemeral ones take no probes) without `probe`."""
    problems: list[Problem] = []
    checked: list[Problem] = []
    for i, container in containers(asset):
        if container.get("containerType", "container") != "container":
            continue
        defined = container.get(probe) is not None
        (checked if defined else problems).append(
            Problem(f"Containers[{i}].{probe}", defined, "defined"))
    return verdict(asset, problems, f"container without a {probe}", checked, ctx)
