"""Input variables: their sources in Terraform's precedence order, and type conversion.

Later sources win: the declaration's `default`, then `terraform.tfvars`,
`terraform.tfvars.json`, `*.auto.tfvars(.json)` in name order, then each `--var-file`, then
each `--var` (whose text is read as an expression when the variable's type is not a
primitive, as Terraform does). Environment variables (`TF_VAR_*`) are not read: a scan's
result must not depend on the shell it runs in.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cloudwarden.iac import IacError, IacInputError, read_text
from cloudwarden.iac.terraform.expressions import (
    Call,
    Expr,
    Literal,
    ObjectExpr,
    Scope,
    Traversal,
    TupleExpr,
)
from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.parse import parse_expression, parse_hcl
from cloudwarden.iac.terraform.values import Budget, EvalError, to_bool, to_number, to_str

__all__ = ["CliValue", "convert", "read_var_sources", "type_expr"]

FRAMEWORK = "terraform"


class CliValue(str):
    """A `--var name=value` text: its meaning depends on the variable's declared type."""

    __slots__ = ()


class _Constants:
    """Variable files hold constant values: no references, no functions."""

    budget = Budget(100_000)

    def root(self, name: str) -> Any:
        raise EvalError(f"variable files cannot reference {name!r}")

    def call(self, name: str, args: list[Any]) -> Any:
        raise EvalError(f"variable files cannot call {name}()")


def _read_file(path: Path, shown: str, errors: list[IacError]) -> dict[str, Any]:
    try:
        text = read_text(path)
        if path.name.endswith(".json"):
            data = json.loads(text)
            if not isinstance(data, dict):
                raise IacInputError("a variables JSON file must hold an object")
            return data
        body = parse_hcl(text, shown)
    except (IacInputError, ValueError, RecursionError) as exc:
        line = getattr(exc, "line", 0) or getattr(exc, "lineno", 0)
        errors.append(IacError(FRAMEWORK, shown, f"variables file: {exc}", line))
        return {}
    values: dict[str, Any] = {}
    scope = Scope(_Constants())
    for name, attr in body.attributes.items():
        try:
            values[name] = attr.expr.eval(scope)
        except EvalError as exc:
            errors.append(IacError(FRAMEWORK, shown, f"variable {name}: {exc}", attr.line))
    return values


def read_var_sources(root: Path, display: str, var_files: Sequence[Path],
                     variables: Mapping[str, Any]) -> tuple[dict[str, Any], list[IacError]]:
    """The variable values given to a root module, merged in precedence order."""
    errors: list[IacError] = []
    files: list[tuple[Path, str]] = []
    auto: list[Path] = []
    with contextlib.suppress(OSError):
        auto = sorted(p for p in root.iterdir()
                      if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")) and p.is_file())
    for path in [root / "terraform.tfvars", root / "terraform.tfvars.json", *auto]:
        if path.is_file():
            shown = f"{display}/{path.name}" if display not in ("", ".") else path.name
            files.append((path, shown))
    files.extend((Path(p), str(p)) for p in var_files)
    values: dict[str, Any] = {}
    for path, shown in files:
        values.update(_read_file(path, shown, errors))
    for name, value in variables.items():
        values[name] = CliValue(value) if isinstance(value, str) else value
    return values, errors


def type_expr(attr_expr: Expr | None) -> Expr | None:
    """A variable's `type` (in `.tf.json` a string such as "list(string)")."""
    if isinstance(attr_expr, Literal) and isinstance(attr_expr.value, str):
        try:
            return parse_expression(attr_expr.value)
        except IacInputError:
            return None
    return attr_expr


def _is_primitive(texpr: Expr | None) -> bool:
    return texpr is None or (isinstance(texpr, Traversal) and not texpr.ops)


def convert(value: Any, texpr: Expr | None, depth: int = 0) -> Any:
    """A value converted to a type constraint, as far as it can be (no guess: a value that
    does not fit is kept as given, Terraform would refuse the configuration)."""
    if isinstance(value, CliValue):
        if _is_primitive(texpr):
            value = str(value)
        else:
            try:
                value = parse_expression(value).eval(Scope(_Constants()))
            except (IacInputError, EvalError):
                value = str(value)
    if texpr is None or isinstance(value, Unknown) or value is None or depth > 32:
        return value
    try:
        return _convert(value, texpr, depth)
    except EvalError:
        return value


def _convert(value: Any, texpr: Expr, depth: int) -> Any:
    if isinstance(texpr, Traversal):
        kind = texpr.root
        if kind == "string" and not isinstance(value, (list, dict)):
            return to_str(value)
        if kind == "number":
            return to_number(value)
        if kind == "bool":
            return to_bool(value)
        return value
    if not isinstance(texpr, Call) or not texpr.args:
        return value
    kind, inner = texpr.name, texpr.args[0]
    if kind in ("list", "set") and isinstance(value, list):
        return [convert(v, inner, depth + 1) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: convert(v, inner, depth + 1) for k, v in value.items()}
    if kind == "tuple" and isinstance(value, list) and isinstance(inner, TupleExpr):
        return [convert(v, t, depth + 1) for v, t in zip(value, inner.items, strict=False)]
    if kind == "object" and isinstance(value, dict) and isinstance(inner, ObjectExpr):
        return _object(value, inner, depth)
    return value


def _object(value: dict[str, Any], texpr: ObjectExpr, depth: int) -> dict[str, Any]:
    out = dict(value)
    for key, attr_type in texpr.items:
        if not isinstance(key, str):
            continue
        if isinstance(attr_type, Call) and attr_type.name == "optional" and attr_type.args:
            if out.get(key) is None:
                default = None
                if len(attr_type.args) > 1:
                    default = attr_type.args[1].eval(Scope(_Constants()))
                out[key] = convert(default, attr_type.args[0], depth + 1)
            else:
                out[key] = convert(out[key], attr_type.args[0], depth + 1)
        elif key in out:
            out[key] = convert(out[key], attr_type, depth + 1)
    return out
