"""Loading a tree of Terraform code: find the root modules, evaluate each one.

Every directory holding `.tf`/`.tf.json` files under the given paths is a root module, except
the directories another loaded directory calls as a local module: those are evaluated as
modules of their caller, with its inputs. `.terraform`, `.git` and `node_modules` are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwarden.iac import IacError
from cloudwarden.iac.terraform.config import (
    FRAMEWORK,
    ModuleConfig,
    is_tf_file,
    local_source,
    read_module,
)
from cloudwarden.iac.terraform.evaluate import ModuleInstance, Run
from cloudwarden.iac.terraform.functions_files import FileAccess, builtin_functions
from cloudwarden.iac.terraform.model import TfModule, TfResource
from cloudwarden.iac.terraform.values import Budget, LimitError
from cloudwarden.iac.terraform.variables import read_var_sources

__all__ = ["MAX_STEPS", "SKIP_DIRS", "load_tree"]

SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".terragrunt-cache"})
#: Evaluation steps (loop iterations, expanded instances) one root module may take.
MAX_STEPS = 500_000


@dataclass(slots=True)
class _Target:
    display: str
    only: list[Path] | None = None


@dataclass(slots=True)
class _Tree:
    """The directories found under the given paths, and how to show any path to the user."""

    targets: dict[Path, _Target] = field(default_factory=dict)
    given: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[IacError] = field(default_factory=list)
    configs: dict[Path, ModuleConfig] = field(default_factory=dict)

    def display(self, directory: Path) -> str:
        if directory in self.targets:
            return self.targets[directory].display
        for real, shown in self.given:
            if directory.is_relative_to(real):
                rel = directory.relative_to(real).as_posix()
                return shown if rel == "." else _join(shown, rel)
        return str(directory)

    def config(self, directory: Path) -> ModuleConfig:
        found = self.configs.get(directory)
        if found is None:
            target = self.targets.get(directory)
            only = target.only if target else None
            found = self.configs[directory] = read_module(directory, self.display(directory), only)
        return found


def _join(base: str, rel: str) -> str:
    return rel if base in ("", ".") else f"{base.rstrip('/')}/{rel}"


def _scan(paths: Sequence[Path]) -> _Tree:
    tree = _Tree()
    for path in paths:
        shown = str(path)
        if path.is_dir():
            real = Path(os.path.realpath(path))
            tree.given.append((real, shown))
            for current, dirs, files in os.walk(real):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                if any(is_tf_file(Path(f)) for f in files):
                    here = Path(current)
                    rel = here.relative_to(real).as_posix()
                    display = shown if rel == "." else _join(shown, rel)
                    tree.targets.setdefault(here, _Target(display)).only = None
        elif path.is_file():
            if not is_tf_file(path):
                continue  # a variables file or another language's: not a module of its own
            real = Path(os.path.realpath(path.parent))
            tree.given.append((real, str(path.parent)))
            target = tree.targets.setdefault(real, _Target(str(path.parent), []))
            if target.only is not None:
                target.only.append(path)
        else:
            tree.errors.append(IacError(FRAMEWORK, shown, "no such file or directory"))
    return tree


def _roots(tree: _Tree) -> list[Path]:
    calls: dict[Path, set[Path]] = {}
    for directory in tree.targets:
        config = tree.config(directory)
        calls[directory] = set()
        for block in config.modules.values():
            source = local_source(block)
            if source is not None:
                calls[directory].add(Path(os.path.realpath(directory / source)))
    used = {d for called in calls.values() for d in called}
    roots = [d for d in tree.targets if d not in used]
    reached: set[Path] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current in reached:
            continue
        reached.add(current)
        stack.extend(calls.get(current, ()))
    # Directories that only call each other (a cycle) are still loaded, to report it.
    roots.extend(d for d in tree.targets if d not in reached)
    return roots


def load_tree(paths: Sequence[Path], *, var_files: Sequence[Path] = (),
              variables: Mapping[str, Any] | None = None, root: Path | None = None,
              roots: Sequence[Path] = (),
              ) -> list[tuple[TfModule, list[IacError]]]:
    """Every root module under `paths` (directories, or `.tf`/`.tf.json` files grouped by
    directory), evaluated, with the errors of its files.

    `variables` are `--var` values (a string is read as Terraform reads a command-line value).
    `roots` (and `root`) are the directories the user scanned: a module may read local modules
    and `file()` paths only inside the outermost of them that holds it - never the common
    parent of two unrelated trees. Without them, the given paths themselves are the bounds."""
    tree = _scan(paths)
    results: list[tuple[TfModule, list[IacError]]] = []
    if tree.errors:
        results.append((TfModule(root=""), list(tree.errors)))
    if not tree.targets:
        return results
    bounds = [Path(os.path.realpath(r)) for r in (*([root] if root is not None else []),
                                                   *roots)]
    if not bounds:
        bounds = [real for real, _ in tree.given]
    reported: set[Path] = set()
    for module_root in _roots(tree):
        results.append(_evaluate_root(tree, module_root, _bound(module_root, bounds),
                                      var_files, variables or {}, reported))
    return results


def _bound(module_root: Path, bounds: Sequence[Path]) -> Path:
    """The outermost scanned directory holding `module_root` (itself when none does)."""
    holding = [b for b in bounds if module_root == b or module_root.is_relative_to(b)]
    return min(holding, key=lambda b: len(b.parts)) if holding else module_root


def _evaluate_root(tree: _Tree, root: Path, allowed: Path, var_files: Sequence[Path],
                   variables: Mapping[str, Any],
                   reported: set[Path]) -> tuple[TfModule, list[IacError]]:
    config = tree.config(root)
    touched: list[Path] = [root]

    def configs(directory: Path) -> ModuleConfig:
        touched.append(directory)
        return tree.config(directory)

    budget = Budget(MAX_STEPS)
    functions = builtin_functions(FileAccess(root, allowed), budget)
    run = Run(budget, functions, allowed, root, configs)
    values, errors = read_var_sources(root, config.display, var_files, variables)
    instance = ModuleInstance(run, config, "", values, {}, (root,))
    module = TfModule(root=config.display)
    try:
        instance.evaluate()
    except LimitError as exc:
        errors.append(IacError(FRAMEWORK, config.display, f"evaluation stopped: {exc}"))
    except RecursionError:
        errors.append(IacError(FRAMEWORK, config.display,
                               "evaluation stopped: references nested too deeply"))
    except Exception as exc:  # a reader bug must cost this module, not the whole scan
        errors.append(IacError(FRAMEWORK, config.display,
                               f"evaluation failed: {type(exc).__name__}: {exc}"))
    resources: list[TfResource] = []
    instance.collect(resources)
    module.resources = resources
    for directory in dict.fromkeys(touched):
        used = tree.configs[directory]
        module.notes.extend(used.notes)
        if directory not in reported:
            reported.add(directory)
            errors[:0] = used.errors
    errors.extend(run.errors)
    module.notes.extend(run.notes)
    # A module called with count/for_each repeats its notes and errors once per instance.
    module.notes = list(dict.fromkeys(module.notes))
    return module, list(dict.fromkeys(errors))
