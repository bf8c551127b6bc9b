"""Terraform's JSON syntax (`.tf.json`) -> the same `Body` as native syntax.

Strings are templates (`"${var.x}"`); the block structure is given by the key depth of each
top-level block type. Inside a resource, JSON cannot tell a nested block from a map argument
without the provider schema: an object (or a list of objects) is read as nested blocks except
for the well-known map arguments (`tags`, ...). Line numbers are those of the block's name.
"""

from __future__ import annotations

import json
from typing import Any

from cloudwarden.iac import IacInputError
from cloudwarden.iac.terraform.expressions import Expr, Literal, ObjectExpr, TupleExpr
from cloudwarden.iac.terraform.parse import parse_expression, parse_template
from cloudwarden.iac.terraform.syntax import Attribute, Block, Body

__all__ = ["parse_tf_json"]

#: Label count of each top-level block type.
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0, "moved": 0, "import": 0, "check": 1}
#: Arguments that are maps, not nested blocks, whatever their JSON shape.
_MAP_ARGS = frozenset({"tags", "tags_all", "labels", "variables", "triggers", "annotations",
                       "parameters", "metadata", "environment_variables", "inputs",
                       "default", "value", "for_each", "providers", "locals"})
#: Arguments whose string is an expression, not a template (`depends_on`, `provider`).
_EXPRESSION_ARGS = frozenset({"provider", "depends_on"})
_MAX_DEPTH = 100


def parse_tf_json(text: str) -> Body:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 0)
        raise IacInputError(f"invalid JSON: {getattr(exc, 'msg', exc)}", line) from None
    if not isinstance(data, dict):
        raise IacInputError("a .tf.json file must hold a JSON object")
    return _Reader(text).top(data)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def line_of(self, *keys: str) -> int:
        """The line where the keys appear in order (an approximation: JSON has no lines)."""
        pos = 0
        for key in keys:
            found = self.text.find(json.dumps(key), pos)
            if found < 0:
                return 0
            pos = found + 1
        return self.text.count("\n", 0, pos) + 1

    def top(self, data: dict[str, Any]) -> Body:
        body = Body()
        for kind, value in data.items():
            if kind.startswith("//"):
                continue
            depth = _LABELS.get(kind)
            if depth is None:
                continue
            for labels, content in _unfold(value, depth, ()):
                line = self.line_of(kind, *labels)
                body.blocks.append(Block(kind, labels, self.body(content, kind, 0), line, line))
        return body

    def body(self, content: Any, kind: str, depth: int) -> Body:
        if depth > _MAX_DEPTH:
            raise IacInputError("JSON nested too deeply")
        body = Body()
        if not isinstance(content, dict):
            raise IacInputError(f"the body of a {kind} block must be an object")
        for key, value in content.items():
            if key.startswith("//"):
                continue
            if kind == "locals" or not _is_block(key, value):
                body.attributes[key] = Attribute(key, self.expr(key, value, depth), 0)
                continue
            if key == "dynamic":
                for labels, inner in _unfold(value, 1, ()):
                    body.blocks.append(Block(key, labels, self.body(inner, key, depth + 1), 0, 0))
                continue
            items = value if isinstance(value, list) else [value]
            for item in items:
                body.blocks.append(Block(key, (), self.body(item, key, depth + 1), 0, 0))
        return body

    def expr(self, key: str, value: Any, depth: int) -> Expr:
        if depth > _MAX_DEPTH:
            raise IacInputError("JSON nested too deeply")
        if isinstance(value, str):
            if key in _EXPRESSION_ARGS:
                return parse_expression(value)
            if "${" in value or "%{" in value:
                return parse_template(value)
            return Literal(value)
        if isinstance(value, list):
            return TupleExpr(tuple(self.expr("", v, depth + 1) for v in value))
        if isinstance(value, dict):
            items = tuple((k, self.expr("", v, depth + 1)) for k, v in value.items()
                          if not k.startswith("//"))
            return ObjectExpr(items)
        return Literal(value)


def _is_block(key: str, value: Any) -> bool:
    if key in _MAP_ARGS:
        return False
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _unfold(value: Any, depth: int, labels: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    """`{"aws_s3_bucket": {"b": {...}}}` -> [(("aws_s3_bucket", "b"), {...})]; a list of
    objects at any level repeats the level."""
    if isinstance(value, list):
        return [pair for item in value for pair in _unfold(item, depth, labels)]
    if depth == 0:
        return [(labels, value)]
    if not isinstance(value, dict):
        raise IacInputError(f"expected an object under {'.'.join(labels) or 'the block'}")
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, inner in value.items():
        if not key.startswith("//"):
            out.extend(_unfold(inner, depth - 1, (*labels, key)))
    return out
