"""The HCL expression language: syntax nodes that evaluate themselves in a `Scope`.

Templates and operators live in `templates.py` and `operators.py`. The parser (`parse.py`
for native syntax, `jsonsyntax.py` for `.tf.json`) builds these nodes
once per file; a module evaluates each expression once per resource instance. Every node
propagates `Unknown` instead of guessing: an operation over an unknown is unknown, and a
container holding an unknown stays a container with the unknown inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.values import (
    Budget,
    EvalError,
    Namespace,
    ResourceObject,
    deep_unknown,
    materialize,
    to_bool,
    to_number,
    to_str,
    type_name,
)

__all__ = [
    "Call", "Conditional", "Context", "Expr", "ForExpr", "GetAttr", "Index", "Literal",
    "ObjectExpr", "Op", "Postfix", "Scope", "Splat", "Traversal", "TupleExpr", "iterate",
    "traversals",
]

_MISSING = object()


class Context(Protocol):
    """What an expression needs from the module it is evaluated in."""

    budget: Budget

    def root(self, name: str) -> Any:
        """The value of a top-level name (`var`, `local`, `aws_s3_bucket`, ...)."""

    def call(self, name: str, args: list[Any]) -> Any:
        """Call a built-in function with evaluated arguments."""


class Scope:
    """Names bound by enclosing constructs (`for` iterators, `each`, `count`) over a context."""

    __slots__ = ("ctx", "names")

    def __init__(self, ctx: Context, names: dict[str, Any] | None = None) -> None:
        self.ctx = ctx
        self.names = names or {}

    def lookup(self, name: str) -> Any:
        value = self.names.get(name, _MISSING)
        return self.ctx.root(name) if value is _MISSING else value

    def child(self, names: dict[str, Any]) -> Scope:
        return Scope(self.ctx, {**self.names, **names})


class Expr:
    __slots__ = ()

    def eval(self, scope: Scope) -> Any:
        raise NotImplementedError

    def kids(self) -> tuple[Expr, ...]:
        return ()


def traversals(expr: Expr) -> Iterator[Traversal]:
    """Every reference in an expression (without recursion: expressions may nest deeply)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Traversal):
            yield node
        stack.extend(node.kids())


class Literal(Expr):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def eval(self, scope: Scope) -> Any:
        return self.value


class TupleExpr(Expr):
    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def kids(self) -> tuple[Expr, ...]:
        return self.items

    def eval(self, scope: Scope) -> Any:
        return [item.eval(scope) for item in self.items]


