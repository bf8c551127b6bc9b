"""The condition compiler: every operator, missing paths, type mismatches, hostile regexes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.core.conditions import ConditionError, compile_condition

NOW = datetime(2026, 11, 1, tzinfo=UTC)
DOC: dict[str, Any] = {
    "Name": "prod-logs",
    "Count": 3,
    "Ratio": 0.5,
    "Enabled": True,
    "Nothing": None,
    "Nested": {"Deep": {"Value": "x"}},
    "Tags": {"env": "prod", "team.name": "sec"},
    "Groups": ["admins", "devs"],
    "Empty": [],
    "Rules": [
        {"Cidr": "0.0.0.0/0", "Port": 22},
        {"Cidr": "10.1.0.0/16", "Port": 443},
        {"Cidr": "::/0", "Port": 80},
    ],
    "Created": "2026-01-01T00:00:00Z",
    "Recent": "2026-10-30T00:00:00+00:00",
}


def ok(spec: dict[str, Any], doc: Any = DOC) -> bool:
    compiled = compile_condition(spec, now=NOW, params={"limit": 2, "ports": [22, 3389]})
    fast = compiled.test(doc)
    explained, evidence = compiled.explain(doc)
    assert fast is explained, "test() and explain() must agree"
    assert evidence, "explain() must say what decided the result"
    return fast


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"path": "Name", "eq": "prod-logs"}, True),
        ({"path": "Name", "eq": "other"}, False),
        ({"path": "Enabled", "eq": True}, True),
        ({"path": "Count", "eq": True}, False),  # 1/True confusion is not equality
        ({"path": "Count", "eq": 3.0}, True),
        ({"path": "Count", "eq": "3"}, False),
        ({"path": "Nothing", "eq": None}, True),
        ({"path": "Missing", "eq": None}, False),
        ({"path": "Name", "ne": "other"}, True),
        ({"path": "Missing", "ne": "x"}, True),
        ({"path": "Name", "in": ["a", "prod-logs"]}, True),
        ({"path": "Missing", "in": ["a"]}, False),
        ({"path": "Name", "not_in": ["a"]}, True),
        ({"path": "Missing", "not_in": ["a"]}, True),
        ({"path": "Name", "exists": True}, True),
        ({"path": "Nothing", "exists": True}, False),
        ({"path": "Missing", "exists": False}, True),
        ({"path": "Missing", "absent": True}, True),
        ({"path": "Nothing", "absent": True}, True),
        ({"path": "Name", "absent": True}, False),
        ({"path": "Count", "gt": 2}, True),
        ({"path": "Count", "ge": 3}, True),
        ({"path": "Count", "lt": 3}, False),
        ({"path": "Ratio", "le": 0.5}, True),
        ({"path": "Name", "gt": 5}, False),  # type mismatch is false, not an error
        ({"path": "Enabled", "gt": 0}, False),  # booleans are not numbers
        ({"path": "Missing", "lt": 10}, False),
        ({"path": "Created", "lt": "2026-06-01"}, True),  # ISO text compares in order
        ({"path": "Name", "contains": "logs"}, True),
        ({"path": "Groups", "contains": "admins"}, True),
        ({"path": "Tags", "contains": "env"}, True),
        ({"path": "Count", "contains": 3}, False),
        ({"path": "Name", "matches": "^prod-"}, True),
        ({"path": "Count", "matches": "3"}, False),
        ({"path": "Groups", "length": 2}, True),
        ({"path": "Groups", "length": {"gt": 1}}, True),
        ({"path": "Missing", "length": 0}, True),
        ({"path": "Count", "length": 0}, False),
        ({"path": "Created", "age_days": {"gt": 90}}, True),
        ({"path": "Recent", "age_days": {"gt": 90}}, False),
        ({"path": "Missing", "age_days": {"gt": 90}}, False),
        ({"path": "Name", "age_days": {"gt": 1}}, False),
        ({"path": "Nested.Deep.Value", "eq": "x"}, True),
        ({"path": "Nested.Nope.Value", "eq": "x"}, False),
        ({"path": ["Tags", "team.name"], "eq": "sec"}, True),
        ({"path": "Rules.1.Port", "eq": 443}, True),
        ({"path": "Rules.9.Port", "eq": 443}, False),
        ({"path": "Rules", "any": {"path": "Cidr", "cidr_world": True}}, True),
        ({"path": "Rules", "all": {"path": "Port", "gt": 0}}, True),
        ({"path": "Rules", "none": {"path": "Port", "eq": 3389}}, True),
        ({"path": "Empty", "any": {"path": "Port", "eq": 1}}, False),
        ({"path": "Empty", "all": {"path": "Port", "eq": 1}}, True),
        ({"path": "Missing", "none": {"path": "Port", "eq": 1}}, True),
        ({"path": "Groups", "any": {"eq": "admins"}}, True),
        ({"path": "Rules", "any": {"path": "Cidr", "cidr_public": True}}, True),
        ({"path": "Rules", "all": {"path": "Cidr", "cidr_public": True}}, False),
        ({"path": "Rules.1.Cidr", "cidr_in": "10.0.0.0/8"}, True),
        ({"path": "Rules.0.Cidr", "cidr_in": ["10.0.0.0/8", "192.168.0.0/16"]}, False),
        ({"path": "Rules.1.Cidr", "cidr_overlaps": "10.1.2.0/24"}, True),
        ({"path": "Rules.2.Cidr", "cidr_overlaps": "10.0.0.0/8"}, False),  # v6 vs v4
        ({"path": "Name", "cidr_world": True}, False),
        ({"path": "Count", "le": {"param": "limit"}}, False),
        ({"path": "Rules.0.Port", "in": {"param": "ports"}}, True),
        ({"all": [{"path": "Count", "eq": 3}, {"path": "Name", "eq": "prod-logs"}]}, True),
        ({"all": [{"path": "Count", "eq": 3}, {"path": "Name", "eq": "x"},
                  {"path": "Enabled", "eq": True}]}, False),
        ({"any": [{"path": "Count", "eq": 4}, {"path": "Name", "eq": "prod-logs"}]}, True),
        ({"any": [{"path": "Count", "eq": 4}, {"path": "Name", "eq": "x"}]}, False),
        ({"not": {"path": "Count", "eq": 4}}, True),
    ],
)
def test_operator(spec: dict[str, Any], expected: bool) -> None:
    assert ok(spec) is expected


def test_non_mapping_documents_never_raise() -> None:
    for doc in (None, [], "text", 5, {"Name": ["odd"]}):
        compiled = compile_condition({"path": "Name.First", "eq": "x"}, now=NOW)
        assert compiled.test(doc) is False


def test_evidence_names_the_deciding_element() -> None:
    compiled = compile_condition({"path": "Rules", "any": {"path": "Port", "eq": 80}}, now=NOW)
    result, evidence = compiled.explain(DOC)
    assert result is True
    assert [(e.path, e.value) for e in evidence] == [("Rules[2].Port", 80)]


def test_failed_all_reports_the_failing_child_only() -> None:
    spec = {"all": [{"path": "Count", "eq": 3}, {"path": "Name", "eq": "x"}]}
    result, evidence = compile_condition(spec, now=NOW).explain(DOC)
    assert result is False
    assert [e.path for e in evidence] == ["Name"]


def test_long_values_are_shortened_in_evidence() -> None:
    doc = {"Policy": {f"k{i}": "v" * 50 for i in range(50)}}
    _, evidence = compile_condition({"path": "Policy", "exists": True}, now=NOW).explain(doc)
    assert evidence[0].value == "<dict of 50 items>"


def test_paths_are_recorded_for_linting() -> None:
    spec = {"path": "Rules", "any": {"path": "Cidr", "cidr_world": True}}
    assert compile_condition(spec, now=NOW).paths == ("Rules", "Rules[].Cidr")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"path": "A", "frobnicate": 1}, "unknown operator 'frobnicate'"),
        ({"path": "A"}, "exactly one operator"),
        ({"path": "A", "eq": 1, "ne": 2}, "exactly one operator"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"path": "A", "eq": 1}], "any": []}, "expected one of"),
        ({"path": "", "eq": 1}, "path must be"),
        ({"eq": 1}, "expected one of"),
        ([], "non-empty mapping"),
        ({"path": "A", "in": "notalist"}, "needs a list"),
        ({"path": "A", "gt": [1]}, "needs a number or text"),
        ({"path": "A", "exists": "yes"}, "true or false"),
        ({"path": "A", "length": "long"}, "expected a number"),
        ({"path": "A", "cidr_in": "not-a-cidr"}, "cidr_in"),
        ({"path": "A", "le": {"param": "nope"}}, "unknown parameter"),
    ],
)
def test_bad_conditions_are_reported_with_location(spec: Any, message: str) -> None:
    with pytest.raises(ConditionError, match=message) as info:
        compile_condition(spec, now=NOW)
    assert info.value.where.startswith("match")


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a)\1",  # backreference
        r"(?=a)b",  # lookahead
        r"(?<!a)b",  # lookbehind
        "a" * 300,  # too long
        r"((((a{1,1000}){1,1000}){1,1000}){1,1000})",  # enormous program
    ],
)
def test_malicious_or_unsupported_regexes_are_rejected(pattern: str) -> None:
    with pytest.raises(ConditionError, match="regex"):
        compile_condition({"path": "A", "matches": pattern}, now=NOW)


def test_catastrophic_backtracking_pattern_runs_in_linear_time() -> None:
    import time

    compiled = compile_condition({"path": "A", "matches": "^(a+)+$"}, now=NOW)
    start = time.perf_counter()
    assert compiled.test({"A": "a" * 50_000 + "!"}) is False
    assert time.perf_counter() - start < 1.0


def test_memo_key_summarises_what_is_read() -> None:
    scalar = compile_condition({"all": [{"path": "Count", "gt": 1},
                                        {"path": "Name", "in": ["a", "prod-logs"]}]}, now=NOW)
    assert scalar.memo_key(DOC) == (3, "prod-logs")
    three = compile_condition({"all": [{"path": "Count", "gt": 1},
                                       {"path": "Name", "in": ["a", "prod-logs"]},
                                       {"path": "Missing", "absent": True}]}, now=NOW)
    assert three.memo_key(DOC) == three.memo_key({**DOC, "Other": 1}) is not None
    assert three.memo_key(DOC) != three.memo_key({**DOC, "Missing": None})
    # a small list read whole (length, contains) is keyed by its frozen form
    assert scalar.memo_key({"Count": [1], "Name": "a"}) is not None
    assert scalar.memo_key({"Count": [1], "Name": "a"}) != scalar.memo_key(
        {"Count": [2], "Name": "a"})
    assert scalar.memo_key({"Count": list(range(500)), "Name": "a"}) != scalar.memo_key(
        {"Count": [*range(499), 499.0], "Name": "a"})
    # a value of an odd type has no key: the rule is simply evaluated
    assert scalar.memo_key({"Count": {1, 2}, "Name": "a"}) is None
    assert scalar.memo_key({"Count": [NOW], "Name": "a"}) is None
    quantified = compile_condition({"path": "Rules", "any": {"path": "Port", "eq": 22}}, now=NOW)
    key = quantified.memo_key(DOC)
    assert key is not None
    # a quantified list is keyed whole: other top-level fields do not change the key
    assert quantified.memo_key({**DOC, "Name": "other"}) == key
    assert quantified.memo_key({"Rules": DOC["Rules"][::-1]}) != key  # positions are evidence
    assert quantified.memo_key({"Rules": [{**DOC["Rules"][0], "Port": 22.0}]}) != (
        quantified.memo_key({"Rules": [DOC["Rules"][0]]}))
    clocked = compile_condition({"path": "Created", "age_days": {"gt": 1}}, now=NOW)
    assert clocked.memo_key(DOC) is None


def test_memo_keys_keep_bools_ints_and_floats_apart() -> None:
    # True == 1 == 1.0 in Python, but `eq: true` does not hold for 1
    compiled = compile_condition({"path": "A", "eq": True}, now=NOW)
    keys = {compiled.memo_key({"A": v}) for v in (True, 1, 1.0, False, 0, 0.0)}
    assert len(keys) == 6
    nested = compile_condition({"path": "L", "any": {"path": "A", "eq": True}}, now=NOW)
    assert nested.memo_key({"L": [{"A": True}]}) != nested.memo_key({"L": [{"A": 1}]})
    whole = compile_condition({"path": "L", "contains": 1}, now=NOW)
    assert whole.memo_key({"L": [True]}) != whole.memo_key({"L": [1]})


def _random_value(rng: Any, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 2 else 6)
    if choice == 0:
        return rng.choice([True, False])
    if choice == 1:
        return rng.choice([0, 1, 22, 443, 1.0, 0.0, 22.0])
    if choice == 2:
        return rng.choice(["", "x", "0.0.0.0/0", "10.0.0.0/8", "::/0", "admin", "*"])
    if choice == 3:
        return None
    if choice in (4, 5):
        return rng.choice(["x", "*", 22])
    if choice in (6, 7):
        return [_random_element(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {"A": _random_value(rng, depth + 1)}


def _random_element(rng: Any, depth: int) -> Any:
    if rng.random() < 0.3:
        return _random_value(rng, depth + 1)
    return {k: _random_value(rng, depth + 1) for k in rng.sample(["A", "B", "L"], 2)}


MEMO_SPECS: list[Any] = [
    {"path": "A", "eq": True},
    {"path": "A", "in": [1, "x", 22]},
    {"path": "L", "contains": 22},
    {"path": "L", "length": {"gt": 1}},
    {"path": "L", "any": {"path": "A", "eq": 22}},
    {"path": "L", "all": {"any": [{"path": "A", "in": ["*", "admin"]}, {"path": "B", "eq": 1}]}},
    {"path": "L", "none": {"eq": "*"}},
    {"path": "L", "any": {"path": "L", "any": {"path": "A", "cidr_world": True}}},
    {"all": [{"path": "B", "ne": False},
             {"path": "L", "any": {"path": "B", "exists": True}},
             {"path": "L", "all": {"path": "A", "matches": "^[a-z]+$"}}]},
    {"not": {"path": "L", "any": {"path": "L", "length": 0}}},
]


@pytest.mark.parametrize("spec", MEMO_SPECS, ids=[str(i) for i in range(len(MEMO_SPECS))])
def test_equal_memo_keys_mean_equal_results_on_random_documents(spec: Any) -> None:
    import random

    rng = random.Random(11)
    compiled = compile_condition(spec, now=NOW)
    by_key: dict[object, object] = {}
    keyed = 0
    for _ in range(3000):
        doc = {k: _random_value(rng) for k in rng.sample(["A", "B", "L"], rng.randrange(4))}
        key = compiled.memo_key(doc)
        if key is None:
            continue
        keyed += 1
        result = compiled.explain(doc)
        seen = by_key.setdefault(key, result)
        assert seen == result, (doc, key)
        # evidence values equal as Python values must also be equal as types
        assert [type(e.value) for e in seen[1]] == [type(e.value) for e in result[1]]
    assert keyed > 2000 and len(by_key) > 20


def test_equal_memo_keys_mean_equal_results() -> None:
    spec = {"any": [{"path": "A.B", "eq": "x"}, {"path": "C", "ne": 2}]}
    compiled = compile_condition(spec, now=NOW)
    docs = [{"A": {"B": "x"}, "C": 2, "Other": 1}, {"A": {"B": "x"}, "C": 2, "Other": 2},
            {"A": {"B": "y"}, "C": 2}, {"A": {"B": "y"}, "C": 3}, {}]
    by_key: dict[object, object] = {}
    for doc in docs:
        key = compiled.memo_key(doc)
        assert key is not None
        result = compiled.explain(doc)
        assert by_key.setdefault(key, result) == result


def test_value_keys_are_exact_about_types_absence_and_order() -> None:
    from cloudwarden.core.conditions import value_key_function

    key = value_key_function(["A", "B"])
    docs = [{"A": True}, {"A": 1}, {"A": 1.0}, {"A": None}, {}, {"A": "1"}, {"A": [1]},
            {"A": (1,)}, {"A": {"x": 1, "y": 2}}, {"A": {"y": 2, "x": 1}}, {"A": -0.0},
            {"A": 0.0}, {"A": float("nan")}, {"B": True}, {"A": [True]}, {"A": [1.0]}]
    keys = [key(d) for d in docs]
    assert None not in keys
    assert len(set(keys)) == len(docs)  # no two of these are taken for one another
    # equal values give equal keys, whatever object identity or interning says
    shared = "prod" + str(1)
    assert key({"A": [shared, shared]}) == key({"A": ["prod1", "prod" + "1"]})
    assert key({"A": 1, "Other": "x"}) == key({"A": 1, "Other": "y"})  # only the fields named
    # values marshal refuses leave no key (the rule is then evaluated directly)
    assert key({"A": NOW}) is None
    assert key({"A": {"x": NOW}}) is None

    class Text(str):
        pass

    assert key({"A": Text("x")}) is None
