"""HCL templates: `"...${x}..."` strings and heredocs with `%{if}` / `%{for}` directives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cloudwarden.iac.terraform.expressions import Expr, Scope, iterate
from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.values import MAX_STRING, LimitError, merge_unknowns, to_bool, to_str

__all__ = ["Part", "Template", "TemplateFor", "TemplateIf"]


class TemplateIf:
    __slots__ = ("cond", "else_", "then")

    def __init__(self, cond: Expr, then: tuple[Part, ...], else_: tuple[Part, ...]) -> None:
        self.cond, self.then, self.else_ = cond, then, else_


class TemplateFor:
    __slots__ = ("coll", "key", "parts", "value")

    def __init__(self, key: str | None, value: str, coll: Expr, parts: tuple[Part, ...]) -> None:
        self.key, self.value, self.coll, self.parts = key, value, coll, parts


Part = str | Expr | TemplateIf | TemplateFor


def _part_kids(parts: tuple[Part, ...]) -> Iterator[Expr]:
    for part in parts:
        if isinstance(part, Expr):
            yield part
        elif isinstance(part, TemplateIf):
            yield part.cond
            yield from _part_kids(part.then)
            yield from _part_kids(part.else_)
        elif isinstance(part, TemplateFor):
            yield part.coll
            yield from _part_kids(part.parts)


class Template(Expr):
    """A string with `${}` interpolations and `%{if}`/`%{for}` directives."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Part, ...]) -> None:
        self.parts = parts

    def kids(self) -> tuple[Expr, ...]:
        return tuple(_part_kids(self.parts))

    def eval(self, scope: Scope) -> Any:
        out: list[str] = []
        unknowns: list[Unknown] = []
        _render(self.parts, scope, out, unknowns)
        if unknowns:
            return merge_unknowns(unknowns)
        text = "".join(out)
        if len(text) > MAX_STRING:
            raise LimitError(f"a template builds a string above {MAX_STRING:,} characters")
        return text


def _render(parts: tuple[Part, ...], scope: Scope, out: list[str],
            unknowns: list[Unknown]) -> None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Expr):
            value = part.eval(scope)
            if isinstance(value, Unknown):
                unknowns.append(value)
            else:
                out.append(to_str(value))
        elif isinstance(part, TemplateIf):
            cond = part.cond.eval(scope)
            if isinstance(cond, Unknown):
                unknowns.append(cond)
            else:
                _render(part.then if to_bool(cond) else part.else_, scope, out, unknowns)
        else:
            coll = part.coll.eval(scope)
            if isinstance(coll, Unknown):
                unknowns.append(coll)
                continue
            for key, item in iterate(coll, scope.ctx.budget):
                names = {part.value: item}
                if part.key is not None:
                    names[part.key] = key
                _render(part.parts, scope.child(names), out, unknowns)
            if sum(map(len, out)) > MAX_STRING:
                raise LimitError(f"a template builds a string above {MAX_STRING:,} characters")
