"""Regulatory compliance: the state of every control of every framework, judged from findings.

A rule is *assessed* when it has at least one PASS or FAIL finding; it *passes* when it has PASS
findings and no FAIL finding, and is *skipped* when nothing was assessed (only not-applicable,
exempt or error results, or no result at all). A control then is

- ``failed``      when any of its rules fails,
- ``passed``      when all its assessed rules pass (skipped rules do not count against it),
- ``skipped``     when all its rules are skipped,
- ``unsupported`` when it has no automated rule (manual or not yet covered controls).

A framework whose controls are all skipped or unsupported has no relevant resources and is left
out unless asked for, as Defender for Cloud's regulatory compliance dashboard does.

The work is linear: findings are reduced to one tally per rule in a single pass, then every
control reads the tallies of its rules; controls that share the same rules share the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cloudwarden.core.model import AssetRef, Finding, Status
from cloudwarden.frameworks import Control, Framework, load_frameworks

__all__ = [
    "ControlState",
    "ControlStatus",
    "FrameworkCompliance",
    "compliance",
    "load_compliance_frameworks",
]

ControlStatus = Literal["passed", "failed", "skipped", "unsupported"]


@dataclass(frozen=True, slots=True)
class ControlState:
    """One control of one framework, judged.

    `passed_resources` counts the distinct resources the control's rules assessed that failed
    none of them; `failed_resources` the distinct resources that failed at least one.
    `failing_rules` lists the control's rules with a FAIL finding, in the control's order.
    """

    framework_id: str
    control_id: str
    title: str
    section: str
    state: ControlStatus
    rules: tuple[str, ...]
    passed_resources: int
    failed_resources: int
    failing_rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework_id": self.framework_id,
            "control_id": self.control_id,
            "title": self.title,
            "section": self.section,
            "state": self.state,
            "rules": list(self.rules),
            "passed_resources": self.passed_resources,
            "failed_resources": self.failed_resources,
            "failing_rules": list(self.failing_rules),
        }


@dataclass(frozen=True, slots=True)
class FrameworkCompliance:
    """Every control of one framework, judged, with the number of controls in each state.

    `relevant` is false when no control was assessed (all skipped or unsupported).
    """

    framework_id: str
    name: str
    version: str
    controls: tuple[ControlState, ...]
    passed: int
    failed: int
    skipped: int
    unsupported: int
    relevant: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework_id": self.framework_id,
            "name": self.name,
            "version": self.version,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "unsupported": self.unsupported,
            "relevant": self.relevant,
            "controls": [c.to_dict() for c in self.controls],
        }


@dataclass(slots=True)
class _RuleTally:
    """What the findings of one rule say: the resources it passed and the ones it failed."""

    passing: set[AssetRef] = field(default_factory=set)
    failing: set[AssetRef] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Verdict:
    state: ControlStatus
    passed_resources: int
    failed_resources: int
    failing_rules: tuple[str, ...]


_SKIPPED = _Verdict("skipped", 0, 0, ())
_UNSUPPORTED = _Verdict("unsupported", 0, 0, ())


def _tally(findings: Iterable[Finding], wanted: frozenset[str]) -> dict[str, _RuleTally]:
    """One pass over the findings; only PASS and FAIL results of mapped rules are kept."""
    tallies: dict[str, _RuleTally] = {}
    passed, failed = Status.PASS, Status.FAIL
    for finding in findings:
        status = finding.status
        if status is not passed and status is not failed:
            continue
        rule_id = finding.rule_id
        tally = tallies.get(rule_id)
        if tally is None:
            if rule_id not in wanted:
                continue
            tally = tallies[rule_id] = _RuleTally()
        if status is failed:
            tally.failing.add(finding.asset)
        else:
            tally.passing.add(finding.asset)
    return tallies


def _judge(rules: tuple[str, ...], tallies: dict[str, _RuleTally]) -> _Verdict:
    if not rules:
        return _UNSUPPORTED
    assessed = [(rule, tallies[rule]) for rule in rules if rule in tallies]
    if not assessed:
        return _SKIPPED
    failing_rules = tuple(rule for rule, tally in assessed if tally.failing)
    if len(assessed) == 1:
        tally = assessed[0][1]
        failing: set[AssetRef] = tally.failing
        passing = tally.passing - failing if failing else tally.passing
    else:
        failing = set().union(*(t.failing for _, t in assessed)) if failing_rules else set()
        passing = set().union(*(t.passing for _, t in assessed))
        if failing:
            passing -= failing
    state: ControlStatus = "failed" if failing_rules else "passed"
    return _Verdict(state, len(passing), len(failing), failing_rules)


def _framework(framework: Framework, tallies: dict[str, _RuleTally],
               memo: dict[tuple[str, ...], _Verdict]) -> FrameworkCompliance:
    states: list[ControlState] = []
    counts = {"passed": 0, "failed": 0, "skipped": 0, "unsupported": 0}
    for control in framework.controls:
        verdict = memo.get(control.rules)
        if verdict is None:
            verdict = memo[control.rules] = _judge(control.rules, tallies)
        counts[verdict.state] += 1
        states.append(_state(framework, control, verdict))
    return FrameworkCompliance(
        framework.id, framework.name, framework.version, tuple(states),
        passed=counts["passed"], failed=counts["failed"], skipped=counts["skipped"],
        unsupported=counts["unsupported"], relevant=bool(counts["passed"] or counts["failed"]))


def _state(framework: Framework, control: Control, verdict: _Verdict) -> ControlState:
    return ControlState(framework.id, control.id, control.title, control.section, verdict.state,
                        control.rules, verdict.passed_resources, verdict.failed_resources,
                        verdict.failing_rules)


def compliance(
    findings: Iterable[Finding],
    frameworks: Sequence[Framework],
    *,
    include_irrelevant: bool = False,
) -> list[FrameworkCompliance]:
    """The compliance of every framework, in the order given.

    Frameworks with no relevant resources (no control passed or failed) are left out unless
    `include_irrelevant` is true.
    """
    wanted = frozenset(rule for f in frameworks for c in f.controls for rule in c.rules)
    tallies = _tally(findings, wanted)
    memo: dict[tuple[str, ...], _Verdict] = {}
    results = [_framework(f, tallies, memo) for f in frameworks]
    return [r for r in results if include_irrelevant or r.relevant]


def load_compliance_frameworks(
    extra: Iterable[Path | str] = (),
    *,
    known_rules: Iterable[str] | None = None,
) -> list[Framework]:
    """The built-in frameworks plus the user's framework files or directories in `extra`.

    A thin wrapper over `cloudwarden.frameworks.load_frameworks`: any bad file raises
    FrameworkLoadError naming every problem; with `known_rules`, unknown rule ids are errors.
    """
    return load_frameworks([Path(p) for p in extra], known_rules=known_rules)
