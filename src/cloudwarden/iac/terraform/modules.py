"""Module calls (`module "x" { source = "./x" }`) and the dependency order of a module.

A local module is evaluated recursively with its inputs; its resources get addresses under
`module.<name>` (with the instance key of a `count`/`for_each` call). A remote source
(registry, git, ...) is not fetched: its outputs are `Unknown` and the run records a note.
A local source outside the scanned root is treated the same way, never read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwarden.iac.terraform.config import ModuleConfig, local_source
from cloudwarden.iac.terraform.evaluate import (
    MAX_MODULE_DEPTH,
    Input,
    ModuleInstance,
    ProviderRef,
    providers_map,
)
from cloudwarden.iac.terraform.expressions import Expr, Literal, Scope
from cloudwarden.iac.terraform.instances import expand
from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.values import Namespace

if TYPE_CHECKING:
    from cloudwarden.iac.terraform.syntax import Block

__all__ = ["dependency_order", "module_value"]

_MODULE_ARGS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def _source_text(block: Block) -> str:
    attr = block.body.attributes.get("source")
    if attr is not None and isinstance(attr.expr, Literal) and isinstance(attr.expr.value, str):
        return attr.expr.value
    return "(no static source)"


def module_value(parent: ModuleInstance, name: str) -> Any:
    """The value of `module.<name>`: its outputs (a list or map of them with count/for_each)."""
    block = parent.config.modules[name]
    base = f"{parent.prefix}module.{name}"
    where = f"{block.file}:{block.start_line}"
    source = local_source(block)
    if source is None:
        text = _source_text(block)
        parent.run.notes.append(f"{where}: {base} comes from {text!r}, which is not fetched; "
                                "its outputs are unknown")
        return Unknown(f"{base} comes from {text!r}, which is not fetched")
    directory = Path(os.path.realpath(parent.config.dir / source))
    if not directory.is_relative_to(parent.run.allowed):
        parent.run.notes.append(f"{where}: {base} source {source!r} is outside the scanned "
                                "path, not read; its outputs are unknown")
        return Unknown(f"{base} source {source!r} is outside the scanned path")
    if directory in parent.ancestors or len(parent.ancestors) >= MAX_MODULE_DEPTH:
        what = "calls itself (a module cycle)" if directory in parent.ancestors else (
            f"nests modules deeper than {MAX_MODULE_DEPTH} levels")
        parent.error(block.file, f"{base} {what}", block.start_line)
        return Unknown(f"{base} {what}")
    if not directory.is_dir():
        parent.error(block.file, f"{base}: module directory {source!r} not found",
                     block.start_line)
        return Unknown(f"{base}: module directory {source!r} not found")
    config = parent.run.configs(directory)
    if not config.files and not config.errors:
        parent.error(block.file, f"{base}: no Terraform files in {source!r}", block.start_line)
    instances, expanded = expand(parent, block, base)
    providers = _child_providers(parent, block)
    children: list[ModuleInstance] = []
    outputs: list[Namespace] = []
    names = tuple(config.outputs)
    for inst in instances:
        scope = Scope(parent, inst.names)
        inputs: dict[str, Any] = {
            arg: Input(parent, attr.expr, scope, f"module.{name}.{arg}")
            for arg, attr in block.body.attributes.items() if arg not in _MODULE_ARGS}
        child = ModuleInstance(parent.run, config, inst.address, inputs, providers,
                               (*parent.ancestors, directory))
        children.append(child)
        # Outputs are read lazily: a caller may feed the module an input derived from
        # another of its outputs. The module's resources are evaluated by the caller's
        # `evaluate`, after this value exists.
        outputs.append(Namespace(inst.address, child.output, names))
    parent.children[name] = children
    if expanded == "single":
        return outputs[0]
    if expanded == "unknown":
        return Unknown(f"the instances of {base} are not known (count/for_each unknown)")
    if expanded == "count":
        return outputs
    return {inst.key: out for inst, out in zip(instances, outputs, strict=True)}


def _child_providers(parent: ModuleInstance, block: Block) -> dict[str, ProviderRef]:
    """Default providers pass down implicitly; `providers = {...}` maps the others."""
    inherited = {k: v for k, v in parent.providers.items() if "." not in k}
    attr = block.body.attributes.get("providers")
    if attr is not None:
        for child_key, parent_key in providers_map(attr.expr).items():
            inherited[child_key] = parent.providers.get(parent_key) or ProviderRef(parent_key)
    return inherited


def _deps(module: ModuleInstance, exprs: list[Expr]) -> set[str]:
    found: set[str] = set()
    config = module.config
    for expr in exprs:
        for names in config.names_in(expr):
            root = names[0]
            if len(names) < 2:
                continue
            if root == "local" and names[1] in config.locals:
                found.add(f"local.{names[1]}")
            elif root == "module" and names[1] in config.modules:
                found.add(f"module.{names[1]}")
            elif root == "data" and len(names) > 2:
                key = f"data.{names[1]}.{names[2]}"
                if key in config.resources:
                    found.add(key)
            elif root in config.resource_types and f"{root}.{names[1]}" in config.resources:
                found.add(f"{root}.{names[1]}")
    return found


def _all_exprs(block: Block) -> list[Expr]:
    out: list[Expr] = []
    stack = [block.body]
    while stack:
        body = stack.pop()
        out.extend(a.expr for a in body.attributes.values())
        stack.extend(b.body for b in body.blocks)
    return out


def _where(config: ModuleConfig, key: str) -> tuple[str, int]:
    kind, _, name = key.partition(".")
    if kind == "local":
        attr, file = config.locals[name]
        return file, attr.line
    block = config.modules[name] if kind == "module" else config.resources[key]
    return block.file, block.start_line


def dependency_order(module: ModuleInstance) -> list[str]:
    """Every local, resource and module call, each after what it references (iteratively:
    a long chain of locals must not exhaust Python's stack). A cycle is reported as an error
    and broken where it was found."""
    config = module.config
    nodes: dict[str, list[Expr]] = {}
    for name, (attr, _) in config.locals.items():
        nodes[f"local.{name}"] = [attr.expr]
    for key, block in config.resources.items():
        nodes[key] = _all_exprs(block)
    for name, block in config.modules.items():
        nodes[f"module.{name}"] = _all_exprs(block)
    deps = {key: sorted(_deps(module, exprs) - {key}) for key, exprs in nodes.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for start in nodes:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            key, i = stack.pop()
            if i < len(deps[key]):
                stack.append((key, i + 1))
                dep = deps[key][i]
                if state.get(dep) == 1:
                    cycle = [k for k, _ in stack] + [dep]
                    cycle = cycle[cycle.index(dep):]
                    if any(k.startswith("module.") for k in cycle):
                        # A module is one node here but many values in Terraform: a caller
                        # may feed it a value derived from another of its outputs. Lazy
                        # evaluation resolves what it can; a true cycle stays unknown.
                        continue
                    file, line = _where(config, dep)
                    module.error(file, f"{module.prefix}reference cycle: "
                                 + " -> ".join(cycle), line)
                elif not state.get(dep):
                    state[dep] = 1
                    stack.append((dep, 0))
                continue
            state[key] = 2
            order.append(key)
    return order
