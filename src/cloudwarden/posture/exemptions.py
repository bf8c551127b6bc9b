"""Exemptions: a resource, an account or a rule taken out of the assessment, on purpose.

An exemption is a `waiver` (the risk is accepted) or `mitigated` (handled by other means), with
a reason, an author and an optional expiry. A PASS or FAIL finding it matches becomes EXEMPT,
which the secure score counts as not applicable. An expired or deleted exemption simply stops
matching: nothing has to clean it up. ERROR findings (a rule that could not assess, a failed
collection) are never exempted: hiding them would hide that we do not know.

Scopes, narrowest first (the narrowest matching exemption is the one shown on the finding):

- `resource`: one asset (`asset_key`), for one rule (`rule_id`) or for every rule;
- `account`: every asset of an account, for one rule or for every rule;
- `rule`: one rule, everywhere.

Pure: values in, values out. Persistence lives in `cloudwarden.store`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast, get_args

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.model import AssetRef, Finding, Status

__all__ = [
    "CATEGORIES",
    "SCOPES",
    "Exemption",
    "ExemptionCategory",
    "ExemptionIndex",
    "ExemptionScope",
    "InvalidExemption",
    "apply_exemptions",
    "exempt",
]

ExemptionScope = Literal["resource", "account", "rule"]
ExemptionCategory = Literal["waiver", "mitigated"]
SCOPES: tuple[ExemptionScope, ...] = get_args(ExemptionScope)
CATEGORIES: tuple[ExemptionCategory, ...] = get_args(ExemptionCategory)

# Collector failures are findings too (`CollectionError.to_finding`); they are never exempted.
_COLLECTOR_PREFIX = "collector."


class InvalidExemption(CloudwardenError, ValueError):
    """An exemption whose fields do not fit together; the message says which and why."""


def _aware(name: str, value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise InvalidExemption(f"{name} must be a timezone-aware datetime (UTC), got "
                               f"{value.isoformat()}")


@dataclass(frozen=True, slots=True)
class Exemption:
    """One exemption. `deleted_at` is set by the store on a soft delete; a deleted exemption
    stays readable (audit) but never applies."""

    id: str
    scope: ExemptionScope
    rule_id: str | None
    account: str | None
    asset_key: str | None
    category: ExemptionCategory
    reason: str
    author: str
    created_at: datetime
    expires_at: datetime | None = None
    deleted_at: datetime | None = None

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise InvalidExemption(f"invalid exemption {self.id or '(no id)'}: "
                                   + "; ".join(problems))
        _aware("created_at", self.created_at)
        _aware("expires_at", self.expires_at)
        _aware("deleted_at", self.deleted_at)
        if self.expires_at is not None and self.expires_at <= self.created_at:
            raise InvalidExemption(f"invalid exemption {self.id}: expires_at "
                                   f"{self.expires_at.isoformat()} is not after created_at "
                                   f"{self.created_at.isoformat()}")

    def _problems(self) -> Iterable[str]:
        if not self.id.strip():
            yield "id is empty"
        if self.scope not in SCOPES:
            yield f"scope {self.scope!r} is not one of {', '.join(SCOPES)}"
        if self.category not in CATEGORIES:
            yield f"category {self.category!r} is not one of {', '.join(CATEGORIES)}"
        if not self.reason.strip():
            yield "reason is empty"
        if not self.author.strip():
            yield "author is empty"
        if self.rule_id is not None and not self.rule_id.strip():
            yield "rule_id is empty (use None for every rule)"
        if self.scope == "resource":
            yield from self._resource_problems()
        elif self.scope == "account":
            if not self.account:
                yield "an account exemption needs an account"
            if self.asset_key is not None:
                yield "an account exemption has no asset_key (use scope 'resource')"
        elif self.scope == "rule":
            if not self.rule_id:
                yield "a rule exemption needs a rule_id"
            if self.account is not None or self.asset_key is not None:
                yield ("a rule exemption applies everywhere: no account or asset_key "
                       "(use scope 'account' or 'resource')")

    def _resource_problems(self) -> Iterable[str]:
        if not self.asset_key:
            yield "a resource exemption needs an asset_key"
            return
        try:
            ref = AssetRef.from_key(self.asset_key)
        except ValueError:
            yield f"asset_key {self.asset_key!r} is not an asset key (provider|account|" \
                  "region|type|id)"
            return
        if self.account is not None and self.account != ref.account:
            yield f"account {self.account!r} is not the account of asset_key ({ref.account!r})"

    @classmethod
    def new(
        cls,
        *,
        scope: ExemptionScope,
        category: ExemptionCategory,
        reason: str,
        author: str,
        created_at: datetime,
        rule_id: str | None = None,
        account: str | None = None,
        asset_key: str | None = None,
        expires_at: datetime | None = None,
    ) -> Exemption:
        """A new exemption with a fresh uuid4 id. A resource exemption records the asset's
        account too, so exemptions can be listed per account."""
        if scope == "resource" and account is None and asset_key:
            with suppress(ValueError):  # __post_init__ reports a bad key
                account = AssetRef.from_key(asset_key).account
        return cls(id=str(uuid.uuid4()), scope=scope, rule_id=rule_id, account=account,
                   asset_key=asset_key, category=category, reason=reason, author=author,
                   created_at=created_at, expires_at=expires_at)

    def active(self, now: datetime) -> bool:
        """Applies at `now`: not deleted, and not expired (`expires_at <= now` is expired)."""
        if self.deleted_at is not None and self.deleted_at <= now:
            return False
        return self.expires_at is None or now < self.expires_at

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; datetimes as ISO 8601 text."""
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "scope": self.scope,
            "rule_id": self.rule_id,
            "account": self.account,
            "asset_key": self.asset_key,
            "category": self.category,
            "reason": self.reason,
            "author": self.author,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "deleted_at": iso(self.deleted_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Exemption:
        def when(value: Any) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        created = when(data.get("created_at"))
        if created is None:
            raise InvalidExemption(f"invalid exemption {data.get('id')}: created_at is missing")
        return cls(
            id=str(data["id"]),
            scope=cast(ExemptionScope, data["scope"]),
            rule_id=data.get("rule_id"),
            account=data.get("account"),
            asset_key=data.get("asset_key"),
            category=cast(ExemptionCategory, data["category"]),
            reason=str(data["reason"]),
            author=str(data["author"]),
            created_at=created,
            expires_at=when(data.get("expires_at")),
            deleted_at=when(data.get("deleted_at")),
        )


class ExemptionIndex:
    """The exemptions active at `now`, keyed for dict lookups: matching one finding costs at
    most five lookups whatever the number of exemptions."""

    __slots__ = ("_by_account", "_by_resource", "_by_rule")

    def __init__(self, exemptions: Iterable[Exemption], now: datetime) -> None:
        # Nested by asset (or account), then rule id (None: every rule), so a finding costs one
        # hash of its AssetRef and a few small-dict lookups.
        self._by_resource: dict[AssetRef, dict[str | None, Exemption]] = {}
        self._by_account: dict[str, dict[str | None, Exemption]] = {}
        self._by_rule: dict[str, Exemption] = {}
        # Oldest first, and setdefault: when two exemptions cover the same key, the older one
        # is shown, whatever the order they were given in.
        for ex in sorted(exemptions, key=lambda e: (e.created_at, e.id)):
            if not ex.active(now):
                continue
            if ex.scope == "resource" and ex.asset_key is not None:
                ref = AssetRef.from_key(ex.asset_key)
                self._by_resource.setdefault(ref, {}).setdefault(ex.rule_id, ex)
            elif ex.scope == "account" and ex.account is not None:
                self._by_account.setdefault(ex.account, {}).setdefault(ex.rule_id, ex)
            elif ex.scope == "rule" and ex.rule_id is not None:
                self._by_rule.setdefault(ex.rule_id, ex)

    def __bool__(self) -> bool:
        return bool(self._by_resource or self._by_account or self._by_rule)

    def match(self, finding: Finding) -> Exemption | None:
        """The narrowest active exemption covering `finding`, if it may be exempted at all."""
        if finding.status not in (Status.PASS, Status.FAIL):
            return None
        rule_id = finding.rule_id
        if rule_id.startswith(_COLLECTOR_PREFIX):
            return None
        if self._by_resource:
            per_rule = self._by_resource.get(finding.asset)
            if per_rule is not None:
                found = per_rule.get(rule_id) or per_rule.get(None)
                if found is not None:
                    return found
        if self._by_account:
            per_rule = self._by_account.get(finding.asset.account)
            if per_rule is not None:
                found = per_rule.get(rule_id) or per_rule.get(None)
                if found is not None:
                    return found
        return self._by_rule.get(rule_id) if self._by_rule else None


def exempt(finding: Finding, exemption: Exemption) -> Finding:
    """`finding` marked EXEMPT by `exemption`: message prefixed, evidence kept."""
    return finding._replace(status=Status.EXEMPT,
                            message=f"exempt ({exemption.category}: {exemption.reason}): "
                                    f"{finding.message}")


def apply_exemptions(
    findings: Iterable[Finding], exemptions: Iterable[Exemption], now: datetime
) -> list[Finding]:
    """The findings with every PASS/FAIL finding covered by an exemption active at `now` turned
    EXEMPT (see `exempt`); the others unchanged, in the same order."""
    index = ExemptionIndex(exemptions, now)
    if not index:
        return list(findings)
    out: list[Finding] = []
    append = out.append
    match = index.match
    for finding in findings:
        exemption = match(finding)
        append(finding if exemption is None else exempt(finding, exemption))
    return out
