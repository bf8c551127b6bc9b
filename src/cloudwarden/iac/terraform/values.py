"""Runtime values of the HCL evaluator: errors, unknown propagation, lazy namespaces.

Values are plain JSON-like Python (str, int, float, bool, None, list, dict) plus `Unknown`.
Two helpers stand for things the configuration names but does not spell out as a value:
`Namespace` (`var`, `local`, `aws_s3_bucket`, `module`: looked up lazily, by name) and
`ResourceObject` (one resource instance: an attribute its block does not set is computed at
apply, so reading it yields an `Unknown` naming the resource).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from cloudwarden.iac.terraform.model import Unknown

__all__ = [
    "MAX_STRING",
    "Budget",
    "EvalError",
    "LimitError",
    "Namespace",
    "ResourceObject",
    "deep_unknown",
    "instance_key",
    "materialize",
    "merge_unknowns",
    "to_number",
    "to_str",
    "type_name",
]

#: Strings longer than this (built by templates or functions) stop the evaluation.
MAX_STRING = 4 * 1024 * 1024


class EvalError(Exception):
    """An expression Terraform itself would refuse (unknown name, wrong type, bad index)."""


class LimitError(Exception):
    """The configuration asks for more work than a scan allows (exponential `for`, huge
    strings, deep recursion). Unlike `EvalError` it aborts the whole module."""


class Budget:
    """Counts evaluation steps (loop iterations, produced elements) of one root module."""

    __slots__ = ("left",)

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise LimitError("evaluation needs too many steps (an exponential expression?)")


class Namespace:
    """Names resolved on first use (`var`, `local`, `module`, a resource type, `data.<type>`,
    and a module instance's outputs). One with `names` is also a value: an object."""

    __slots__ = ("get", "label", "names")

    def __init__(self, label: str, get: Callable[[str], Any],
                 names: tuple[str, ...] | None = None) -> None:
        self.label = label
        #: name -> value; raises `KeyError` for a name the namespace does not hold
        self.get = get
        self.names = names

    def attr(self, name: str) -> Any:
        try:
            return self.get(name)
        except KeyError:
            raise EvalError(f"{self.label}.{name} is not declared") from None

    def __repr__(self) -> str:
        return f"Namespace({self.label})"


class ResourceObject(dict[str, Any]):
    """The configured arguments of one resource instance; anything else is known at apply."""

    __slots__ = ("address",)

    def __init__(self, address: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.address = address

    def missing(self, name: str) -> Unknown:
        return Unknown(f"{self.address}.{name} is known only after apply", (self.address,))


def materialize(value: Any, depth: int = 0) -> Any:
    """A value with its lazy objects (a module's outputs) made plain, for values that leave
    the evaluator or reach a function."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if depth > 100:
        raise LimitError("value nested too deeply")
    if isinstance(value, Namespace):
        if value.names is None:
            raise EvalError(f"{value.label} is not a value")
        return {name: materialize(value.get(name), depth + 1) for name in value.names}
    if isinstance(value, list) and any(_lazy(v) for v in value):
        return [materialize(v, depth + 1) for v in value]
    if isinstance(value, dict) and not isinstance(value, ResourceObject) and any(
            _lazy(v) for v in value.values()):
        return {k: materialize(v, depth + 1) for k, v in value.items()}
    return value


def _lazy(value: Any) -> bool:
    if isinstance(value, Namespace):
        return True
    if isinstance(value, list):
        return any(_lazy(v) for v in value)
    if isinstance(value, dict):
        return any(_lazy(v) for v in value.values())
    return False


def merge_unknowns(unknowns: Iterable[Unknown]) -> Unknown:
    """One Unknown standing for several: the first reason, every resource reference."""
    first: Unknown | None = None
    refs: dict[str, None] = {}
    for u in unknowns:
        if first is None:
            first = u
        refs.update(dict.fromkeys(u.refs))
    if first is None:
        return Unknown("unknown")
    return first if tuple(refs) == first.refs else Unknown(first.reason, tuple(refs))


def deep_unknown(value: Any) -> Unknown | None:
    """The (merged) Unknowns anywhere inside a value, or None when it is fully known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return None
    found: list[Unknown] = []
    _collect(value, found, 0)
    return merge_unknowns(found) if found else None


def _collect(value: Any, found: list[Unknown], depth: int) -> None:
    if depth > 200:
        raise LimitError("value nested too deeply")
    if isinstance(value, Unknown):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            if not isinstance(item, (str, int, float, bool)) and item is not None:
                _collect(item, found, depth + 1)
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, (str, int, float, bool)) and item is not None:
                _collect(item, found, depth + 1)


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "tuple"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def format_number(value: int | float) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def to_str(value: Any) -> str:
    """Terraform's conversion of a primitive to string (templates, `tostring`, `join`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if value is None:
        raise EvalError("cannot use a null value in a string")
    raise EvalError(f"cannot convert {type_name(value)} to string")


def to_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("cannot convert bool to number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            # the value itself is never shown: it may be a secret used in the wrong place
            raise EvalError(f"cannot convert a string of {len(value)} characters to number"
                            ) from None
        return normal_number(number)
    raise EvalError(f"cannot convert {type_name(value)} to number")


def normal_number(value: float) -> int | float:
    """Terraform numbers have one type: an integral float becomes an int (4 / 2 == 2)."""
    if value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise EvalError(f"cannot convert {type_name(value)} to bool")


def instance_key(key: int | str) -> str:
    """The index part of an instance address: `[0]` or `["key"]`."""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key, ensure_ascii=False)}]"
