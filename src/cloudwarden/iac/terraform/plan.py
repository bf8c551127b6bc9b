"""Reading a Terraform plan (`terraform show -json plan.out`) into the same model as HCL.

`planned_values.root_module` (and its `child_modules`) hold the resource instances with
their values; `resource_changes[].change.after_unknown` marks what is known only after apply
(those become `Unknown`); `configuration` gives each resource's expression references and
provider configuration. A plan has no source lines: resources point at the plan file, line 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudwarden.iac import IacError, IacInputError, read_text
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown

__all__ = ["load_plan", "read_plan"]

FRAMEWORK = "terraform"
_MAX_DEPTH = 64
_NOT_RESOURCES = frozenset({"var", "local", "each", "count", "path", "terraform", "self",
                            "module"})


def load_plan(path: Path) -> tuple[TfModule, list[IacError]]:
    """The resources of a plan file; `IacInputError` when it is not a readable plan."""
    text = read_text(path)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise IacInputError(f"not JSON: {exc}", getattr(exc, "lineno", 0)) from None
    return read_plan(doc, str(path))


def read_plan(doc: Any, shown: str) -> tuple[TfModule, list[IacError]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("planned_values"), dict):
        raise IacInputError("not a Terraform plan: no planned_values (state files are not read)")
    reader = _PlanReader(doc, shown)
    root = doc["planned_values"].get("root_module") or {}
    reader.module(root, 0)
    # Data sources read while planning (an IAM policy document's rendered JSON) are in the
    # prior state, not in the planned values.
    prior = ((doc.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
    if isinstance(prior, dict):
        reader.module(prior, 0, only_data=True)
    return TfModule(root=shown, resources=reader.resources), reader.errors


def _strip_keys(address: str) -> str:
    """`module.a["x"].module.b[0]` -> `module.a.module.b` (configuration has no instances)."""
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for ch in address:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == '"' and depth:
            quoted = True
        elif not depth:
            out.append(ch)
    return "".join(out)


def _resource_of(reference: str) -> str | None:
    """`aws_s3_bucket.b.id` -> `aws_s3_bucket.b`; `data.x.y.z` -> `data.x.y`; else None."""
    parts: list[str] = []
    current = ""
    depth = 0
    for ch in reference:
        if ch == "." and not depth:
            parts.append(current)
            current = ""
            continue
        depth += ch == "["
        depth -= ch == "]"
        current += ch
    parts.append(current)
    if not parts or parts[0] in _NOT_RESOURCES:
        return None
    size = 3 if parts[0] == "data" else 2
    return ".".join(parts[:size]) if len(parts) >= size else None


class _PlanReader:
    def __init__(self, doc: dict[str, Any], shown: str) -> None:
        self.shown = shown
        self.errors: list[IacError] = []
        self.resources: list[TfResource] = []
        self.seen: set[str] = set()
        self.changes: dict[str, Any] = {}
        for change in doc.get("resource_changes") or []:
            if isinstance(change, dict) and isinstance(change.get("address"), str):
                self.changes[change["address"]] = change.get("change") or {}
        config = doc.get("configuration") or {}
        self.provider_config: dict[str, Any] = config.get("provider_config") or {}
        self.variables: dict[str, Any] = doc.get("variables") or {}
        #: module path without instance keys -> resource address in that module -> config
        self.config: dict[str, dict[str, dict[str, Any]]] = {}
        self._configuration(config.get("root_module") or {}, "", 0)

    def error(self, message: str) -> None:
        self.errors.append(IacError(FRAMEWORK, self.shown, message))

    def _configuration(self, module: dict[str, Any], path: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        table = self.config.setdefault(path, {})
        for res in module.get("resources") or []:
            if isinstance(res, dict) and isinstance(res.get("address"), str):
                table[res["address"]] = res
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                child = f"{path}.module.{name}" if path else f"module.{name}"
                self._configuration(call["module"], child, depth + 1)

    def module(self, module: dict[str, Any], depth: int, only_data: bool = False) -> None:
        if depth > _MAX_DEPTH:
            self.error("modules nested too deeply")
            return
        path = module.get("address") or ""
        for res in module.get("resources") or []:
            if not isinstance(res, dict) or not isinstance(res.get("address"), str):
                self.error(f"a resource of {path or 'the root module'} has no address")
                continue
            if res["address"] in self.seen or (only_data and res.get("mode") != "data"):
                continue
            self.seen.add(res["address"])
            self.resources.append(self.resource(res, path))
        for child in module.get("child_modules") or []:
            if isinstance(child, dict):
                self.module(child, depth + 1, only_data)

    def resource(self, res: dict[str, Any], path: str) -> TfResource:
        address: str = res["address"]
        mode = res.get("mode", "managed")
        kind, name = str(res.get("type", "")), str(res.get("name", ""))
        local = f"data.{kind}.{name}" if mode == "data" else f"{kind}.{name}"
        config = self.config.get(_strip_keys(path), {}).get(local, {})
        prefix = f"{path}." if path else ""
        references = self._references(config, prefix)
        values = res.get("values")
        values = dict(values) if isinstance(values, dict) else {}
        unknown = (self.changes.get(address) or {}).get("after_unknown")
        if isinstance(unknown, dict):
            for arg, flag in unknown.items():
                refs = references.get(arg, ())
                values[arg] = _overlay(values.get(arg), flag, f"{address}.{arg}", refs, 0)
        provider_key = str(config.get("provider_config_key") or kind.partition("_")[0])
        return TfResource(
            address=address, type=kind, name=name, mode=mode, values=values,
            references=references, file=self.shown, start_line=0, end_line=0, module=path,
            provider=provider_key.rpartition(":")[2], region=self._region(provider_key))

    def _references(self, config: dict[str, Any], prefix: str) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for arg, expr in (config.get("expressions") or {}).items():
            found: set[str] = set()
            _collect_refs(expr, found, 0)
            addresses = {prefix + r for r in map(_resource_of, found) if r}
            if addresses:
                out[arg] = tuple(sorted(addresses))
        return out

    def _region(self, key: str) -> str:
        provider = self.provider_config.get(key)
        if provider is None and ":" in key:
            # A module's inherited provider: the root's configuration of the same name.
            key = key.rpartition(":")[2]
            provider = self.provider_config.get(key)
        if not isinstance(provider, dict):
            return ""
        region = (provider.get("expressions") or {}).get("region") or {}
        value = region.get("constant_value")
        if isinstance(value, str):
            return value
        refs = region.get("references") or []
        if len(refs) == 1 and str(refs[0]).startswith("var.") and ":" not in key:
            var = self.variables.get(str(refs[0])[4:]) or {}
            found = var.get("value") if isinstance(var, dict) else None
            return found if isinstance(found, str) else ""
        return ""


def _collect_refs(expr: Any, found: set[str], depth: int) -> None:
    """Every `references` entry in a configuration expression tree (nested blocks too)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(expr, dict):
        refs = expr.get("references")
        if isinstance(refs, list):
            found.update(str(r) for r in refs)
        for key, inner in expr.items():
            if key != "references":
                _collect_refs(inner, found, depth + 1)
    elif isinstance(expr, list):
        for inner in expr:
            _collect_refs(inner, found, depth + 1)


def _overlay(value: Any, flag: Any, where: str, refs: tuple[str, ...], depth: int) -> Any:
    """A planned value with the parts `after_unknown` flags replaced by `Unknown`."""
    if flag is True:
        return Unknown(f"{where} is known only after apply", refs)
    if depth > _MAX_DEPTH:
        return value
    if isinstance(flag, dict):
        base = dict(value) if isinstance(value, dict) else {}
        for key, inner in flag.items():
            if inner is not False:
                base[key] = _overlay(base.get(key), inner, f"{where}.{key}", refs, depth + 1)
        return base if base or isinstance(value, dict) else value
    if isinstance(flag, list):
        if not any(f is not False for f in flag):
            return value
        base_list = list(value) if isinstance(value, list) else []
        base_list.extend([None] * (len(flag) - len(base_list)))
        for i, inner in enumerate(flag):
            if inner is not False:
                base_list[i] = _overlay(base_list[i], inner, f"{where}[{i}]", refs, depth + 1)
        return base_list
    return value
