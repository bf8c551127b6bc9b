"""Governance: who fixes each failing resource, and by when.

Governance rules select failing findings (recommendations) by severity and/or rule id (exact
ids or `fnmatch` globs), give each one an owner and a due date, and optionally a grace period.

- **Owner**: the resource's tag named `owner_tag` (exact key first, then case-insensitively;
  an empty value does not count), else the account's owner from `account_owners`, else
  `default_owner`. A matched finding whose owner cannot be resolved stays `unassigned` (there
  is nobody to do it), but keeps its due date.
- **Due date**: `due_days` (7, 14, 30 or 90) after the finding's first detection
  (`Finding.first_seen`, or `now` when it is unknown). A finding is `overdue` once `now` is
  past the due date and `on_time` up to and including it.
- **Grace period**: while `now` is before the due date, a finding of a rule with
  `grace_period: true` does not count against the secure score. `apply_grace` returns such
  findings with status EXEMPT (which the score ignores) and a message saying until when.
- **Completed**: assignments are recomputed from the latest scan's findings. A rule+resource
  that had an assignment in `previous` and now has a PASS finding is `completed`. A previous
  assignment with neither a PASS nor a FAIL finding now (the resource is gone, or the rule no
  longer assesses it) is dropped.

The first governance rule that selects a finding wins; a FAIL finding selected by no rule is
`unassigned` with no owner and no due date. Pure functions: findings in, frozen values out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cloudwarden.core.model import Asset, Finding, Severity, Status

__all__ = [
    "Assignment",
    "AssignmentState",
    "GovernanceConfig",
    "GovernanceRule",
    "apply_grace",
    "assign",
    "completed",
]

AssignmentState = Literal["unassigned", "on_time", "overdue", "completed"]

_FAIL, _PASS, _EXEMPT = Status.FAIL, Status.PASS, Status.EXEMPT


def is_glob(pattern: str) -> bool:
    """Whether a rule selector is an `fnmatch` pattern rather than an exact id."""
    return any(c in pattern for c in "*?[")


class GovernanceRule(BaseModel):
    """One governance rule of the `governance.rules` list (pydantic at the edge).

    With both `severities` and `rules`, a finding must match both; with neither, the rule
    selects every failing finding (a catch-all: put it last)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    severities: tuple[Severity, ...] = ()
    rules: tuple[str, ...] = ()
    due_days: Literal[7, 14, 30, 90] = 30
    grace_period: bool = False
    #: overrides the configuration's `owner_tag` for this rule
    owner_tag: str | None = None

    @field_validator("severities", mode="before")
    @classmethod
    def _severities(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(Severity.parse(v) if isinstance(v, str) else v for v in value)
        return value

    def selects(self, finding: Finding) -> bool:
        if self.severities and finding.severity not in self.severities:
            return False
        if not self.rules:
            return True
        rid = finding.rule_id
        return any(rid == p or (is_glob(p) and fnmatchcase(rid, p)) for p in self.rules)


class GovernanceConfig(BaseModel):
    """The `governance:` section of a policy file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    owner_tag: Annotated[str, Field(min_length=1)] = "owner"
    default_owner: str | None = None
    account_owners: dict[str, str] = {}
    rules: tuple[GovernanceRule, ...] = ()

    @field_validator("account_owners", mode="before")
    @classmethod
    def _quoted_accounts(cls, value: object) -> object:
        if isinstance(value, Mapping):
            bad = [k for k in value if not isinstance(k, str)]
            if bad:
                raise ValueError(f"account ids must be quoted strings, got {bad} (YAML reads "
                                 "unquoted digits as a number and drops leading zeros)")
        return value


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who fixes one failing rule+resource, and by when. `asset_key` is `AssetRef.key`;
    `owner` and `due_date` are None when no governance rule selected the finding."""

    rule_id: str
    asset_key: str
    owner: str | None
    due_date: datetime | None
    grace_period: bool
    state: AssignmentState


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _owner(asset: Asset | None, account: str, tag: str,
           config: GovernanceConfig) -> str | None:
    if asset is not None and asset.tags:
        value = asset.tags.get(tag)
        if not value:
            lowered = tag.lower()
            value = next((v for k, v in asset.tags.items() if k.lower() == lowered and v), None)
        if value:
            return value
    return config.account_owners.get(account) or config.default_owner


def _assignment(finding: Finding, assets: Mapping[str, Asset], config: GovernanceConfig,
                now: datetime) -> Assignment:
    key = finding.asset.key
    rule = next((r for r in config.rules if r.selects(finding)), None)
    if rule is None:
        return Assignment(finding.rule_id, key, None, None, False, "unassigned")
    owner = _owner(assets.get(key), finding.asset.account, rule.owner_tag or config.owner_tag,
                   config)
    first = _utc(finding.first_seen) if finding.first_seen is not None else now
    due = first + timedelta(days=rule.due_days)
    state: AssignmentState = (
        "unassigned" if owner is None else "overdue" if now > due else "on_time")
    return Assignment(finding.rule_id, key, owner, due, rule.grace_period, state)


def completed(previous: Iterable[Assignment], findings: Iterable[Finding]) -> list[Assignment]:
    """The previous assignments whose rule+resource now has a PASS finding, marked completed
    (owner, due date and grace kept as they were)."""
    passed = {(f.rule_id, f.asset.key) for f in findings if f.status is _PASS}
    out: list[Assignment] = []
    seen: set[tuple[str, str]] = set()
    for a in previous:
        key = (a.rule_id, a.asset_key)
        if key in passed and key not in seen:
            seen.add(key)
            out.append(a if a.state == "completed" else dataclasses.replace(a, state="completed"))
    return out


def assign(
    findings: Iterable[Finding],
    assets: Mapping[str, Asset],
    config: GovernanceConfig,
    now: datetime,
    previous: Iterable[Assignment] = (),
) -> list[Assignment]:
    """One assignment per FAIL finding (in the order of `findings`), then the `previous`
    assignments that are now completed. `assets` maps `AssetRef.key` to the asset, for its
    tags; a finding whose asset is missing falls back to the account and global owners."""
    now = _utc(now)
    findings = list(findings)
    out = [_assignment(f, assets, config, now) for f in findings if f.status is _FAIL]
    out.extend(completed(previous, findings))
    return out


def apply_grace(findings: Iterable[Finding], assignments: Iterable[Assignment],
                now: datetime) -> list[Finding]:
    """The findings, with each FAIL finding still in its grace period (its assignment has
    `grace_period` and a due date after `now`) turned EXEMPT, its message prefixed with
    "in grace period until <date>: ". The secure score ignores EXEMPT findings, so such a
    resource does not count against the score until its due date; other findings are
    returned unchanged."""
    now = _utc(now)
    grace = {(a.rule_id, a.asset_key): a.due_date for a in assignments
             if a.grace_period and a.due_date is not None and a.due_date > now
             and a.state != "completed"}
    if not grace:
        return list(findings)
    out: list[Finding] = []
    for f in findings:
        due = grace.get((f.rule_id, f.asset.key)) if f.status is _FAIL else None
        if due is None:
            out.append(f)
        else:
            out.append(f._replace(
                status=_EXEMPT,
                message=f"in grace period until {due.date().isoformat()}: {f.message}"))
    return out
