"""Evaluation of one module instance: variables, locals, resources, child modules, outputs.

Everything is lazy and memoized (a reference evaluates what it names on first use), and a
module is forced in dependency order so that long chains of references never recurse deeply.
A reference cycle is an error; an expression Terraform would refuse becomes an `Unknown`
saying why, so one bad argument never loses the rest of the resource.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwarden.iac import IacError
from cloudwarden.iac.terraform.config import FRAMEWORK, ModuleConfig, provider_key
from cloudwarden.iac.terraform.expressions import Expr, Literal, ObjectExpr, Scope, traversals
from cloudwarden.iac.terraform.functions import Function, call_function
from cloudwarden.iac.terraform.instances import Instance, expand
from cloudwarden.iac.terraform.model import TfResource, Unknown
from cloudwarden.iac.terraform.syntax import Block, Body
from cloudwarden.iac.terraform.values import (
    Budget,
    EvalError,
    Namespace,
    ResourceObject,
    deep_unknown,
    materialize,
)
from cloudwarden.iac.terraform.variables import convert, type_expr

__all__ = ["MAX_MODULE_DEPTH", "Input", "ModuleInstance", "ProviderRef", "Run", "providers_map"]

#: Module calls nested deeper than this are refused (a cycle through symlinks, or an attack).
MAX_MODULE_DEPTH = 16

_META_ARGS = frozenset({"count", "for_each", "provider", "depends_on"})
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
_PENDING = object()


@dataclass(slots=True)
class Run:
    """What a root module and all its module instances share."""

    budget: Budget
    functions: dict[str, Function]
    #: the scanned root: module directories outside it are not read
    allowed: Path
    root_dir: Path
    configs: Callable[[Path], ModuleConfig]
    errors: list[IacError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ProviderRef:
    address: str
    block: Block | None = None
    owner: ModuleInstance | None = None
    _region: str | None = None

    def region(self) -> str:
        if self._region is None:
            self._region = ""
            attr = self.block.body.attributes.get("region") if self.block else None
            if attr is not None and self.owner is not None:
                value = self.owner.safe(attr.expr, Scope(self.owner), "region")
                self._region = value if isinstance(value, str) else ""
        return self._region


def _dotted(expr: Expr | str) -> str | None:
    """`aws.west` written as an expression (a provider reference) -> "aws.west"."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    found = list(traversals(expr))
    return ".".join(found[0].static_names()) if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class Input:
    """A module call argument, evaluated in the caller when the module first reads it (so a
    module may take an input from a resource that uses one of its other outputs)."""

    caller: ModuleInstance
    expr: Expr
    scope: Scope
    what: str

    def value(self) -> Any:
        return self.caller.safe(self.expr, self.scope, self.what)


