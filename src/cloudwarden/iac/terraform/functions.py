"""Terraform's built-in functions: the registry and the collection, number and type ones.

Each function takes evaluated arguments. By default an argument holding an `Unknown` anywhere
makes the result unknown (`jsonencode` of an object with an unknown inside cannot be known);
*structural* functions (`length`, `merge`, `lookup`, ...) only need their arguments' shape and
carry unknown elements through. A function we do not implement yields an `Unknown` naming it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.values import (
    EvalError,
    LimitError,
    deep_unknown,
    materialize,
    normal_number,
    to_bool,
    to_number,
    to_str,
    type_name,
)

__all__ = ["Function", "call_function", "core_functions"]

Impl = Callable[[list[Any]], Any]

#: Terraform's own limit on `range()` results.
MAX_RANGE = 1024
#: Lists built by functions (concat, flatten, setproduct) above this size stop the evaluation.
MAX_ELEMENTS = 1_000_000


@dataclass(frozen=True, slots=True)
class Function:
    impl: Impl
    arity: tuple[int, int | None]
    structural: bool = False


def call_function(table: dict[str, Function], name: str, args: list[Any]) -> Any:
    fn = table.get(name)
    if fn is None:
        if "::" in name:
            return Unknown(f"provider function {name}() is evaluated by its provider")
        return Unknown(f"function {name}() is not supported by the reader")
    args = [materialize(a) if not isinstance(a, (str, int, float, bool)) else a for a in args]
    low, high = fn.arity
    if len(args) < low or (high is not None and len(args) > high):
        raise EvalError(f"wrong number of arguments to {name}()")
    if fn.structural:
        tops = [a for a in args if isinstance(a, Unknown)]
        if tops:
            return tops[0]
    else:
        for arg in args:
            unknown = deep_unknown(arg)
            if unknown is not None:
                return unknown
    try:
        result = fn.impl(args)
    except (EvalError, LimitError):
        raise
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError, OverflowError,
            AttributeError, UnicodeError, RecursionError) as exc:
        raise EvalError(f"{name}(): {exc}") from None
    if isinstance(result, list) and len(result) > MAX_ELEMENTS:
        raise LimitError(f"{name}() builds a list above {MAX_ELEMENTS:,} elements")
    return result


def _list(value: Any, what: str = "list") -> list[Any]:
    if isinstance(value, list):
        return value
    raise EvalError(f"expected a {what}, got {type_name(value)}")


def _map(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise EvalError(f"expected a map or object, got {type_name(value)}")


def _int(value: Any) -> int:
    number = to_number(value)
    if isinstance(number, float):
        raise EvalError(f"expected a whole number, got {number}")
    return number


# --- collections ---------------------------------------------------------------------------

def _length(a: list[Any]) -> Any:
    value = a[0]
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise EvalError(f"cannot take the length of {type_name(value)}")


def _merge(a: list[Any]) -> Any:
    out: dict[str, Any] = {}
    for item in a:
        if item is None:
            continue
        out.update(_map(item))
    return out


def _concat(a: list[Any]) -> Any:
    out: list[Any] = []
    for item in a:
        out.extend(_list(item))
    return out


def _lookup(a: list[Any]) -> Any:
    mapping = _map(a[0])
    key = to_str(a[1])
    if key in mapping:
        return mapping[key]
    if len(a) == 3:
        return a[2]
    raise EvalError(f"lookup: no key {key!r} and no default")


def _element(a: list[Any]) -> Any:
    items = _list(a[0])
    if not items:
        raise EvalError("element() of an empty list")
    return items[_int(a[1]) % len(items)]


def _flatten(a: list[Any]) -> Any:
    out: list[Any] = []
    stack: list[tuple[list[Any], int]] = [(_list(a[0]), 0)]
    while stack:
        items, i = stack.pop()
        if i >= len(items):
            continue
        stack.append((items, i + 1))
        item = items[i]
        if isinstance(item, Unknown):
            return item
        if isinstance(item, list):
            if len(stack) > 100:
                raise EvalError("flatten(): list nested too deeply")
            stack.append((item, 0))
        else:
            out.append(item)
            if len(out) > MAX_ELEMENTS:
                raise LimitError(f"flatten() builds a list above {MAX_ELEMENTS:,} elements")
    return out


def _key(value: Any) -> Any:
    """A hashable stand-in for a value (sets and `distinct` compare by value)."""
    if isinstance(value, dict):
        return ("m", tuple(sorted((k, _key(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("l", tuple(_key(v) for v in value))
    return (type_name(value), value)


def _distinct(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out: list[Any] = []
    for item in items:
        key = _key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _toset(a: list[Any]) -> Any:
    value = a[0]
    items = _distinct(_list(value, "list or set"))
    if all(isinstance(i, str) for i in items):
        items.sort()
    return items


def _tolist(a: list[Any]) -> Any:
    return list(_list(a[0], "list, set or tuple"))


def _tomap(a: list[Any]) -> Any:
    return dict(_map(a[0]))


def _contains(a: list[Any]) -> Any:
    wanted = _key(a[1])
    return any(_key(item) == wanted for item in _list(a[0]))


def _coalesce(a: list[Any]) -> Any:
    for item in a:
        if isinstance(item, Unknown):
            return item
        if item is not None and item != "":
            return item
    raise EvalError("coalesce(): no non-null, non-empty argument")


def _coalescelist(a: list[Any]) -> Any:
    for item in a:
        if isinstance(item, Unknown):
            return item
        if _list(item):
            return item
    return []


def _compact(a: list[Any]) -> Any:
    return [item for item in _list(a[0]) if item is not None and item != ""]


def _zipmap(a: list[Any]) -> Any:
    keys, values = _list(a[0]), _list(a[1])
    if len(keys) != len(values):
        raise EvalError("zipmap(): the lists differ in length")
    if any(isinstance(k, Unknown) for k in keys):
        return next(k for k in keys if isinstance(k, Unknown))
    return {to_str(k): v for k, v in zip(keys, values, strict=True)}


def _keys(a: list[Any]) -> Any:
    return sorted(_map(a[0]))


def _values(a: list[Any]) -> Any:
    mapping = _map(a[0])
    return [mapping[k] for k in sorted(mapping)]


def _slice(a: list[Any]) -> Any:
    items = _list(a[0])
    start, end = _int(a[1]), _int(a[2])
    if not 0 <= start <= end <= len(items):
        raise EvalError("slice(): index out of range")
    return items[start:end]


def _index(a: list[Any]) -> Any:
    wanted = _key(a[1])
    for i, item in enumerate(_list(a[0])):
        if _key(item) == wanted:
            return i
    raise EvalError("index(): value not found")


def _one(a: list[Any]) -> Any:
    items = _list(a[0])
    if len(items) > 1:
        raise EvalError("one(): more than one element")
    return items[0] if items else None


def _setproduct(a: list[Any]) -> Any:
    result: list[list[Any]] = [[]]
    for arg in a:
        result = [[*prefix, item] for prefix in result for item in _list(arg)]
        if len(result) > MAX_ELEMENTS:
            raise LimitError("setproduct() result too large")
    return result


def _setop(kind: str) -> Impl:
    def run(a: list[Any]) -> Any:
        sets = [_distinct(_list(item, "set")) for item in a]
        keys = [{_key(i) for i in s} for s in sets]
        if kind == "union":
            out = _distinct([i for s in sets for i in s])
        elif kind == "intersection":
            out = [i for i in sets[0] if all(_key(i) in k for k in keys[1:])]
        else:
            out = [i for i in sets[0] if all(_key(i) not in k for k in keys[1:])]
        if all(isinstance(i, str) for i in out):
            out.sort()
        return out
    return run


def _chunklist(a: list[Any]) -> Any:
    items, size = _list(a[0]), _int(a[1])
    if size < 0:
        raise EvalError("chunklist(): negative size")
    if size == 0:
        return [items]
    return [items[i:i + size] for i in range(0, len(items), size)]


def _transpose(a: list[Any]) -> Any:
    out: dict[str, list[str]] = {}
    for key, items in sorted(_map(a[0]).items()):
        for item in _list(items):
            out.setdefault(to_str(item), []).append(key)
    return {k: sorted(v) for k, v in out.items()}


def _matchkeys(a: list[Any]) -> Any:
    values, keys, search = _list(a[0]), _list(a[1]), {_key(s) for s in _list(a[2])}
    return [v for v, k in zip(values, keys, strict=True) if _key(k) in search]


def _sort(a: list[Any]) -> Any:
    return sorted(to_str(item) for item in _list(a[0]))


# --- numbers and types ---------------------------------------------------------------------

def _range(a: list[Any]) -> Any:
    nums = [to_number(x) for x in a]
    start, stop, step = (0, nums[0], 1) if len(nums) == 1 else (
        nums[0], nums[1], nums[2] if len(nums) == 3 else (1 if nums[1] >= nums[0] else -1))
    if step == 0:
        raise EvalError("range(): step must not be zero")
    count = max(0, math.ceil((stop - start) / step))
    if count > MAX_RANGE:
        raise EvalError(f"range(): more than {MAX_RANGE} elements")
    return [normal_number(float(start + i * step)) if isinstance(start + i * step, float)
            else start + i * step for i in range(count)]


def _minmax(pick: Callable[..., Any]) -> Impl:
    def run(a: list[Any]) -> Any:
        if not a:
            raise EvalError("needs at least one number")
        return pick(to_number(x) for x in a)
    return run


def _round(fn: Callable[[float], int]) -> Impl:
    return lambda a: fn(to_number(a[0]))


def _parseint(a: list[Any]) -> Any:
    base = _int(a[1])
    if not 2 <= base <= 62:
        raise EvalError("parseint(): base must be between 2 and 62")
    return int(to_str(a[0]), base)


def _tostring(a: list[Any]) -> Any:
    value = a[0]
    return None if value is None else to_str(value)


def _tonumber(a: list[Any]) -> Any:
    return None if a[0] is None else to_number(a[0])


def _tobool(a: list[Any]) -> Any:
    return None if a[0] is None else to_bool(a[0])


def _sum(a: list[Any]) -> Any:
    items = _list(a[0])
    if not items:
        raise EvalError("sum() of an empty list")
    total: int | float = 0
    for item in items:
        total += to_number(item)
    return normal_number(total) if isinstance(total, float) else total


def _pow(a: list[Any]) -> Any:
    base, exp = to_number(a[0]), to_number(a[1])
    if abs(exp) > 1024:
        raise EvalError("pow(): exponent too large")
    result = base ** exp
    return normal_number(float(result)) if isinstance(result, float) else result


def _identity(a: list[Any]) -> Any:
    return a[0]


def _unknown(reason: str) -> Impl:
    return lambda a: Unknown(reason)


def core_functions() -> dict[str, Function]:
    f = Function
    return {
        "length": f(_length, (1, 1), True),
        "merge": f(_merge, (0, None), True),
        "concat": f(_concat, (0, None), True),
        "lookup": f(_lookup, (2, 3), True),
        "element": f(_element, (2, 2), True),
        "flatten": f(_flatten, (1, 1), True),
        "distinct": f(lambda a: _distinct(_list(a[0])), (1, 1)),
        "toset": f(_toset, (1, 1)),
        "tolist": f(_tolist, (1, 1), True),
        "tomap": f(_tomap, (1, 1), True),
        "contains": f(_contains, (2, 2)),
        "coalesce": f(_coalesce, (1, None), True),
        "coalescelist": f(_coalescelist, (1, None), True),
        "compact": f(_compact, (1, 1)),
        "zipmap": f(_zipmap, (2, 2), True),
        "keys": f(_keys, (1, 1), True),
        "values": f(_values, (1, 1), True),
        "slice": f(_slice, (3, 3), True),
        "reverse": f(lambda a: list(reversed(_list(a[0]))), (1, 1), True),
        "index": f(_index, (2, 2)),
        "one": f(_one, (1, 1), True),
        "setproduct": f(_setproduct, (1, None), True),
        "setunion": f(_setop("union"), (1, None)),
        "setintersection": f(_setop("intersection"), (1, None)),
        "setsubtract": f(_setop("subtract"), (2, 2)),
        "chunklist": f(_chunklist, (2, 2), True),
        "transpose": f(_transpose, (1, 1)),
        "matchkeys": f(_matchkeys, (3, 3)),
        "sort": f(_sort, (1, 1)),
        "alltrue": f(lambda a: all(to_bool(x) for x in _list(a[0])), (1, 1)),
        "anytrue": f(lambda a: any(to_bool(x) for x in _list(a[0])), (1, 1)),
        "range": f(_range, (1, 3)),
        "min": f(_minmax(min), (1, None)),
        "max": f(_minmax(max), (1, None)),
        "abs": f(lambda a: abs(to_number(a[0])), (1, 1)),
        "ceil": f(_round(math.ceil), (1, 1)),
        "floor": f(_round(math.floor), (1, 1)),
        "signum": f(lambda a: (to_number(a[0]) > 0) - (to_number(a[0]) < 0), (1, 1)),
        "pow": f(_pow, (2, 2)),
        "log": f(lambda a: normal_number(math.log(to_number(a[0]), to_number(a[1]))), (2, 2)),
        "parseint": f(_parseint, (2, 2)),
        "sum": f(_sum, (1, 1)),
        "tostring": f(_tostring, (1, 1)),
        "tonumber": f(_tonumber, (1, 1)),
        "tobool": f(_tobool, (1, 1)),
        "sensitive": f(_identity, (1, 1), True),
        "nonsensitive": f(_identity, (1, 1), True),
        "timestamp": f(_unknown("timestamp() is known only at apply"), (0, 0)),
        "uuid": f(_unknown("uuid() is random at apply"), (0, 0)),
        "bcrypt": f(_unknown("bcrypt() uses a random salt"), (1, 2)),
        "plantimestamp": f(_unknown("plantimestamp() is known only at plan"), (0, 0)),
    }
