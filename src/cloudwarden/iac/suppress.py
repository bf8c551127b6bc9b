"""Inline suppressions: `# cloudwarden:ignore RULE_ID reason` written next to the code.

A suppression is a comment (`#` in HCL, YAML and Dockerfiles, `//` or `/* */` in HCL) naming one
rule id, or several separated by commas, and a reason. It applies to every resource whose line
range contains the comment, or whose first line follows the comment directly (only comment lines
between them):

    # cloudwarden:ignore aws.s3.bucket_versioning_enabled logs are immutable in the archive
    resource "aws_s3_bucket" "logs" {

A failing finding of that rule on that resource becomes `exempt`, its message prefixed with
`exempt (inline: REASON)` in the form every exemption takes, so reports still show it. A
suppression without a reason is not applied and is reported; so is one that suppresses nothing
(no resource there, an unknown rule, or a rule the resource does not fail: a stale comment).
Governance can turn them all off (`inline_suppressions=False`): each is then reported as ignored.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwarden.core.model import Asset, Finding, Status
from cloudwarden.iac import IacInputError, Location, read_text

__all__ = [
    "INLINE_CATEGORY",
    "MARKER",
    "Suppression",
    "SuppressionProblem",
    "SuppressionReport",
    "apply_suppressions",
    "parse_suppressions",
]

MARKER = "cloudwarden:ignore"
#: the exemption category of a finding suppressed in code (`exempt (inline: reason): ...`)
INLINE_CATEGORY = "inline"

# A comment start (`#`, `//`, `/*`) at the start of a line or after a blank, then the marker as
# a whole word; group 1 is the rest of the line.
_COMMENT = re.compile(r"(?:^|[\s;,])(?:#|//|/\*)\s*" + re.escape(MARKER) + r"(?=\s|$)(.*)$")
_RULE_IDS = re.compile(r"[A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*")
_COMMENT_LINE = ("#", "//", "/*", "*")


@dataclass(frozen=True, slots=True)
class Suppression:
    path: str
    line: int
    rule_ids: tuple[str, ...]
    reason: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class SuppressionProblem:
    """A suppression that was not applied, or applied to nothing. `kind` is one of
    `missing_reason`, `malformed`, `unmatched`, `ignored`."""

    path: str
    line: int
    kind: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "kind": self.kind,
                "message": self.message}


@dataclass
class SuppressionReport:
    #: (suppression, rule id, asset key) for every finding a suppression turned exempt
    applied: list[tuple[Suppression, str, str]] = field(default_factory=list)
    problems: list[SuppressionProblem] = field(default_factory=list)
    #: suppressions found in the files (applied or not)
    found: int = 0
    enabled: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "found": self.found,
            "applied": [{"path": s.path, "line": s.line, "rule_id": rule, "asset": key,
                         "reason": s.reason} for s, rule, key in self.applied],
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass(slots=True)
class _File:
    #: in line order
    suppressions: list[Suppression]
    #: comment line -> the first line of the run of comment lines it ends
    block_start: dict[int, int]
    lines: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = [s.line for s in self.suppressions]

    def applying_to(self, start: int, end: int) -> list[Suppression]:
        """The suppressions inside lines `start..end`, or directly above `start` (only comment
        lines between): those on lines `first..end`, where `first` begins the comment run that
        ends just above `start`. Two bisections, not a walk over lines or suppressions."""
        first = self.block_start.get(start - 1, start)
        lo = bisect.bisect_left(self.lines, first)
        hi = bisect.bisect_right(self.lines, end)
        return self.suppressions[lo:hi]


def parse_suppressions(path: str, text: str) -> tuple[list[Suppression], list[SuppressionProblem]]:
    """Every suppression comment of one file, and the malformed or reason-less ones."""
    found: list[Suppression] = []
    problems: list[SuppressionProblem] = []
    if MARKER not in text:
        return found, problems
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        rest = match.group(1).strip()
        if rest.endswith("*/"):
            rest = rest[:-2].rstrip()
        ids = _RULE_IDS.match(rest)
        if ids is None:
            problems.append(SuppressionProblem(
                path, number, "malformed",
                f"{path}:{number}: `{MARKER}` names no rule id (expected "
                f"`{MARKER} RULE_ID reason`)"))
            continue
        rule_ids = tuple(r.strip() for r in ids.group(0).split(","))
        reason = rest[ids.end():].strip().lstrip(":-\u2013\u2014 ").strip()
        if not reason:
            problems.append(SuppressionProblem(
                path, number, "missing_reason",
                f"{path}:{number}: suppression of {', '.join(rule_ids)} has no reason; "
                f"not applied (write `{MARKER} RULE_ID why it is acceptable`)"))
            continue
        found.append(Suppression(path, number, rule_ids, reason))
    return found, problems


def _comment_blocks(text: str) -> dict[int, int]:
    """Each comment line -> the first line of its run of consecutive comment lines."""
    out: dict[int, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(_COMMENT_LINE):
            out[n] = out.get(n - 1, n)
    return out


def _norm(path: str) -> str:
    return os.path.normpath(path)


def _read(path: str) -> str | None:
    try:
        return read_text(Path(path))
    except IacInputError:  # the adapter that claimed the file has reported it already
        return None


def apply_suppressions(
    findings: Sequence[Finding],
    assets: Iterable[Asset],
    files: Iterable[str],
    *,
    enabled: bool = True,
    known_rules: Iterable[str] | None = None,
    read: Callable[[str], str | None] = _read,
) -> tuple[list[Finding], SuppressionReport]:
    """The findings with suppressed failures turned exempt, and what was applied or not.

    `files` are the files the adapters read; `assets` carry `path:start-end` origins (live
    assets are left alone). `known_rules`, when given, lets an unmatched suppression say that
    its rule id does not exist."""
    parsed: dict[str, _File] = {}
    report = SuppressionReport(enabled=enabled)
    located: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    names: dict[str, str] = {}
    for asset in assets:
        loc = Location.parse(asset.origin)
        if loc is not None:
            located[_norm(loc.path)].append((asset.ref.key, loc.start, loc.end))
            names[asset.ref.key] = asset.name or asset.ref.id
    for path in dict.fromkeys([*(_norm(f) for f in files), *located]):
        text = read(path)
        if text is None or MARKER not in text:
            continue
        sups, problems = parse_suppressions(path, text)
        report.found += len(sups) + sum(p.kind == "missing_reason" for p in problems)
        if not enabled:
            report.problems.extend(
                SuppressionProblem(s.path, s.line, "ignored",
                                   f"{s.where}: suppression of {', '.join(s.rule_ids)} ignored "
                                   "(inline suppressions are turned off)") for s in sups)
            continue
        report.problems.extend(problems)
        if sups:
            parsed[path] = _File(sups, _comment_blocks(text))
    if not parsed:
        return list(findings), report

    targets = _targets(parsed, located)
    used: set[tuple[Suppression, str]] = set()
    out: list[Finding] = []
    for finding in findings:
        if finding.status is Status.FAIL:
            for sup in targets.get(finding.asset.key, ()):
                if finding.rule_id in sup.rule_ids:
                    used.add((sup, finding.rule_id))
                    report.applied.append((sup, finding.rule_id, finding.asset.key))
                    finding = finding._replace(
                        status=Status.EXEMPT,
                        message=f"exempt ({INLINE_CATEGORY}: {sup.reason}): {finding.message}")
                    break
        out.append(finding)
    report.problems.extend(_unmatched(parsed, targets, used, names, known_rules))
    return out, report


def _targets(parsed: Mapping[str, _File],
             located: Mapping[str, list[tuple[str, int, int]]]) -> dict[str, list[Suppression]]:
    """asset key -> the suppressions that apply to it."""
    out: dict[str, list[Suppression]] = defaultdict(list)
    for path, file in parsed.items():
        for key, start, end in located.get(path, ()):
            applying = file.applying_to(start, end)
            if applying:
                out[key].extend(applying)
    return out


def _unmatched(parsed: Mapping[str, _File], targets: Mapping[str, list[Suppression]],
               used: set[tuple[Suppression, str]], names: Mapping[str, str],
               known_rules: Iterable[str] | None) -> list[SuppressionProblem]:
    known = set(known_rules) if known_rules is not None else None
    resources: dict[Suppression, list[str]] = defaultdict(list)
    for key, sups in targets.items():
        for sup in sups:
            resources[sup].append(names.get(key, key))
    out: list[SuppressionProblem] = []
    for file in parsed.values():
        for sup in file.suppressions:
            for rule in sup.rule_ids:
                if (sup, rule) in used:
                    continue
                if known is not None and rule not in known:
                    why = f"there is no rule {rule!r}"
                elif not resources[sup]:
                    why = "no resource at or directly below this line"
                else:
                    on = ", ".join(sorted(resources[sup]))
                    why = f"{rule} does not fail on {on} (remove the stale suppression)"
                out.append(SuppressionProblem(sup.path, sup.line, "unmatched",
                                              f"{sup.where}: suppression matches nothing: {why}"))
    return out
