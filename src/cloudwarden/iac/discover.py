"""Which files each IaC adapter reads: the adapter registry and the directory walk.

The registry is explicit and lazy: it names, per framework, the module and factory of its
adapter, and nothing is imported until a scan asks for that framework (the Terraform reader
pulls in tree-sitter, the manifest reader the Kubernetes models). The walk skips tool caches
and dependency trees (`.git`, `.terraform`, `node_modules`, `.venv`, ...), never follows a
symlink out of the directory it was given, and hands every file to each adapter that claims it
from its name and first 4 KiB: one file may be read by several adapters (the secrets scanner
reads every text file the others read too).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.iac import Adapter, IacError

__all__ = [
    "ADAPTERS",
    "HEAD_BYTES",
    "SKIPPED_DIRS",
    "AdapterOptions",
    "AdapterSpec",
    "Discovery",
    "IacUsageError",
    "claim",
    "discover",
    "list_files",
    "make_adapters",
    "parse_frameworks",
]

#: How much of a file `Adapter.claims` sees.
HEAD_BYTES = 4096
#: Directories never walked: VCS data, tool caches and vendored dependencies, whose files are
#: not the code under review (a `.terraform` directory holds downloaded copies of modules).
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".terraform", ".terragrunt-cache", "node_modules", ".venv", "venv",
    "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".serverless",
    "cdk.out",
})


class IacUsageError(CloudwardenError):
    """The scan was asked for something that cannot be: an unknown framework, a missing path."""


@dataclass(frozen=True, slots=True)
class AdapterOptions:
    """What a scan passes to the adapters that take options (Terraform: variable values)."""

    var_files: tuple[Path, ...] = ()
    variables: Mapping[str, str] = field(default_factory=dict)
    #: the directories the user asked to scan: what a module source or a `file()` call may
    #: read (nothing outside them is ever read)
    roots: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class AdapterSpec:
    """One framework of the registry. `build` imports the adapter's module when called, never
    before: the registry itself costs nothing at start-up."""

    name: str
    build: Callable[[AdapterOptions], Adapter]
    description: str


def _register(*specs: AdapterSpec) -> dict[str, AdapterSpec]:
    out: dict[str, AdapterSpec] = {}
    for spec in specs:
        if spec.name in out:
            raise ValueError(f"duplicate IaC adapter {spec.name!r}")
        out[spec.name] = spec
    return out


def _terraform(options: AdapterOptions) -> Adapter:
    from cloudwarden.iac.terraform.adapter import TerraformAdapter

    return TerraformAdapter(options)


def _cloudformation(options: AdapterOptions) -> Adapter:
    from cloudwarden.iac.cloudformation.adapter import CloudFormationAdapter

    # `--var NAME=VALUE` gives template parameters their values, as it gives Terraform its
    # variables; templates keep their paths as given, like every adapter's origins
    return CloudFormationAdapter(parameters=options.variables)


def _kubernetes(options: AdapterOptions) -> Adapter:
    from cloudwarden.iac.kubernetes import KubernetesManifestAdapter

    return KubernetesManifestAdapter(roots=tuple(options.roots))


def _dockerfile(options: AdapterOptions) -> Adapter:
    from cloudwarden.iac.dockerfile import DockerfileAdapter

    return DockerfileAdapter()


def _secrets(options: AdapterOptions) -> Adapter:
    from cloudwarden.iac.secrets import SecretsAdapter

    return SecretsAdapter()


#: framework name -> its adapter. Order is the order of the report's summary.
ADAPTERS: dict[str, AdapterSpec] = _register(
    AdapterSpec("terraform", _terraform,
                "Terraform: .tf and .tf.json trees (variables, modules) and plan JSON"),
    AdapterSpec("cloudformation", _cloudformation, "AWS CloudFormation templates (YAML/JSON)"),
    AdapterSpec("kubernetes", _kubernetes,
                "Kubernetes manifests (YAML/JSON, multi-document, List, kustomize, Helm output)"),
    AdapterSpec("dockerfile", _dockerfile, "Dockerfiles and Containerfiles, one asset per stage"),
    AdapterSpec("secrets", _secrets, "secrets in configuration, IaC and script files"),
)


def parse_frameworks(names: Iterable[str] | None,
                     registry: Mapping[str, AdapterSpec] | None = None) -> list[str]:
    """The framework names asked for, in registry order; every one when `names` is None or
    empty. An unknown name is an `IacUsageError` listing the valid ones."""
    registry = ADAPTERS if registry is None else registry
    asked = [n.strip().lower() for n in names or () if n.strip()]
    if not asked:
        return list(registry)
    unknown = sorted({n for n in asked if n not in registry})
    if unknown:
        valid = ", ".join(registry) or "(none installed)"
        raise IacUsageError(f"unknown framework {', '.join(map(repr, unknown))}; "
                            f"expected one of {valid}")
    return [n for n in registry if n in asked]


def make_adapters(names: Iterable[str] | None, options: AdapterOptions | None = None,
                  registry: Mapping[str, AdapterSpec] | None = None) -> list[Adapter]:
    """Build the adapters of the frameworks asked for (see `parse_frameworks`)."""
    registry = ADAPTERS if registry is None else registry
    options = options or AdapterOptions()
    return [registry[name].build(options) for name in parse_frameworks(names, registry)]


@dataclass
class Discovery:
    """The outcome of the walk: per adapter name, the files it claimed, in walk order."""

    claimed: dict[str, list[Path]]
    #: files looked at (claimed or not)
    seen: int = 0
    #: files that could not be opened (permissions, vanished); each is also an error
    errors: list[IacError] = field(default_factory=list)

    @property
    def files(self) -> int:
        """Distinct files claimed by at least one adapter."""
        return len({p for paths in self.claimed.values() for p in paths})


def list_files(paths: Sequence[Path]) -> list[Path]:
    """The files under `paths` (files or directories), each once, in walk order.

    A path given explicitly is kept even if its directory would be skipped; a missing path is
    an `IacUsageError`. Directories are walked in sorted order, so that reports are stable
    from run to run."""
    out: list[Path] = []
    visited: set[Path] = set()
    for root in paths:
        if not root.exists():
            raise IacUsageError(f"no such file or directory: {root}")
        for path in [root] if root.is_file() else _walk(root):
            key = path.resolve()
            if key not in visited:  # the same file named twice (overlapping arguments)
                visited.add(key)
                out.append(path)
    return out


def claim(files: Sequence[Path], adapters: Sequence[Adapter]) -> Discovery:
    """Give each adapter the files it claims from their name and first `HEAD_BYTES`."""
    found = Discovery(claimed={a.name: [] for a in adapters})
    for path in files:
        found.seen += 1
        head = _head(path, found)
        if head is None:
            continue
        for adapter in adapters:
            if _claims(adapter, path, head):
                found.claimed[adapter.name].append(path)
    return found


def discover(paths: Sequence[Path], adapters: Sequence[Adapter]) -> Discovery:
    """Walk `paths` and give each adapter the files it claims (`list_files` then `claim`)."""
    return claim(list_files(paths), adapters)


def _claims(adapter: Adapter, path: Path, head: bytes) -> bool:
    try:
        return bool(adapter.claims(path, head))
    except Exception:  # a claims() bug must not stop the walk; the file is simply not its
        return False


def _head(path: Path, found: Discovery) -> bytes | None:
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError as exc:
        found.errors.append(IacError("iac", str(path), f"cannot read: {exc.strerror or exc}"))
        return None


def _walk(root: Path) -> list[Path]:
    """Regular files under `root`, sorted, skipping `SKIPPED_DIRS` and any symlink (file or
    directory) that resolves outside `root`."""
    top = root.resolve()
    out: list[Path] = []
    walked: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        real = here.resolve()
        if real in walked:  # a symlink back to a directory already walked: no loop
            dirnames[:] = []
            continue
        walked.add(real)
        keep = []
        for d in sorted(dirnames):
            if d in SKIPPED_DIRS:
                continue
            sub = here / d
            if sub.is_symlink() and not _inside(sub, top):
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink() and not _inside(path, top):
                continue
            if path.is_file():
                out.append(path)
    return out


def _inside(path: Path, top: Path) -> bool:
    try:
        return path.resolve().is_relative_to(top)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def describe(registry: Mapping[str, AdapterSpec] | None = None) -> list[dict[str, Any]]:
    """The registry as data, for `--help` texts and documentation."""
    registry = ADAPTERS if registry is None else registry
    return [{"name": s.name, "description": s.description} for s in registry.values()]
