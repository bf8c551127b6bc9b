"""`verdict_memo.remembered` gives what the check gives, whatever the names and messages.

A check that writes the name into a template (anywhere, any number of times) is asked with
and without the memo on random names from a tiny alphabet, so that names overlap the template
and each other; evidence lists are copies for each finding; a raising check raises each time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwarden.checks import verdict_memo
from cloudwarden.checks.verdict_memo import remembered
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, AssetRef, Evidence, Status
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_TEXT = st.text(alphabet="ab", max_size=3)


def _asset(name: str, value: Any) -> Asset:
    return Asset(AssetRef("p", "1", "r", "t", name), name, {"V": value, "Name": name})


def _ctx() -> CheckContext:
    return CheckContext(Inventory(), NOW)


@settings(max_examples=600, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=3), st.integers(1, 2),
       st.lists(st.tuples(_TEXT, st.sampled_from([0, 1, 1.0, (1,), [1], None])),
                min_size=1, max_size=12))
def test_messages_and_evidence_as_the_check_writes_them(
        template: list[str], times: int, assets: list[tuple[str, Any]]) -> None:
    def check(asset: Asset, ctx: CheckContext) -> CheckResult:
        value = asset.properties.get("V")
        name = asset.properties.get("Name")
        parts = [*template[:times], str(value)]
        message = f"{name}".join(parts)  # the name between the parts, `times` times or fewer
        return CheckResult(Status.PASS if value else Status.FAIL, message,
                           (Evidence("V", [value, "x"], "e"), Evidence("W", str(value))))

    wrapped = remembered(("V",), lambda a: f"{a.properties.get('Name')}", "test.verdicts")(check)
    ours, theirs = _ctx(), _ctx()
    for name, value in assets:
        asset = _asset(name, value)
        got, want = wrapped(asset, ours), check(asset, theirs)
        assert got == want
        assert type(got[2][0].value) is list


def test_copies_of_evidence_lists_and_no_memo_for_mutable_items() -> None:
    calls: list[str] = []

    def check(asset: Asset, ctx: CheckContext) -> CheckResult:
        calls.append(asset.name)
        value = asset.properties.get("V")
        return CheckResult(Status.PASS, f"thing {asset.name} ok",
                           (Evidence("V", [value], "e"), Evidence("D", {"k": 1})))

    wrapped = remembered(("V",), lambda a: a.name, "test.verdicts")(check)
    ctx = _ctx()
    first = wrapped(_asset("one", 1), ctx)
    second = wrapped(_asset("two", 1), ctx)
    assert calls == ["one"]
    assert second == (Status.PASS, "thing two ok", (Evidence("V", [1], "e"),
                                                    Evidence("D", {"k": 1})))
    assert second[2][0].value is not first[2][0].value
    assert second[2][1].value is not first[2][1].value
    wrapped(_asset("three", [2]), ctx)  # a list inside the list: not kept
    wrapped(_asset("four", [2]), ctx)
    assert calls == ["one", "three", "four"]


def test_a_raising_check_raises_every_time() -> None:
    calls = []

    def check(asset: Asset, ctx: CheckContext) -> CheckResult:
        calls.append(asset.name)
        raise ValueError(f"bad {asset.name}")

    wrapped = remembered(("V",), lambda a: a.name, "test.verdicts")(check)
    ctx = _ctx()
    for name in ("a", "b"):
        with pytest.raises(ValueError, match=f"bad {name}"):
            wrapped(_asset(name, 1), ctx)
    assert calls == ["a", "b"]


def test_a_full_memo_keeps_no_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verdict_memo, "MEMO_BYTES", 1)  # room for one entry

    def check(asset: Asset, ctx: CheckContext) -> CheckResult:
        return CheckResult(Status.PASS, f"thing {asset.name}: {asset.properties['V']}")

    wrapped = remembered(("V",), lambda a: a.name, "test.verdicts")(check)
    ctx = _ctx()
    for i in range(5):
        assert wrapped(_asset(f"n{i}", i % 3), ctx) == check(_asset(f"n{i}", i % 3), ctx)
    assert len(ctx.scratch["test.verdicts"]) == 1
