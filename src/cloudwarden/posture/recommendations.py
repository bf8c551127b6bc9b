"""Recommendations: one per rule with unhealthy resources, ordered by what to fix first.

Each carries the rule's title, severity and control, the affected resources, the remediation
steps, quick fixes (the rule's CLI and Terraform templates filled with each resource's own
identifiers), the potential secure-score increase and a risk level raised by context.

Potential increase is exact and linear: fixing rule R makes healthy, for R's control, exactly
the resources whose only failing rule of that control is R (a resource that also fails another
rule of the control stays unhealthy and gains nothing). The per-control state kept by
`control_states` already says, for each resource, which single rule it fails, so counting
those resources per rule is enough; the assessed count of the control does not change, so
the gain is `max x fixed / assessed` points.

Risk level starts at the rule's severity and rises one step (capped at critical) for each
context factor that some affected resource has; the listed factors are the union over the
affected resources, the raise is that of the resource with the most factors:

- ``internet_exposure``: the resource fails *another* rule whose id says it is reachable
  (`public`, `from_world`, `exposed`); the rule's own failure is its severity, not context;
- ``admin_permissions``: the resource fails another rule whose id names admin rights
  (`admin`, which covers `full_admin`);
- ``sensitive_data``: the asset's `data-classification` tag is confidential, restricted,
  sensitive or pii.

Context comes from FAIL findings of any rule, preview ones included: they describe the
inventory, they are not scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from cloudwarden.core.controls import CONTROLS, SecurityControl
from cloudwarden.core.model import Asset, AssetRef, Finding, Severity, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.posture.score import (
    MULTIPLE,
    Rules,
    SecureScore,
    control_states,
    rule_index,
    score_from_states,
)

__all__ = ["QuickFix", "Recommendation", "recommendations"]

INTERNET_EXPOSURE = "internet_exposure"
ADMIN_PERMISSIONS = "admin_permissions"
SENSITIVE_DATA = "sensitive_data"

_EXPOSURE_WORDS = ("public", "from_world", "exposed")
_ADMIN_WORDS = ("admin",)
_SENSITIVE_TAG = "data-classification"
_SENSITIVE_VALUES = frozenset({"confidential", "restricted", "sensitive", "pii"})

_ref_order = attrgetter("provider", "account", "region", "type", "id")


class QuickFix(NamedTuple):
    """A rule's fix templates filled for one resource. Text for a person to read, never to
    pipe to a shell (see `cloudwarden.outputs.quickfix`). A NamedTuple, like `Evidence`:
    as immutable as a frozen dataclass and several times cheaper to create by the 100,000."""

    asset_key: str
    cli: str
    terraform: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What to fix for one rule. `potential_increase` is in score points,
    `potential_increase_percent` in percent of the score's total maximum."""

    rule_id: str
    title: str
    severity: Severity
    control_id: str
    control_name: str
    affected: tuple[AssetRef, ...]
    healthy_count: int
    remediation_text: str
    quick_fixes: tuple[QuickFix, ...]
    potential_increase: float
    potential_increase_percent: float
    risk_level: Severity
    risk_factors: tuple[str, ...]


class _Tally:
    """Per-rule facts gathered in one pass over the findings."""

    __slots__ = ("admin", "exposed", "failing", "passing")

    def __init__(self) -> None:
        # rule id -> resources failing it (a dict keeps first-seen order and dedupes)
        self.failing: dict[str, dict[AssetRef, None]] = {}
        # rule id -> resources passing it
        self.passing: dict[str, set[AssetRef]] = {}
        # resource -> the one context rule it fails, or MULTIPLE
        self.exposed: dict[AssetRef, str] = {}
        self.admin: dict[AssetRef, str] = {}


def _mark(marks: dict[AssetRef, str], ref: AssetRef, rule_id: str) -> None:
    prev = marks.get(ref)
    if prev is None:
        marks[ref] = rule_id
    elif prev != rule_id:
        marks[ref] = MULTIPLE


def _tally(findings: Iterable[Finding], rules: Mapping[str, RuleMeta]) -> _Tally:
    tally = _Tally()
    # rule id -> (is exposure context, is admin context); filled lazily, any rule id
    context: dict[str, tuple[bool, bool]] = {}
    recommendable = {rid for rid, meta in rules.items() if not meta.preview}
    failing, passing = tally.failing, tally.passing
    passed, failed = Status.PASS, Status.FAIL
    for finding in findings:
        status = finding.status
        rid = finding.rule_id
        if status == failed:
            ref = finding.asset
            if rid in recommendable:
                refs = failing.get(rid)
                if refs is None:
                    refs = failing[rid] = {}
                refs[ref] = None
            flags = context.get(rid)
            if flags is None:
                flags = context[rid] = (
                    any(w in rid for w in _EXPOSURE_WORDS),
                    any(w in rid for w in _ADMIN_WORDS),
                )
            if flags[0]:
                _mark(tally.exposed, ref, rid)
            if flags[1]:
                _mark(tally.admin, ref, rid)
        elif status == passed and rid in recommendable:
            seen = passing.get(rid)
            if seen is None:
                seen = passing[rid] = set()
            seen.add(finding.asset)
    return tally


def _has_other(marks: Mapping[AssetRef, str], ref: AssetRef, rule_id: str) -> bool:
    mark = marks.get(ref)
    return mark is not None and mark != rule_id


def _is_sensitive(asset: Asset | None) -> bool:
    if asset is None:
        return False
    value = asset.tags.get(_SENSITIVE_TAG)
    return value is not None and value.strip().lower() in _SENSITIVE_VALUES


