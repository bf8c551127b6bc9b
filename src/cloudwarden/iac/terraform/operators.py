"""HCL operators: arithmetic, comparison, logic, negation (Terraform's number and bool rules)."""

from __future__ import annotations

from typing import Any

from cloudwarden.iac.terraform.expressions import Expr, Scope
from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.values import (
    EvalError,
    deep_unknown,
    merge_unknowns,
    normal_number,
    to_bool,
    to_number,
)

__all__ = ["Binary", "Unary"]


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    if isinstance(left, str) != isinstance(right, str):
        return False
    return bool(left == right)


def _arith(op: str, left: Any, right: Any) -> Any:
    a, b = to_number(left), to_number(right)
    if op == "+":
        result: int | float = a + b
    elif op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    elif op == "/":
        if b == 0:
            raise EvalError("division by zero")
        result = a // b if isinstance(a, int) and isinstance(b, int) and a % b == 0 else a / b
    else:
        if b == 0:
            raise EvalError("modulo by zero")
        result = a % b
    if isinstance(result, float):
        return normal_number(result)
    if result.bit_length() > 1024:
        raise EvalError("number too large")
    return result


def _compare(op: str, left: Any, right: Any) -> bool:
    a, b = to_number(left), to_number(right)
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a >= b


class Binary(Expr):
    __slots__ = ("left", "op", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.left, self.right = op, left, right

    def kids(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def eval(self, scope: Scope) -> Any:
        op = self.op
        left = self.left.eval(scope)
        right = self.right.eval(scope)
        if op in ("&&", "||"):
            return _logic(op, left, right)
        unknown = deep_unknown(left), deep_unknown(right)
        if unknown[0] or unknown[1]:
            return merge_unknowns(u for u in unknown if u is not None)
        if op == "==":
            return _equal(left, right)
        if op == "!=":
            return not _equal(left, right)
        if op in ("<", ">", "<=", ">="):
            return _compare(op, left, right)
        return _arith(op, left, right)


def _logic(op: str, left: Any, right: Any) -> Any:
    # A known operand that decides the result wins over an unknown one (false && ?).
    decisive = op == "||"
    known = [to_bool(v) for v in (left, right) if not isinstance(v, Unknown)]
    if decisive in known:
        return decisive
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return merge_unknowns(v for v in (left, right) if isinstance(v, Unknown))
    return known[0] or known[1] if decisive else known[0] and known[1]


class Unary(Expr):
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Expr) -> None:
        self.op, self.operand = op, operand

    def kids(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def eval(self, scope: Scope) -> Any:
        value = self.operand.eval(scope)
        if isinstance(value, Unknown):
            return value
        if self.op == "!":
            return not to_bool(value)
        return -to_number(value)
