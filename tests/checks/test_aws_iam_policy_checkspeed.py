"""`principal_is_public` and `has_restricting_condition` answer as the code they replaced did
(loops instead of generators, a tuple of types instead of a union built per call)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwarden.checks.aws_iam_policy import (
    RESTRICTING_CONDITION_KEYS,
    as_list,
    has_restricting_condition,
    principal_is_public,
)


def _principal_is_public_before(principal: Any) -> bool:
    if principal == "*":
        return True
    if (type(principal) is dict or isinstance(principal, Mapping)):
        aws = as_list(principal.get("AWS"))
        other = [v for k, v in principal.items() if k != "AWS" for v in as_list(v)]
        if any(v == "*" for v in other):
            return True
        return any(isinstance(v, str) and "*" in v for v in aws)
    return any(v == "*" for v in as_list(principal))


def _values_restrict_before(value: Any) -> bool:
    values = as_list(value)
    return bool(values) and all(isinstance(v, str | int) and str(v).strip() not in ("", "*")
                                for v in values)


def _has_restricting_condition_before(stmt: Mapping[str, Any]) -> bool:
    condition = stmt.get("Condition")
    if not (type(condition) is dict or isinstance(condition, Mapping)):
        return False
    for operator, tests in condition.items():
        if (not (type(tests) is dict or isinstance(tests, Mapping))
                or "ifexists" in str(operator).lower()):
            continue
        for key, value in tests.items():
            if str(key).lower() in RESTRICTING_CONDITION_KEYS and _values_restrict_before(value):
                return True
    return False


_SCALARS = st.sampled_from(["*", "", " * ", "arn:aws:iam::*:root", "arn:aws:iam::123456789012:root",
                            "123456789012", 1, 0, True, 1.5, None])
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3), st.tuples(_SCALARS))
_KEYS = st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "aws:SourceIp",
                         "aws:PrincipalOrgID", "aws:userid"])


@settings(max_examples=500, deadline=None)
@given(st.one_of(_VALUES, st.dictionaries(_KEYS, _VALUES, max_size=3),
                 st.dictionaries(_KEYS, _VALUES, max_size=3).map(MappingProxyType)))
def test_principal_is_public_answers_as_before(principal: Any) -> None:
    assert principal_is_public(principal) == _principal_is_public_before(principal)


_OPERATORS = st.sampled_from(["StringEquals", "StringEqualsIfExists", "IpAddress", 3])


@settings(max_examples=500, deadline=None)
@given(st.one_of(_VALUES, st.dictionaries(_OPERATORS, st.one_of(
    _VALUES, st.dictionaries(_KEYS, _VALUES, max_size=3)), max_size=3)))
def test_has_restricting_condition_answers_as_before(condition: Any) -> None:
    stmt = {"Effect": "Allow", "Condition": condition}
    assert has_restricting_condition(stmt) == _has_restricting_condition_before(stmt)
