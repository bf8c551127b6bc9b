"""`count` and `for_each`: the instances a resource or module block expands to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cloudwarden.iac.terraform.expressions import Scope
from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.syntax import Block
from cloudwarden.iac.terraform.values import EvalError, instance_key, to_number, to_str

if TYPE_CHECKING:
    from cloudwarden.iac.terraform.evaluate import ModuleInstance

__all__ = ["Expansion", "Instance", "expand"]

#: single (no count/for_each), count, for_each, or unknown: evaluated once as a representative
Expansion = Literal["single", "count", "for_each", "unknown"]


@dataclass(frozen=True, slots=True)
class Instance:
    address: str
    key: Any
    #: `count` / `each` as seen by the block's expressions
    names: dict[str, Any]


def expand(module: ModuleInstance, block: Block, base: str) -> tuple[list[Instance], Expansion]:
    attrs = block.body.attributes
    scope = Scope(module)
    if "count" in attrs:
        value = module.safe(attrs["count"].expr, scope, f"{base} count")
        count = _count(value)
        if isinstance(count, str):
            return _representative(module, base, count, "count"), "unknown"
        module.budget.spend(count)
        return [Instance(f"{base}[{i}]", i, {"count": {"index": i}}) for i in range(count)], "count"
    if "for_each" in attrs:
        value = module.safe(attrs["for_each"].expr, scope, f"{base} for_each")
        pairs = _for_each(value)
        if isinstance(pairs, str):
            return _representative(module, base, pairs, "for_each"), "unknown"
        module.budget.spend(len(pairs))
        return [Instance(base + instance_key(k), k, {"each": {"key": k, "value": v}})
                for k, v in pairs], "for_each"
    return [Instance(base, None, {})], "single"


def _count(value: Any) -> int | str:
    """The count, or why it is not known."""
    if isinstance(value, Unknown):
        return value.reason
    try:
        number = to_number(value)
    except EvalError:
        return f"count is not a number: {value!r}"
    if isinstance(number, float) or number < 0:
        return f"count must be a whole non-negative number, got {number}"
    return number


def _for_each(value: Any) -> list[tuple[str, Any]] | str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, dict):
        return sorted(value.items())
    if isinstance(value, list):
        if any(isinstance(v, Unknown) for v in value):
            return "for_each holds values known only after apply"
        try:
            keys = sorted({to_str(v) for v in value})
        except EvalError:
            return "for_each must be a map or a set of strings"
        return [(k, k) for k in keys]
    return f"for_each must be a map or a set of strings, got {value!r}"[:200]


def _representative(module: ModuleInstance, base: str, reason: str,
                    kind: str) -> list[Instance]:
    module.run.notes.append(
        f"{base}: {kind} is not known ({reason}); evaluated once as a representative instance")
    unknown = Unknown(f"{kind} of {base} is not known", (base,))
    names: dict[str, Any] = ({"count": {"index": unknown}} if kind == "count"
                             else {"each": {"key": unknown, "value": unknown}})
    return [Instance(base, None, names)]
