"""The inventory's field indexes answer as the code they replaced did.

`Inventory.find_in_account` keeps its own (type, field) -> (account, value) index and tests the
asked value with a type test before `isinstance` against a tuple; the reference below is the
earlier code, which built a `str | int | float | bool` union at every call and shared one
index table with `find_by`. Both are compared on random inventories, with values of every
scalar type (True, 1 and 1.0 are equal keys), unhashable values, and assets added after an
index was built.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.inventory.snapshot import Inventory


class _Reference:
    """The earlier `find_in_account` and `find_by`, over a plain list of assets."""

    def __init__(self) -> None:
        self.assets: list[Asset] = []
        self.keys: set[str] = set()
        self._by_field: dict[tuple[str, str], dict[Any, list[Asset]]] = {}

    def add(self, asset: Asset) -> None:
        if asset.ref.key in self.keys:
            return
        self.keys.add(asset.ref.key)
        self.assets.append(asset)
        self._by_field = {k: v for k, v in self._by_field.items() if k[0] != asset.ref.type}

    def of_type(self, asset_type: str) -> list[Asset]:
        return [a for a in self.assets if a.ref.type == asset_type]

    def find_in_account(self, asset_type: str, account: str, field: str,
                        value: Any) -> list[Asset]:
        index = self._by_field.get((asset_type, "\x00" + field))
        if index is None:
            index = defaultdict(list)
            for asset in self.of_type(asset_type):
                key = asset.properties.get(field)
                if isinstance(key, str | int | float | bool):
                    index[(asset.ref.account, key)].append(asset)
            self._by_field[(asset_type, "\x00" + field)] = index
        if not isinstance(value, str | int | float | bool):
            return []
        return index.get((account, value), [])

    def find_by(self, asset_type: str, field: str, value: Any) -> list[Asset]:
        index = self._by_field.get((asset_type, field))
        if index is None:
            index = defaultdict(list)
            for asset in self.of_type(asset_type):
                key = asset.properties.get(field)
                if isinstance(key, str | int | float | bool):
                    index[key].append(asset)
            self._by_field[(asset_type, field)] = index
        return index.get(value, []) if isinstance(value, str | int | float | bool) else []


class _Text(str):
    """A str subclass: isinstance says str, the type test does not."""


_VALUES = st.sampled_from(["a", "b", "", 1, 0, True, False, 1.0, 2.5, None, _Text("a"),
                           ["a"], {"a": 1}, ("a",)])
_TYPES = st.sampled_from(["t.one", "t.two"])
_ACCOUNTS = st.sampled_from(["111", "222"])
_FIELDS = st.sampled_from(["Name", "Id", "Missing"])

_ASSETS = st.lists(st.tuples(_TYPES, _ACCOUNTS, st.integers(0, 30), _VALUES, _VALUES),
                   max_size=25)
_QUERIES = st.lists(st.tuples(st.booleans(), _TYPES, _ACCOUNTS, _FIELDS, _VALUES),
                    min_size=1, max_size=12)


def _asset(asset_type: str, account: str, n: int, name: Any, ident: Any) -> Asset:
    return Asset(AssetRef("aws", account, "r", asset_type, f"id{n}"), f"a{n}",
                 {"Name": name, "Id": ident})


@settings(max_examples=300, deadline=None)
@given(_ASSETS, _QUERIES, _ASSETS, _QUERIES)
def test_find_in_account_and_find_by_answer_as_before(
        first: list[tuple[str, str, int, Any, Any]],
        queries: list[tuple[bool, str, str, str, Any]],
        later: list[tuple[str, str, int, Any, Any]],
        more_queries: list[tuple[bool, str, str, str, Any]]) -> None:
    inv, ref = Inventory(), _Reference()
    for batch, asked in ((first, queries), (later, more_queries)):
        for row in batch:  # assets added after the indexes of the first round were built
            asset = _asset(*row)
            inv.add(asset)
            ref.add(asset)
        for in_account, asset_type, account, field, value in asked:
            if in_account:
                got = inv.find_in_account(asset_type, account, field, value)
                want = ref.find_in_account(asset_type, account, field, value)
            else:
                got = inv.find_by(asset_type, field, value)
                want = ref.find_by(asset_type, field, value)
            assert [a.ref.key for a in got] == [a.ref.key for a in want]


def test_edge_values() -> None:
    inv = Inventory([_asset("t.one", "111", 1, True, 1.0), _asset("t.one", "111", 2, 1, "x"),
                     _asset("t.one", "222", 3, _Text("s"), None)])
    # True, 1 and 1.0 are one key, as in a dict
    assert [a.name for a in inv.find_in_account("t.one", "111", "Name", 1.0)] == ["a1", "a2"]
    assert [a.name for a in inv.find_by("t.one", "Id", True)] == ["a1"]
    # a str subclass is text, both as a stored value and as the value asked for
    assert [a.name for a in inv.find_in_account("t.one", "222", "Name", "s")] == ["a3"]
    assert [a.name for a in inv.find_by("t.one", "Name", _Text("s"))] == ["a3"]
    # unhashable and null values find nothing
    assert inv.find_in_account("t.one", "111", "Name", [True]) == []
    assert inv.find_by("t.one", "Id", None) == []
