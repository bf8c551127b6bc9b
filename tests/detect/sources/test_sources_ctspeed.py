"""The CloudTrail parse path's per-record spellings answer what the earlier ones did: the
targets of a record (parameters found by a walk, not a set intersection)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from cloudwarden.detect.sources.cloudtrail import (
    _TARGET_KEYS,
    _TARGET_PARAMETERS,
    _named_values,
    _resource_arns,
    _targets,
)


def _reference_targets(record: Mapping[str, Any]) -> tuple[str, ...]:
    """`_targets` as it was: the target parameters found by one set intersection."""
    resources = record.get("resources")
    if isinstance(resources, list) and resources:
        return _resource_arns(resources)
    params = record.get("requestParameters")
    if not isinstance(params, dict):
        return ()
    named = _TARGET_KEYS.intersection(params)
    if not named:
        return ()
    if len(named) > 1:
        return _named_values(params, named)
    for name in named:
        value = params[name]
        if isinstance(value, str) and value:
            return (value,)
    return ()


class _Text(str):
    """A str subclass, as a caller's own mapping may hold."""


_VALUES: list[Any] = ["v", "", None, 7, 0, ["x"], {"a": 1}, _Text("sub"), _Text(""), "arn:x"]
_OTHER_KEYS = ["other", "maxCount", "Host", "key", "filterSet", 3, ("t",), "NAME", "name "]


def _params(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.1:
        return rng.choice([None, "text", [], ["name"], 5, {}])
    keys = rng.sample([*_TARGET_PARAMETERS, *_OTHER_KEYS], rng.choice([0, 1, 1, 2, 3, 5, 12, 20]))
    return {key: rng.choice(_VALUES) for key in keys}


def _record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"eventName": "GetObject", "requestParameters": _params(rng)}
    if rng.random() < 0.3:
        record["resources"] = rng.choice(
            [None, [], "arn", {"ARN": "a"}, [{"ARN": "arn:r1"}, {"arn": "arn:r2"}, "x", {}],
             [{"ARN": ""}, {"arn": None}], [{"ARN": 5}]]
        )
    if rng.random() < 0.05:
        del record["requestParameters"]
    return record


def test_targets_are_the_set_intersection_answer() -> None:
    rng = random.Random(3)
    for _ in range(20_000):
        record = _record(rng)
        got, expected = _targets(record), _reference_targets(record)
        assert got == expected, record
        assert [type(v) for v in got] == [type(v) for v in expected]
