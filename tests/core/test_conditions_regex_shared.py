"""`matches` conditions share one matcher per pattern; its memo and its last-answer slot never
change an answer: compared with a plain `re.search` on names that fill the memo and recur."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudwarden.core import conditions
from cloudwarden.core.conditions import compile_condition

NOW = datetime(2026, 11, 1, tzinfo=UTC)
PATTERN = "^(system|eks|gce):"


def test_conditions_with_one_pattern_share_one_matcher() -> None:
    first = conditions._compile_regex(PATTERN, "a")
    assert conditions._compile_regex(PATTERN, "b") is first
    assert conditions._compile_regex(PATTERN + "x", "c") is not first


def test_answers_stay_right_once_the_memo_is_full() -> None:
    matcher = conditions._regex_matcher(PATTERN, "test")
    expected = re.compile(PATTERN)
    names = [f"{prefix}:role-{i}" for i in range(conditions._MEMO_ENTRIES + 500)
             for prefix in ("system", "team")]
    long_names = ["system:" + "x" * (conditions._MEMO_TEXT + 1), "y" * 400]
    # each asked twice in a row (rules sharing the matcher), then all again in another order
    for name in [*names, *long_names]:
        want = expected.search(name) is not None
        assert matcher(name) is want
        assert matcher(name) is want
    for name in reversed([*names, *long_names]):
        assert matcher(name) is (expected.search(name) is not None)
    assert matcher(42) is False and matcher(None) is False


@given(st.lists(st.sampled_from(["system:a", "eks:b", "team:c", "", "gce:", "xsystem:"]) |
                st.text(max_size=20), max_size=40))
def test_matcher_agrees_with_re_on_any_sequence(values: list[str]) -> None:
    matcher = conditions._regex_matcher(PATTERN, "test")
    for value in values:
        assert matcher(value) is (re.search(PATTERN, value) is not None)


def test_the_pattern_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conditions, "_REGEX_MATCHERS", {})
    monkeypatch.setattr(conditions, "_MAX_REGEX_MATCHERS", 3)
    for i in range(10):
        compiled = compile_condition({"path": "Name", "matches": f"^n{i}$"}, now=NOW)
        assert compiled.test({"Name": f"n{i}"}) is True
        assert compiled.test({"Name": f"n{i + 1}"}) is False
        assert len(conditions._REGEX_MATCHERS) <= 3
