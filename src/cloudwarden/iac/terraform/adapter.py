"""The Terraform adapter: `.tf` / `.tf.json` trees and plan JSON (`terraform show -json`)
through the readers, then the canonical mapping (`iac/terraform/aws.py`).

`.tfvars` files are inputs, not code: they are passed as `var_files` in the options, never
claimed. A plan is recognised by its content (top-level `format_version` and
`planned_values`), whatever its name.

`load` returns a `TerraformLoad`: an `IacLoad` that also counts the resources it did not turn
into assets - `skipped` (types with no mapping, by type in `skipped_types`), `joined` (folded
into another asset: a bucket's versioning, an SG rule) and `unjoined` (of those, the ones whose
parent is not in the code).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cloudwarden.iac import IacError, IacInputError, IacLoad
from cloudwarden.iac.terraform.aws import JOINED, MODULE_SETTINGS, RESOURCES, MappingError
from cloudwarden.iac.terraform.aws import map_module as map_aws
from cloudwarden.iac.terraform.model import TfModule

if TYPE_CHECKING:
    from cloudwarden.iac.discover import AdapterOptions

__all__ = ["NAME", "TerraformAdapter", "TerraformLoad", "is_plan_head"]

NAME = "terraform"
_SOURCE_SUFFIXES = (".tf", ".tf.json")


@dataclass(slots=True)
class TerraformLoad(IacLoad):
    """An `IacLoad` with the count of resources that are not assets of their own."""

    skipped: int = 0
    joined: int = 0
    unjoined: int = 0
    #: resource type -> instances skipped (no mapping for the type)
    skipped_types: Counter[str] = field(default_factory=Counter)


def is_plan_head(head: bytes) -> bool:
    """The first bytes of a plan JSON: a top-level `format_version` with `planned_values`
    (or, when the head stops before them, a `terraform_version` and no state `values`)."""
    if b'"format_version"' not in head:
        return False
    if b'"planned_values"' in head:
        return True
    return b'"terraform_version"' in head and b'"values"' not in head


def _is_source(path: Path) -> bool:
    return path.name.endswith(_SOURCE_SUFFIXES)


class TerraformAdapter:
    name = NAME

    def __init__(self, options: AdapterOptions | None = None) -> None:
        self.var_files: tuple[Path, ...] = tuple(options.var_files) if options else ()
        self.variables: dict[str, str] = dict(options.variables) if options else {}
        self.roots: tuple[Path, ...] = tuple(options.roots) if options else ()

    def claims(self, path: Path, head: bytes) -> bool:
        if _is_source(path):
            return True
        return path.suffix == ".json" and is_plan_head(head)

    def load(self, paths: Sequence[Path]) -> TerraformLoad:
        out = TerraformLoad(NAME, files=[str(p) for p in paths])
        sources = [p for p in paths if _is_source(p)]
        plans = [p for p in paths if not _is_source(p)]
        modules: list[TfModule] = []
        if sources:
            modules += self._load_sources(sources, out)
        for plan in plans:
            module = self._load_plan(plan, out)
            if module is not None:
                modules.append(module)
        for module in modules:
            self._map(module, out)
        return out

    def _load_sources(self, sources: list[Path], out: TerraformLoad) -> list[TfModule]:
        from cloudwarden.iac.terraform import load_tree  # the reader: tree-sitter, on demand

        try:
            loaded = load_tree(sources, var_files=self.var_files, variables=self.variables,
                               roots=self.roots)
        except IacInputError as exc:
            out.errors.append(IacError(NAME, str(sources[0].parent), str(exc), exc.line))
            return []
        except Exception as exc:  # a reader bug must not end the whole scan
            out.errors.append(IacError(NAME, str(sources[0].parent),
                                       f"cannot load: {type(exc).__name__}: {exc}"))
            return []
        modules = []
        for module, errors in loaded:
            out.errors.extend(errors)
            modules.append(module)
        return modules

    def _load_plan(self, path: Path, out: TerraformLoad) -> TfModule | None:
        from cloudwarden.iac.terraform import load_plan

        try:
            module, errors = load_plan(path)
        except IacInputError as exc:
            out.errors.append(IacError(NAME, str(path), str(exc), exc.line))
            return None
        except Exception as exc:  # a reader bug must not end the whole scan
            out.errors.append(IacError(NAME, str(path),
                                       f"cannot load plan: {type(exc).__name__}: {exc}"))
            return None
        out.errors.extend(errors)
        return module

    @staticmethod
    def _map(module: TfModule, out: TerraformLoad) -> None:
        problems: list[MappingError] = []
        mapped = map_aws(module, problems)
        out.notes.extend(module.notes)
        out.assets.extend(mapped.assets)
        out.skipped += mapped.skipped
        out.joined += mapped.joined
        out.unjoined += mapped.unjoined
        for res in module.resources:
            if (res.mode == "managed" and res.type not in RESOURCES and res.type not in JOINED
                    and res.type not in MODULE_SETTINGS):
                out.skipped_types[res.type] += 1
        for problem in problems:
            res = problem.resource
            out.errors.append(IacError(NAME, res.file or module.root, problem.message,
                                       res.start_line))