def _risk(
    meta: RuleMeta,
    affected: Iterable[AssetRef],
    tally: _Tally,
    assets: Mapping[str, Asset],
) -> tuple[Severity, tuple[str, ...]]:
    present: set[str] = set()
    most = 0
    for ref in affected:
        factors = 0
        if _has_other(tally.exposed, ref, meta.id):
            present.add(INTERNET_EXPOSURE)
            factors += 1
        if _has_other(tally.admin, ref, meta.id):
            present.add(ADMIN_PERMISSIONS)
            factors += 1
        if assets and _is_sensitive(assets.get(ref.key)):
            present.add(SENSITIVE_DATA)
            factors += 1
        most = max(most, factors)
        if most == 3:
            break
    level = Severity(min(int(meta.severity) + most, int(Severity.CRITICAL)))
    order = (INTERNET_EXPOSURE, ADMIN_PERMISSIONS, SENSITIVE_DATA)
    return level, tuple(f for f in order if f in present)


class _Markers(Mapping[str, str]):
    """Answers every placeholder with a marked copy of its own name (see `_Template`)."""

    def __getitem__(self, key: str) -> str:
        return f"{_MARK}{key}{_MARK}"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_MARK = "\x00"


class _Values(dict[str, str]):
    """Placeholder values; an unknown placeholder stays as written, as the filler does."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Template:
    """A fix template turned once into a `str.format_map` pattern.

    Filling a long Terraform template with the regex for each of 100,000s of resources was
    most of the recommendations' time. The template is split once by the quick-fix filler
    itself (so the same placeholder syntax: `{Name}` yes, `${var.x}` no), its literal text
    brace-escaped, and each resource is then one C-level `format_map`.
    """

    __slots__ = ("pattern",)

    def __init__(self, text: str, fill: Callable[[str, Mapping[str, str]], str]) -> None:
        parts = fill(text, _Markers()).split(_MARK) if _MARK not in text else [text]
        pattern = []
        for i, part in enumerate(parts):
            if i % 2:
                pattern.append("{" + part + "}")
            else:
                pattern.append(part.replace("{", "{{").replace("}", "}}"))
        self.pattern = "".join(pattern)

    def fill(self, values: _Values) -> str:
        return self.pattern.format_map(values)


def _quick_fixes(
    meta: RuleMeta,
    affected: Iterable[AssetRef],
    assets: Mapping[str, Asset],
    values_cache: dict[AssetRef, _Values],
) -> tuple[QuickFix, ...]:
    if not meta.remediation.cli and not meta.remediation.terraform:
        return ()
    # Imported here: the outputs package renders posture results, so a module-level import
    # would make posture <-> outputs an import cycle as soon as a format shows recommendations.
    from cloudwarden.outputs.quickfix import fill_placeholders, placeholder_values

    cli = _Template(meta.remediation.cli, fill_placeholders)
    terraform = _Template(meta.remediation.terraform, fill_placeholders)
    fixes = []
    for ref in affected:
        key = ref.key
        values = values_cache.get(ref)
        if values is None:
            values = values_cache[ref] = _Values(placeholder_values(ref, assets.get(key)))
        fixes.append(QuickFix(key, cli.fill(values), terraform.fill(values)))
    return tuple(fixes)


def recommendations(
    findings: Iterable[Finding],
    rules: Rules,
    assets: Mapping[str, Asset] | None = None,
    *,
    score: SecureScore | None = None,
    controls: Iterable[SecurityControl] = CONTROLS,
) -> list[Recommendation]:
    """One recommendation per non-preview rule with at least one FAIL finding.

    `assets` (by asset key) fills quick-fix placeholders from canonical properties and gives
    the tags for the sensitive-data factor; without it, quick fixes use the identifiers of
    the asset reference alone. `score`, when given, is `secure_score` of these same findings,
    already computed for display: its `maximum` is the denominator of
    `potential_increase_percent` (the points themselves always come from the findings).

    Sorted by potential increase (descending), then risk level (descending), then number of
    affected resources (descending), then rule id.
    """
    controls = tuple(controls)
    index = rule_index(rules)
    findings = findings if isinstance(findings, list | tuple) else list(findings)
    states = control_states(findings, index, controls)
    tally = _tally(findings, index)
    if score is None:
        score = score_from_states(states, controls)
    maximum = score.maximum
    by_id = {c.id: c for c in controls}
    # rule id -> resources of its control that fail only this rule
    fixable: Counter[str] = Counter()
    for state in states.values():
        fixable.update(fails for fails in state.values() if fails and fails != MULTIPLE)
    asset_map: Mapping[str, Asset] = assets or {}
    # a resource failing several rules has its placeholder values computed once
    values_cache: dict[AssetRef, _Values] = {}

    out: list[Recommendation] = []
    for rule_id, failing in tally.failing.items():
        meta = index[rule_id]
        affected = tuple(sorted(failing, key=_ref_order))
        healthy = len(tally.passing.get(rule_id, set()).difference(failing))
        control = by_id.get(meta.security_control)
        gain = 0.0
        if control is not None and fixable[rule_id]:
            assessed = len(states[control.id])
            gain = control.max_score * fixable[rule_id] / assessed
        level, factors = _risk(meta, affected, tally, asset_map)
        out.append(Recommendation(
            rule_id=rule_id,
            title=meta.title,
            severity=meta.severity,
            control_id=meta.security_control,
            control_name=control.name if control is not None else meta.security_control,
            affected=affected,
            healthy_count=healthy,
            remediation_text=meta.remediation.text,
            quick_fixes=_quick_fixes(meta, affected, asset_map, values_cache),
            potential_increase=gain,
            potential_increase_percent=100.0 * gain / maximum if maximum else 0.0,
            risk_level=level,
            risk_factors=factors,
        ))
    out.sort(key=lambda r: (-r.potential_increase, -r.risk_level, -len(r.affected), r.rule_id))
    return out
