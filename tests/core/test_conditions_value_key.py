"""`value_key_function` over one field writes the value alone (no list around it): the keys of
any two documents are equal exactly when those of the general spelling are."""

from __future__ import annotations

import marshal
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cloudwarden.core.conditions import value_key_function

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=6)
documents = st.dictionaries(st.sampled_from(["A", "Other"]), values, max_size=2)


def general(doc: Any) -> bytes | None:
    """The spelling of several fields, over the one field `A`."""
    try:
        return marshal.dumps([doc.get("A", ...)], 2)
    except (ValueError, AttributeError):
        return None


@given(st.lists(documents, min_size=2, max_size=30))
def test_one_field_keys_tell_documents_apart_as_the_general_keys_do(
        docs: list[dict[str, Any]]) -> None:
    key = value_key_function(["A"])
    for doc in docs:
        assert (key(doc) is None) is (general(doc) is None)
    for first in docs:
        for second in docs:
            if general(first) is not None and general(second) is not None:
                assert (key(first) == key(second)) is (general(first) == general(second))


def test_one_field_documents_without_a_key() -> None:
    key = value_key_function(["A"])
    assert key({"A": datetime(2026, 11, 1, tzinfo=UTC)}) is None  # marshal refuses it
    assert key(["A"]) is None  # not a mapping
    assert key({}) != key({"A": None}) != key({"A": False}) != key({"A": 0})
    assert key({"Other": 1}) == key({})
