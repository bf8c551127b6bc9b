"""Inventory: a snapshot of assets, saved to and loaded from gzipped JSON lines.

The first line is a header (format version, scan metadata, collection errors); each following
line is one asset. A truncated file loads every complete asset before the cut and then raises
`SnapshotError` naming the line, unless `strict=False`, in which case the damage is reported in
`Inventory.load_problems` and everything readable is kept.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudwarden.core.errors import CollectionError, SnapshotError
from cloudwarden.core.jsonutil import json_default
from cloudwarden.core.model import Asset, AssetRef

__all__ = ["FORMAT", "Inventory"]

FORMAT = "cloudwarden.inventory/1"
#: the values the field indexes hold. A tuple, not `str | int | float | bool`: that union,
#: written in a function, is built anew at every call, which costs more than the lookup itself
_SCALARS = (str, int, float, bool)


class Inventory:
    """Assets of one scan, indexed by type and by reference. Read-only once built."""

    def __init__(
        self,
        assets: Iterable[Asset] = (),
        *,
        errors: Iterable[CollectionError] = (),
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._by_type: dict[str, list[Asset]] = defaultdict(list)
        self._by_key: dict[str, Asset] = {}
        self._by_account: dict[str, dict[str, list[Asset]]] = {}
        self._by_field: dict[tuple[str, str], dict[Any, list[Asset]]] = {}
        #: (type, field) -> (account, value) -> assets, for `find_in_account`
        self._by_account_field: dict[tuple[str, str], dict[tuple[str, Any], list[Asset]]] = {}
        self.errors: list[CollectionError] = list(errors)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.load_problems: list[str] = []
        for asset in assets:
            self.add(asset)

    def add(self, asset: Asset) -> None:
        key = asset.ref.key
        if key in self._by_key:
            # The same asset seen twice (e.g. a global resource listed from two regions):
            # keep the first, the documents are the same.
            return
        self._by_key[key] = asset
        self._by_type[asset.ref.type].append(asset)
        self._by_account.pop(asset.ref.type, None)
        if self._by_field:
            self._by_field = {k: v for k, v in self._by_field.items() if k[0] != asset.ref.type}
        if self._by_account_field:
            self._by_account_field = {k: v for k, v in self._by_account_field.items()
                                      if k[0] != asset.ref.type}

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Asset]:
        return iter(self._by_key.values())

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, AssetRef) and ref.key in self._by_key

    def get(self, ref: AssetRef) -> Asset | None:
        return self._by_key.get(ref.key)

    def of_type(self, asset_type: str) -> list[Asset]:
        return self._by_type.get(asset_type, [])

    def in_account(self, asset_type: str, account: str) -> list[Asset]:
        """Assets of a type in one account; indexed on first use, so cross-resource checks
        stay linear on large inventories."""
        index = self._by_account.get(asset_type)
        if index is None:
            index = defaultdict(list)
            for asset in self.of_type(asset_type):
                index[asset.ref.account].append(asset)
            self._by_account[asset_type] = index
        return index.get(account, [])

    def find_in_account(self, asset_type: str, account: str, field: str,
                        value: Any) -> list[Asset]:
        """`find_by` within one account: joins such as instance -> security group or function
        -> subnet stay O(1) however many accounts share the same names."""
        index = self._by_account_field.get((asset_type, field))
        if index is None:
            index = defaultdict(list)
            for asset in self.of_type(asset_type):
                key = asset.properties.get(field)
                if isinstance(key, _SCALARS):
                    index[(asset.ref.account, key)].append(asset)
            self._by_account_field[(asset_type, field)] = index
        # text first: the usual join key, and a type test ten times cheaper than isinstance
        if type(value) is str or isinstance(value, _SCALARS):
            return index.get((account, value), [])
        return []

    def find_by(self, asset_type: str, field: str, value: Any) -> list[Asset]:
        """Assets of a type whose top-level `field` equals `value` (hashable values only);
        indexed on first use, so joins such as trail -> bucket by name stay linear."""
        index = self._by_field.get((asset_type, field))
        if index is None:
            index = defaultdict(list)
            for asset in self.of_type(asset_type):
                key = asset.properties.get(field)
                if isinstance(key, _SCALARS):
                    index[key].append(asset)
            self._by_field[(asset_type, field)] = index
        if type(value) is str or isinstance(value, _SCALARS):
            return index.get(value, [])
        return []

    def types(self) -> list[str]:
        return sorted(self._by_type)

    def accounts(self) -> list[str]:
        return sorted({a.ref.account for a in self._by_key.values()})

    def find(self, asset_type: str, account: str | None = None, **props: Any) -> list[Asset]:
        """Assets of a type whose top-level properties equal the given values."""
        out = []
        for asset in self.of_type(asset_type):
            if account is not None and asset.ref.account != account:
                continue
            if all(asset.properties.get(k) == v for k, v in props.items()):
                out.append(asset)
        return out

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: str | Path) -> int:
        """Write the snapshot atomically (temp file, then rename). Returns assets written."""
        target = Path(path)
        tmp = target.with_name(target.name + ".partial")
        header = {
            "format": FORMAT,
            "saved_at": datetime.now(UTC).isoformat(),
            "metadata": self.metadata,
            "errors": [e.to_dict() for e in self.errors],
            "assets": len(self),
        }
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as fh:
            fh.write(json.dumps(header, default=json_default) + "\n")
            for asset in self:
                fh.write(json.dumps(asset.to_dict(), default=json_default,
                                    separators=(",", ":")) + "\n")
        tmp.replace(target)
        return len(self)

    @classmethod
    def load(cls, path: str | Path, *, strict: bool = True) -> Inventory:
        source = Path(path)
        if not source.is_file():
            raise SnapshotError(f"snapshot {source} does not exist or is not a file")
        inv = cls()
        line_no = 0
        try:
            with gzip.open(source, "rt", encoding="utf-8") as fh:
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    if line_no == 1:
                        inv._read_header(source, record)
                        continue
                    inv.add(Asset.from_dict(record))
        except (EOFError, OSError, zlib.error, json.JSONDecodeError, KeyError, TypeError,
                ValueError) as exc:
            if line_no <= 1 and len(inv) == 0 and not inv.metadata:
                raise SnapshotError(f"{source} is not a Cloudwarden snapshot: {exc}") from exc
            problem = (f"{source} is damaged after line {line_no} ({type(exc).__name__}: {exc}); "
                       f"{len(inv)} assets were read before it")
            if strict:
                raise SnapshotError(problem) from exc
            inv.load_problems.append(problem)
        return inv

    def _read_header(self, source: Path, header: Any) -> None:
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise SnapshotError(f"{source} is not a Cloudwarden snapshot (no {FORMAT} header)")
        self.metadata = dict(header.get("metadata") or {})
        self.errors = [CollectionError(**e) for e in header.get("errors") or []]
