"""The structure of a Terraform file: bodies of attributes and blocks (both syntaxes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cloudwarden.iac.terraform.expressions import Expr

__all__ = ["Attribute", "Block", "Body"]


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    start_line: int
    end_line: int
    #: the file the block was written in, as shown to the user
    file: str = ""
