"""Secure score: how many points of each security control the assessed resources earn.

Defender for Cloud's formula, exactly:

- A resource is *assessed* for a control when it has at least one PASS or FAIL finding of a
  non-preview rule of that control. It is *healthy* for the control only if it passes every
  such rule (one FAIL makes it unhealthy). NOT_APPLICABLE, EXEMPT and ERROR findings do not
  count: a resource with only those is not assessed. Findings of `preview` rules, of rules
  missing from the catalog (collector errors `collector.*`) and of rules whose control is not
  in `controls` are ignored.
- Per control: `current = max x healthy / (healthy + unhealthy)`, kept at full precision.
- A control with no assessed resource drops out of both sums; the score is
  `sum(current) / sum(max)` over the rest, a percentage rounded to two decimals.

The module is pure: findings in, frozen values out. One pass over the findings with plain
dicts keeps a million findings well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cloudwarden.core.controls import CONTROLS, SecurityControl
from cloudwarden.core.model import AssetRef, Finding, Status
from cloudwarden.core.rule import RuleMeta

__all__ = ["ControlScore", "SecureScore", "secure_score"]

#: The rules argument: a mapping by id, or any iterable of rule metadata.
Rules = Mapping[str, RuleMeta] | Iterable[RuleMeta]

# Per control and resource, what the resource fails: HEALTHY (nothing), the id of the one rule
# it fails, or MULTIPLE. Kept as one string so the hot loop stores no per-finding objects, and
# so "fails only this rule" (the recommendations' potential increase) needs no second pass.
HEALTHY = ""
MULTIPLE = "\x00multiple"

#: control id -> {resource -> HEALTHY | failing rule id | MULTIPLE}
ControlStates = dict[str, dict[AssetRef, str]]


@dataclass(frozen=True, slots=True)
class ControlScore:
    """One assessed control. `potential_increase` is in points: what the control would gain
    if every unhealthy resource became healthy, `max / (healthy + unhealthy) x unhealthy`;
    `potential_increase_percent` is the same gain as a share of the score's total maximum."""

    control_id: str
    name: str
    max_score: int
    healthy: int
    unhealthy: int
    current: float
    potential_increase: float
    potential_increase_percent: float = 0.0

    @property
    def assessed(self) -> int:
        return self.healthy + self.unhealthy


@dataclass(frozen=True, slots=True)
class SecureScore:
    """The score over every account together, and per account.

    `controls` lists the assessed controls only, in catalog order; `maximum` is the sum of
    their max points, `current` the sum of their current points (full precision).
    `percentage` is 0.0 when `maximum` is 0 (nothing assessed, or only 0-point controls):
    callers show that as "not assessed" rather than as a failing grade."""

    percentage: float
    current: float
    maximum: int
    controls: tuple[ControlScore, ...]
    accounts: Mapping[str, float]


def rule_index(rules: Rules) -> Mapping[str, RuleMeta]:
    """Rules by id, from either accepted shape."""
    if isinstance(rules, Mapping):
        return rules
    return {r.id: r for r in rules}


def control_states(
    findings: Iterable[Finding],
    rules: Mapping[str, RuleMeta],
    controls: Iterable[SecurityControl],
) -> ControlStates:
    """One pass: per control, which resources are assessed and what each fails."""
    states: ControlStates = {c.id: {} for c in controls}
    # rule id -> its control's state dict; preview rules and unknown controls map to nothing
    by_rule = {
        rid: states[meta.security_control]
        for rid, meta in rules.items()
        if not meta.preview and meta.security_control in states
    }
    passed, failed = Status.PASS, Status.FAIL
    for finding in findings:
        status = finding.status
        if status == failed:
            rid = finding.rule_id
            state = by_rule.get(rid)
            if state is None:
                continue
            ref = finding.asset
            prev = state.get(ref)
            if not prev:  # unseen or healthy so far
                state[ref] = rid
            elif prev != rid:
                state[ref] = MULTIPLE
        elif status == passed:
            state = by_rule.get(finding.rule_id)
            if state is not None:
                state.setdefault(finding.asset, HEALTHY)
    return states


def _percentage(current: float, maximum: float) -> float:
    return round(100.0 * current / maximum, 2) if maximum else 0.0


def score_from_states(
    states: ControlStates, controls: Iterable[SecurityControl]
) -> SecureScore:
    """The score of per-control states from `control_states`.

    Several accounts are pooled per control by resource count, not by averaging their
    percentages: `sum_a(current_a x assessed_a) / sum_a(assessed_a)`, which, since
    `current_a = max x healthy_a / assessed_a`, equals `max x healthy / assessed` over all
    accounts together. An account with 1 resource at 0% and one with 99 at 100% give 99%.
    A 0-point control adds 0 to both sums, so it never divides anything.
    """
    pooled: list[tuple[SecurityControl, int, int]] = []
    # account -> [current points, max points]
    per_account: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for control in controls:
        state = states.get(control.id)
        if not state:
            continue
        healthy_by_account: dict[str, int] = defaultdict(int)
        total_by_account: dict[str, int] = defaultdict(int)
        for ref, fails in state.items():
            total_by_account[ref.account] += 1
            if not fails:
                healthy_by_account[ref.account] += 1
        healthy = sum(healthy_by_account.values())
        pooled.append((control, healthy, len(state) - healthy))
        for account, total in total_by_account.items():
            sums = per_account[account]
            sums[0] += control.max_score * healthy_by_account[account] / total
            sums[1] += control.max_score
    maximum = sum(c.max_score for c, _, _ in pooled)
    scores = []
    current_total = 0.0
    for control, healthy, unhealthy in pooled:
        per_resource = control.max_score / (healthy + unhealthy)
        current = per_resource * healthy
        gain = per_resource * unhealthy
        current_total += current
        scores.append(ControlScore(
            control_id=control.id,
            name=control.name,
            max_score=control.max_score,
            healthy=healthy,
            unhealthy=unhealthy,
            current=current,
            potential_increase=gain,
            potential_increase_percent=100.0 * gain / maximum if maximum else 0.0,
        ))
    return SecureScore(
        percentage=_percentage(current_total, maximum),
        current=current_total,
        maximum=maximum,
        controls=tuple(scores),
        accounts={a: _percentage(cur, mx) for a, (cur, mx) in sorted(per_account.items())},
    )


def secure_score(
    findings: Iterable[Finding],
    rules: Rules,
    *,
    controls: Iterable[SecurityControl] = CONTROLS,
) -> SecureScore:
    """The secure score of `findings` judged by `rules` (see the module docstring).

    Several accounts are weighted by their assessed resource count, per control: the pooled
    control scores `max x total healthy / total assessed`, i.e. the resource-weighted mean of
    the accounts' control scores, not the mean of their percentages. `accounts` gives each
    account's own percentage."""
    controls = tuple(controls)
    return score_from_states(control_states(findings, rule_index(rules), controls), controls)
