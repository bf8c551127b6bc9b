"""How an asset type declares its canonical document shape.

Each asset type is declared once: its name, its provider and the fields of its canonical
document, with a type and a one-line meaning. Collectors and IaC adapters fill exactly these
fields; rules may read only these fields (the catalog test checks every rule path against them).

Field paths use dots; `[]` marks a list of objects, e.g. `Grants[].Permission`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["AssetType", "AssetTypeRegistry", "F"]

#: The field type vocabulary: str, int, float, bool, datetime (ISO-8601 text), dict, list,
#: json (a parsed JSON document such as a policy, or null), and `list[str]` etc.
FieldType = str


@dataclass(frozen=True, slots=True)
class F:
    """One field of a canonical document."""

    type: FieldType
    doc: str
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class AssetType:
    name: str
    provider: str
    title: str
    id_field: str
    fields: Mapping[str, F] = field(default_factory=dict)
    #: `account` (one per account), `region` (one per account and region) or `resource`
    scope: str = "resource"

    def has_path(self, path: str) -> bool:
        """True if `path` is a declared field, a prefix of one, or below a free-form field."""
        norm = path.replace("[]", "")
        names = {p.replace("[]", "") for p in self.fields}
        if norm in names:
            return True
        if any(n.startswith(norm + ".") for n in names):
            return True
        # below a free-form document (dict/json), anything goes: e.g. Policy.Statement
        parts = norm.split(".")
        for i in range(1, len(parts)):
            prefix = ".".join(parts[:i])
            if prefix in names and self._field(prefix).type in {"dict", "json"}:
                return True
        return False

    def _field(self, norm: str) -> F:
        for name, spec in self.fields.items():
            if name.replace("[]", "") == norm:
                return spec
        raise KeyError(norm)


class AssetTypeRegistry:
    """An explicit registry of asset types. Duplicate names are an error."""

    def __init__(self, types: Iterable[AssetType] = ()) -> None:
        self._types: dict[str, AssetType] = {}
        for t in types:
            self.register(t)

    def register(self, asset_type: AssetType) -> None:
        if asset_type.name in self._types:
            raise ValueError(f"asset type {asset_type.name} is declared twice")
        self._types[asset_type.name] = asset_type

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __getitem__(self, name: str) -> AssetType:
        return self._types[name]

    def names(self) -> list[str]:
        return sorted(self._types)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._types.values())