class ModuleInstance:
    """One instance of a module (the root, or `module.a["x"]`), evaluated lazily."""

    def __init__(self, run: Run, config: ModuleConfig, path: str, inputs: dict[str, Any],
                 providers: dict[str, ProviderRef], ancestors: tuple[Path, ...]) -> None:
        self.run = run
        self.config = config
        self.path = path
        self.prefix = f"{path}." if path else ""
        self.inputs = inputs
        self.ancestors = ancestors
        self.budget = run.budget
        self.providers = dict(providers)
        for block in config.providers:
            key = provider_key(block)
            self.providers[key] = ProviderRef(key, block, self)
        self.values: dict[str, Any] = {}
        self.evaluated = False
        self.records: dict[str, list[TfResource]] = {}
        self.children: dict[str, list[ModuleInstance]] = {}
        self._local_refs: dict[str, frozenset[str]] = {}
        module_dir = os.path.relpath(config.dir, run.root_dir).replace(os.sep, "/")
        self._names: dict[str, Any] = {
            "var": Namespace("var", self._variable),
            "local": Namespace("local", lambda n: self._value(f"local.{n}")),
            "module": Namespace("module", lambda n: self._value(f"module.{n}")),
            "data": Namespace("data", self._data_type),
            "path": {"module": module_dir, "root": ".", "cwd": "."},
            "terraform": {"workspace": "default"},
            "ephemeral": Unknown("ephemeral resources are known only at apply"),
        }

    # --- Context --------------------------------------------------------------------------

    def root(self, name: str) -> Any:
        found = self._names.get(name)
        if found is not None:
            return found
        if name in self.config.resource_types:
            space = Namespace(name, lambda n: self._value(f"{name}.{n}"))
            self._names[name] = space
            return space
        if name in ("count", "each", "self"):
            raise EvalError(f"{name} is not available here")
        raise EvalError(f"unknown name {name!r}")

    def call(self, name: str, args: list[Any]) -> Any:
        return call_function(self.run.functions, name, args)

    def _data_type(self, kind: str) -> Namespace:
        if kind not in self.config.data_types:
            raise KeyError(kind)
        return Namespace(f"data.{kind}", lambda n: self._value(f"data.{kind}.{n}"))

    # --- helpers ----------------------------------------------------------------------------

    def safe(self, expr: Expr, scope: Scope, what: str) -> Any:
        try:
            return expr.eval(scope)
        except EvalError as exc:
            return Unknown(f"{self.prefix}{what}: cannot evaluate: {exc}")

    def safe_plain(self, value: Any, what: str) -> Any:
        try:
            return materialize(value)
        except EvalError as exc:
            return Unknown(f"{self.prefix}{what}: cannot evaluate: {exc}")

    def error(self, file: str, message: str, line: int) -> None:
        self.run.errors.append(IacError(FRAMEWORK, file, message, line))

    # --- variables and named values -------------------------------------------------------

    def _variable(self, name: str) -> Any:
        key = f"var.{name}"
        if key in self.values:
            return self.values[key]
        block = self.config.variables.get(name)
        if block is None:
            raise KeyError(name)
        attrs = block.body.attributes
        texpr = type_expr(attrs["type"].expr) if "type" in attrs else None
        value: Any
        given = self.inputs.get(name, _PENDING)
        if isinstance(given, Input):
            given = given.value()
        if given is not _PENDING and not (given is None and _not_nullable(block)):
            value = convert(given, texpr)
        elif "default" in attrs:
            value = convert(self.safe(attrs["default"].expr, Scope(self), key), texpr)
        else:
            why = ("the module call does not set it and it has no default" if self.path
                   else "no default, variables file or --var sets it")
            value = Unknown(f"{self.prefix}var.{name} has no value ({why})")
        self.values[key] = value
        return value

    def _value(self, key: str) -> Any:
        """A local, resource, data source or module call by key, evaluated once."""
        found = self.values.get(key, _PENDING)
        if found is _PENDING:
            if key in self.values:
                return self._cycle(key)
            if not self._declared(key):
                raise KeyError(key)
            self.values[key] = _PENDING
            try:
                found = self._compute(key)
            finally:
                del self.values[key]
            self.values[key] = found
        return found

    def _declared(self, key: str) -> bool:
        kind, _, name = key.partition(".")
        if kind == "local":
            return name in self.config.locals
        if kind == "module":
            return name in self.config.modules
        if kind == "output":
            return name in self.config.outputs
        return key in self.config.resources

    def _cycle(self, key: str) -> Unknown:
        # dependency_order reports the cycle as an error; here it only stops the evaluation.
        return Unknown(f"{self.prefix}{key} is part of a reference cycle")

    def _compute(self, key: str) -> Any:
        kind, _, name = key.partition(".")
        if kind == "local":
            attr, _ = self.config.locals[name]
            return self.safe(attr.expr, Scope(self), key)
        if kind == "module":
            from cloudwarden.iac.terraform.modules import module_value

            return module_value(self, name)
        if kind == "output":
            output = self.config.outputs[name].body.attributes.get("value")
            return None if output is None else self.safe(output.expr, Scope(self), key)
        return self._resource(key)

    # --- resources ------------------------------------------------------------------------

    def _resource(self, key: str) -> Any:
        block = self.config.resources[key]
        base = self.prefix + key
        instances, expanded = expand(self, block, base)
        records: list[TfResource] = []
        objects: list[ResourceObject] = []
        static = self.static_refs(block)
        for inst in instances:
            scope = Scope(self, inst.names)
            refs: dict[str, set[str]] = {}
            values = self.eval_body(block.body, scope, refs, top=True)
            objects.append(ResourceObject(inst.address, values))
            records.append(self._record(block, inst, values, refs, static))
        self.records[key] = records
        if expanded == "single":
            return objects[0]
        if expanded == "unknown":
            return Unknown(f"the instances of {base} are not known (count/for_each unknown)",
                           (base,))
        if expanded == "count":
            return objects
        return {inst.key: obj for inst, obj in zip(instances, objects, strict=True)}

    def _record(self, block: Block, inst: Instance, values: dict[str, Any],
                refs: dict[str, set[str]], static: dict[str, frozenset[str]]) -> TfResource:
        kind, name = block.labels[0], block.labels[1]
        references: dict[str, tuple[str, ...]] = {}
        for arg in {*refs, *static}:
            found = static.get(arg, frozenset()) | refs.get(arg, set())
            if found:
                references[arg] = tuple(sorted(found))
        provider = self._provider(block, kind)
        return TfResource(
            address=inst.address, type=kind, name=name,
            mode="managed" if block.type == "resource" else "data",
            values=values, references=references, file=block.file,
            start_line=block.start_line, end_line=block.end_line, module=self.path,
            provider=provider.address, region=provider.region())

    def _provider(self, block: Block, kind: str) -> ProviderRef:
        attr = block.body.attributes.get("provider")
        key = _dotted(attr.expr) if attr is not None else None
        key = key or kind.partition("_")[0]
        return self.providers.get(key) or ProviderRef(key)

    def eval_body(self, body: Body, scope: Scope, refs: dict[str, set[str]], *,
                  top: bool = False, arg: str = "") -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, attr in body.attributes.items():
            if top and name in _META_ARGS:
                continue
            value = self.safe(attr.expr, scope, name)
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                value = self.safe_plain(value, name)
                unknown = deep_unknown(value)
                if unknown is not None and unknown.refs:
                    refs.setdefault(arg or name, set()).update(unknown.refs)
            values[name] = value
        for block in body.blocks:
            kind = block.type
            if top and kind in _META_BLOCKS:
                continue
            if kind == "dynamic":
                self._dynamic(block, scope, values, refs, arg)
                continue
            existing = values.setdefault(kind, [])
            if isinstance(existing, list):
                existing.append(self.eval_body(block.body, scope, refs, arg=arg or kind))
        return values

    def _dynamic(self, block: Block, scope: Scope, values: dict[str, Any],
                 refs: dict[str, set[str]], arg: str) -> None:
        if not block.labels:
            return
        kind = block.labels[0]
        attrs = block.body.attributes
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if "for_each" not in attrs or content is None:
            return
        iterator = kind
        if "iterator" in attrs:
            iterator = _dotted(attrs["iterator"].expr) or kind
        items = self.safe(attrs["for_each"].expr, scope, f"dynamic {kind} for_each")
        existing = values.get(kind)
        if isinstance(items, Unknown):
            values[kind] = items
            refs.setdefault(arg or kind, set()).update(items.refs)
            return
        if isinstance(existing, Unknown):
            return
        blocks = values.setdefault(kind, [])
        pairs = list(enumerate(items)) if isinstance(items, list) else (
            sorted(items.items()) if isinstance(items, dict) else [])
        self.budget.spend(len(pairs))
        for key, item in pairs:
            inner = scope.child({iterator: {"key": key, "value": item}})
            blocks.append(self.eval_body(content.body, inner, refs, arg=arg or kind))

    # --- static references ------------------------------------------------------------------

    def static_refs(self, block: Block) -> dict[str, frozenset[str]]:
        """Argument (or nested block type) -> addresses of the resources it references."""
        out: dict[str, frozenset[str]] = {}
        for name, attr in block.body.attributes.items():
            if name not in _META_ARGS or name in ("count", "for_each"):
                found = self.expr_refs([attr.expr])
                if found:
                    out[name] = found
        for inner in block.body.blocks:
            found = self.expr_refs(_body_exprs(inner.body))
            kind = inner.labels[0] if inner.type == "dynamic" and inner.labels else inner.type
            if found and inner.type not in _META_BLOCKS:
                out[kind] = out.get(kind, frozenset()) | found
        return out

    def expr_refs(self, exprs: Iterable[Expr]) -> frozenset[str]:
        found: set[str] = set()
        for expr in exprs:
            for names in self.config.names_in(expr):
                root = names[0]
                if root == "local" and len(names) > 1:
                    found |= self._refs_of_local(names[1])
                elif root == "data" and len(names) > 2:
                    key = f"data.{names[1]}.{names[2]}"
                    if key in self.config.resources:
                        found.add(self.prefix + key)
                elif len(names) > 1 and root in self.config.resource_types:
                    key = f"{root}.{names[1]}"
                    if key in self.config.resources:
                        found.add(self.prefix + key)
        return frozenset(found)

    def _refs_of_local(self, name: str) -> frozenset[str]:
        if name in self._local_refs:
            return self._local_refs[name]
        self._local_refs[name] = frozenset()  # a cycle stops here
        entry = self.config.locals.get(name)
        found = self.expr_refs([entry[0].expr]) if entry else frozenset()
        self._local_refs[name] = found
        return found

    # --- the whole module ---------------------------------------------------------------------

    def evaluate(self) -> None:
        """Force every declaration in dependency order (children included)."""
        from cloudwarden.iac.terraform.modules import dependency_order

        if self.evaluated:
            return
        self.evaluated = True
        for key in dependency_order(self):
            if key.startswith("local."):
                self._refs_of_local(key[6:])  # memoized shallowly, dependencies first
            self._value(key)
            if key.startswith("module."):
                for child in self.children.get(key[7:], ()):
                    child.evaluate()

    def collect(self, out: list[TfResource]) -> None:
        for key in self.config.resources:
            out.extend(self.records.get(key, ()))
        for name in self.config.modules:
            for child in self.children.get(name, ()):
                child.collect(out)

    def output(self, name: str) -> Any:
        """An output's value (`KeyError` for an undeclared one), evaluated once."""
        return self._value(f"output.{name}")


def _not_nullable(block: Block) -> bool:
    attr = block.body.attributes.get("nullable")
    return attr is not None and isinstance(attr.expr, Literal) and attr.expr.value is False


def _body_exprs(body: Body) -> list[Expr]:
    out: list[Expr] = []
    stack = [body]
    while stack:
        current = stack.pop()
        out.extend(a.expr for a in current.attributes.values())
        stack.extend(b.body for b in current.blocks)
    return out


def providers_map(expr: Expr) -> dict[str, str]:
    """A module call's `providers = { aws = aws.west }` as child key -> parent key."""
    if not isinstance(expr, ObjectExpr):
        return {}
    out: dict[str, str] = {}
    for key, value in expr.items:
        child, parent = _dotted(key), _dotted(value)
        if child and parent:
            out[child] = parent
    return out

