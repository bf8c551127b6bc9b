"""What a rule's optional Python `check` receives and returns.

A check is a pure function `check(asset, ctx) -> CheckResult`: it reads the asset and, for
cross-resource logic, other assets of the same inventory through `ctx`. It never does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from cloudwarden.core.model import Asset, AssetRef, Evidence, Status

__all__ = ["CheckContext", "CheckFn", "CheckResult", "InventoryView", "compile_template",
           "fill_template"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class InventoryView(Protocol):
    def of_type(self, asset_type: str) -> list[Asset]: ...

    def get(self, ref: AssetRef) -> Asset | None: ...

    def in_account(self, asset_type: str, account: str) -> list[Asset]: ...

    def find_by(self, asset_type: str, field: str, value: Any) -> list[Asset]: ...

    def find_in_account(self, asset_type: str, account: str, field: str,
                        value: Any) -> list[Asset]: ...


_PASS, _FAIL, _NA = Status.PASS, Status.FAIL, Status.NOT_APPLICABLE
#: builds a NamedTuple from one tuple in C, as its `_make` does: the classmethods below skip
#: the generated constructor's Python frame (a third of their cost, once per evaluation)
_tuple_new = tuple.__new__


class CheckResult(NamedTuple):
    """What a check decided. A NamedTuple: immutable, and cheap enough to create once per
    evaluation on the engine's hot path (a frozen dataclass costs about four times more)."""

    status: Status
    message: str = ""
    evidence: tuple[Evidence, ...] = ()

    @classmethod
    def passed(cls, message: str = "", *evidence: Evidence) -> CheckResult:
        return _tuple_new(cls, (_PASS, message, evidence))

    @classmethod
    def failed(cls, message: str = "", *evidence: Evidence) -> CheckResult:
        return _tuple_new(cls, (_FAIL, message, evidence))

    @classmethod
    def not_applicable(cls, message: str = "", *evidence: Evidence) -> CheckResult:
        return _tuple_new(cls, (_NA, message, evidence))


@dataclass(frozen=True)
class CheckContext:
    inventory: InventoryView
    now: datetime
    params: Mapping[str, Any] = field(default_factory=dict)
    #: per-rule scratch space that lives as long as one assessment: a check may keep values
    #: derived from its parameters here (parsed port ranges, normalized sets) instead of
    #: deriving them again for every asset, and memos of pure functions of asset values
    #: (verdicts per distinct value read, `checks.verdict_memo`). Results must never depend on
    #: the order assets are assessed in: nothing kept here may say which assets came before.
    scratch: dict[str, Any] = field(default_factory=dict)

    def derived(self, key: str, make: Callable[[], Any]) -> Any:
        """`scratch[key]`, computed by `make()` the first time it is asked for."""
        try:
            return self.scratch[key]
        except KeyError:
            value = self.scratch[key] = make()
            return value

    def same_account(self, asset: Asset, asset_type: str) -> list[Asset]:
        """Assets of `asset_type` in the same provider account as `asset`."""
        return self.inventory.in_account(asset_type, asset.ref.account)

    def account_asset(self, asset: Asset) -> Asset | None:
        """The account-level asset (e.g. `aws.account`) of the asset's account, if collected."""
        found = self.same_account(asset, f"{asset.ref.provider}.account")
        return found[0] if found else None


CheckFn = Callable[[Asset, CheckContext], CheckResult]


def fill_template(template: str, asset: Asset) -> str:
    """Replace `{Identifier}` placeholders with the asset's top-level properties (or `name`,
    `asset_id`, `region`, `account`). Only plain identifiers are replaced - never attribute or
    index access, unlike str.format - and unknown ones are left as written."""
    props = asset.properties
    special = {"name": asset.name, "asset_id": asset.ref.id, "region": asset.ref.region,
               "account": asset.ref.account}

    def repl(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in special:
            return special[key]
        value = props.get(key)
        if value is None or isinstance(value, dict | list):
            return m.group(0)
        return str(value)

    return _PLACEHOLDER.sub(repl, template)


def compile_template(template: str) -> Callable[[Asset], str]:
    """`fill_template` split once into literal and placeholder parts, for the hot path (one
    message per finding): templates of one or two placeholders are plain concatenations."""
    parts = _PLACEHOLDER.split(template)
    if len(parts) == 1:
        return lambda _asset: template
    literals = parts[0::2]
    keys = parts[1::2]
    fillers = [_filler(k) for k in keys]
    if len(keys) == 1 and keys[0] not in _SPECIAL:
        # the most common message: one property, almost always text (inlined: one call less)
        (key,), (f,), (before, after) = keys, fillers, literals

        def render1(asset: Asset) -> str:
            value = asset.properties.get(key)
            if type(value) is str:
                return before + value + after
            return before + f(asset) + after

        return render1
    if keys == ["name"]:  # the next most common: the asset's name, read without a call
        before, after = literals
        return lambda asset: before + asset.name + after
    if len(keys) == 1:
        (f,), (before, after) = fillers, literals
        return lambda asset: before + f(asset) + after
    if len(keys) == 2 and not _SPECIAL.intersection(keys):
        # two properties ("{Kind} {Name} ..."), text as a rule: inlined like one
        (k1, k2), (f1, f2), (a, b, c) = keys, fillers, literals

        def render2(asset: Asset) -> str:
            props = asset.properties
            v1, v2 = props.get(k1), props.get(k2)
            if type(v1) is str and type(v2) is str:  # an f-string of texts: one allocation
                return f"{a}{v1}{b}{v2}{c}"
            return a + f1(asset) + b + f2(asset) + c

        return render2
    if len(keys) == 2:
        (f1, f2), (a, b, c) = fillers, literals
        return lambda asset: a + f1(asset) + b + f2(asset) + c

    def fill(asset: Asset) -> str:
        out = [literals[0]]
        for f, literal in zip(fillers, literals[1:], strict=True):
            out.append(f(asset))
            out.append(literal)
        return "".join(out)

    return fill


_SPECIAL = frozenset({"name", "asset_id", "region", "account"})


def _filler(key: str) -> Callable[[Asset], str]:
    """One placeholder of `fill_template`: an asset's name, id, region or account, or a
    top-level property (a missing, null, list or mapping value leaves the placeholder)."""
    if key == "name":
        return lambda asset: asset.name
    if key == "asset_id":
        return lambda asset: asset.ref.id
    if key == "region":
        return lambda asset: asset.ref.region
    if key == "account":
        return lambda asset: asset.ref.account
    unfilled = "{" + key + "}"

    def text(asset: Asset) -> str:
        value = asset.properties.get(key)
        if type(value) is str:
            return value
        if value is None or isinstance(value, dict | list):
            return unfilled
        return str(value)

    return text