class ObjectExpr(Expr):
    """`{ key = value }`; a bare identifier key is a string, `(expr)` or a template evaluates."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[str | Expr, Expr], ...]) -> None:
        self.items = items

    def kids(self) -> tuple[Expr, ...]:
        out: list[Expr] = []
        for key, value in self.items:
            if isinstance(key, Expr):
                out.append(key)
            out.append(value)
        return tuple(out)

    def eval(self, scope: Scope) -> Any:
        result: dict[str, Any] = {}
        for key_expr, value_expr in self.items:
            if isinstance(key_expr, str):
                key = key_expr
            else:
                raw = key_expr.eval(scope)
                if isinstance(raw, Unknown):
                    return raw
                key = to_str(raw)
            result[key] = value_expr.eval(scope)
        return result


class GetAttr:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Index:
    __slots__ = ("key",)

    def __init__(self, key: Expr) -> None:
        self.key = key


class Splat:
    """`[*]` (full) or `.*` (attribute-only): `ops` apply to each element."""

    __slots__ = ("ops",)

    def __init__(self, ops: tuple[Op, ...]) -> None:
        self.ops = ops


Op = GetAttr | Index | Splat


def _op_kids(ops: tuple[Op, ...]) -> Iterator[Expr]:
    for op in ops:
        if isinstance(op, Index):
            yield op.key
        elif isinstance(op, Splat):
            yield from _op_kids(op.ops)


def get_attr(value: Any, name: str) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Namespace):
        return value.attr(name)
    if isinstance(value, dict):
        return _dict_item(value, name)
    if value is None:
        raise EvalError(f"cannot read attribute {name!r} of null")
    raise EvalError(f"cannot read attribute {name!r} of a {type_name(value)}")


def get_index(value: Any, key: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        return key
    if isinstance(value, list):
        if isinstance(key, bool):
            raise EvalError("a list index must be a number")
        number = to_number(key)
        if not isinstance(number, int) or number < 0 or number >= len(value):
            raise EvalError(f"index {key!r} out of range for a list of {len(value)}")
        return value[number]
    if isinstance(value, (dict, Namespace)):
        name = to_str(key)
        return get_attr(value, name) if isinstance(value, Namespace) else _dict_item(value, name)
    if value is None:
        raise EvalError("cannot index null")
    raise EvalError(f"cannot index a {type_name(value)}")


def _dict_item(value: dict[str, Any], key: str) -> Any:
    found = value.get(key, _MISSING)
    if isinstance(value, ResourceObject):
        if found is _MISSING:
            return value.missing(key)
        if isinstance(found, Unknown) and value.address not in found.refs:
            # Read through the resource: the value is that resource's, whatever made it open.
            return Unknown(found.reason, (*found.refs, value.address))
        return found
    if found is _MISSING:
        raise EvalError(f"no attribute or element {key!r}")
    return found


def apply_ops(value: Any, ops: tuple[Op, ...], scope: Scope) -> Any:
    for position, op in enumerate(ops):
        if isinstance(op, GetAttr):
            value = get_attr(value, op.name)
        elif isinstance(op, Index):
            value = get_index(value, op.key.eval(scope))
        else:
            value = _splat(value, op.ops, scope)
            rest = ops[position + 1:]
            return apply_ops(value, rest, scope) if rest else value
    return value


def _splat(value: Any, ops: tuple[Op, ...], scope: Scope) -> Any:
    if isinstance(value, Unknown):
        return value
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    scope.ctx.budget.spend(len(items))
    return [apply_ops(item, ops, scope) for item in items]


class Traversal(Expr):
    """A reference: a root name and the attribute/index/splat steps after it."""

    __slots__ = ("ops", "root")

    def __init__(self, root: str, ops: tuple[Op, ...]) -> None:
        self.root, self.ops = root, ops

    def kids(self) -> tuple[Expr, ...]:
        return tuple(_op_kids(self.ops))

    def static_names(self) -> list[str]:
        """The root and the attribute names right after it (`aws_s3_bucket`, `b`, `id`)."""
        names = [self.root]
        for op in self.ops:
            if not isinstance(op, GetAttr):
                break
            names.append(op.name)
        return names

    def eval(self, scope: Scope) -> Any:
        return apply_ops(scope.lookup(self.root), self.ops, scope)


class Postfix(Expr):
    """Attribute/index/splat steps after a non-name expression: `f(x)[0]`, `(a)[*].b`."""

    __slots__ = ("base", "ops")

    def __init__(self, base: Expr, ops: tuple[Op, ...]) -> None:
        self.base, self.ops = base, ops

    def kids(self) -> tuple[Expr, ...]:
        return (self.base, *_op_kids(self.ops))

    def eval(self, scope: Scope) -> Any:
        return apply_ops(self.base.eval(scope), self.ops, scope)


class Call(Expr):
    __slots__ = ("args", "expand", "name")

    def __init__(self, name: str, args: tuple[Expr, ...], expand: bool) -> None:
        self.name, self.args, self.expand = name, args, expand

    def kids(self) -> tuple[Expr, ...]:
        return self.args

    def eval(self, scope: Scope) -> Any:
        if self.name == "try":
            return self._try(scope)
        if self.name == "can":
            return self._can(scope)
        args = [arg.eval(scope) for arg in self.args]
        if self.expand and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return last
            if not isinstance(last, list):
                raise EvalError("the expanded argument (...) must be a list")
            args.extend(last)
        return scope.ctx.call(self.name, args)

    def _try(self, scope: Scope) -> Any:
        for arg in self.args:
            try:
                return arg.eval(scope)
            except EvalError:
                continue
        raise EvalError("no argument of try() could be evaluated")

    def _can(self, scope: Scope) -> Any:
        if len(self.args) != 1:
            raise EvalError("can() takes one argument")
        try:
            value = self.args[0].eval(scope)
        except EvalError:
            return False
        return deep_unknown(value) or True


class Conditional(Expr):
    __slots__ = ("cond", "else_", "then")

    def __init__(self, cond: Expr, then: Expr, else_: Expr) -> None:
        self.cond, self.then, self.else_ = cond, then, else_

    def kids(self) -> tuple[Expr, ...]:
        return (self.cond, self.then, self.else_)

    def eval(self, scope: Scope) -> Any:
        cond = self.cond.eval(scope)
        if isinstance(cond, Unknown):
            return cond
        return (self.then if to_bool(cond) else self.else_).eval(scope)


def iterate(coll: Any, budget: Budget) -> list[tuple[Any, Any]]:
    if isinstance(coll, Namespace):
        coll = materialize(coll)
    if isinstance(coll, list):
        budget.spend(len(coll))
        return list(enumerate(coll))
    if isinstance(coll, dict):
        budget.spend(len(coll))
        return sorted(coll.items())
    if coll is None:
        raise EvalError("cannot iterate over null")
    raise EvalError(f"cannot iterate over a {type_name(coll)}")


class ForExpr(Expr):
    """`[for k, v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`."""

    __slots__ = ("coll", "cond", "group", "key_expr", "key_var", "value_expr", "value_var")

    def __init__(self, key_var: str | None, value_var: str, coll: Expr, key_expr: Expr | None,
                 value_expr: Expr, cond: Expr | None, group: bool) -> None:
        self.key_var, self.value_var, self.coll = key_var, value_var, coll
        self.key_expr, self.value_expr, self.cond, self.group = key_expr, value_expr, cond, group

    def kids(self) -> tuple[Expr, ...]:
        parts = (self.coll, self.key_expr, self.value_expr, self.cond)
        return tuple(p for p in parts if p is not None)

    def eval(self, scope: Scope) -> Any:
        coll = self.coll.eval(scope)
        if isinstance(coll, Unknown):
            return coll
        tuple_out: list[Any] = []
        object_out: dict[str, Any] = {}
        for key, item in iterate(coll, scope.ctx.budget):
            names = {self.value_var: item}
            if self.key_var is not None:
                names[self.key_var] = key
            inner = scope.child(names)
            if self.cond is not None:
                keep = self.cond.eval(inner)
                if isinstance(keep, Unknown):
                    return keep
                if not to_bool(keep):
                    continue
            value = self.value_expr.eval(inner)
            if self.key_expr is None:
                tuple_out.append(value)
                continue
            raw_key = self.key_expr.eval(inner)
            if isinstance(raw_key, Unknown):
                return raw_key
            name = to_str(raw_key)
            if self.group:
                object_out.setdefault(name, []).append(value)
            elif name in object_out:
                raise EvalError(f"duplicate key {name!r} in a for expression (use ... to group)")
            else:
                object_out[name] = value
        return tuple_out if self.key_expr is None else object_out
