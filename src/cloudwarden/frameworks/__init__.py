"""Compliance frameworks as data: one YAML file per standard maps its controls to rule ids.

Frameworks own the control -> rule mapping; rules do not name the standards they serve. A
control with rules is automated; one without is either `manual` (a person has to judge it) or
`unsupported` (automatable, but no rule covers it yet). Users add their own standard by
pointing `load_frameworks` at more files or directories.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cloudwarden.core.errors import CloudwardenError

__all__ = [
    "Control",
    "Framework",
    "FrameworkLoadError",
    "builtin_frameworks_dir",
    "load_frameworks",
    "rules_to_controls",
]

_FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_RULE_ID = re.compile(r"^[a-z0-9]+(\.[a-z0-9_]+){2,}$")
_SUFFIXES = (".yaml", ".yml")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrameworkLoadError(CloudwardenError):
    """One or more framework files could not be loaded; `problems` lists every one of them."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"{path}: {reason}" for path, reason in problems]
        super().__init__(f"{len(problems)} bad framework file(s):\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class Control:
    id: str
    title: str
    section: str
    rules: tuple[str, ...]
    manual: bool = False
    unsupported: bool = False
    notes: str = ""

    @property
    def automated(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    name: str
    version: str
    provider: str
    description: str
    controls: tuple[Control, ...]
    source: str


def builtin_frameworks_dir() -> Path:
    return Path(__file__).resolve().parent


class _ControlModel(BaseModel):
    """One control of a framework file (pydantic at the edge)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    section: str = Field(min_length=1)
    title: str = Field(min_length=3)
    rules: list[str] = []
    manual: bool = False
    unsupported: bool = False
    notes: str = ""

    @field_validator("rules")
    @classmethod
    def _rule_ids(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not _RULE_ID.match(r)]
        if bad:
            raise ValueError(f"not rule ids: {bad}")
        if len(set(v)) != len(v):
            raise ValueError("a rule is listed twice")
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> _ControlModel:
        if self.rules and (self.manual or self.unsupported):
            raise ValueError("a control with rules is neither manual nor unsupported")
        if self.manual and self.unsupported:
            raise ValueError("a control is manual or unsupported, not both")
        if not (self.rules or self.manual or self.unsupported):
            raise ValueError("a control without rules must be marked manual or unsupported")
        return self


class _FrameworkModel(BaseModel):
    """The framework file format."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name: str = Field(min_length=3)
    version: str = Field(min_length=1)
    provider: str = Field(min_length=2)
    description: str = Field(min_length=10)
    controls: list[_ControlModel] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _readable_id(cls, v: str) -> str:
        if not _FRAMEWORK_ID.match(v):
            raise ValueError("id must be lower case letters, digits, dots, dashes, underscores")
        return v

    @model_validator(mode="after")
    def _unique_controls(self) -> _FrameworkModel:
        counts = Counter(c.id for c in self.controls)
        dupes = sorted(cid for cid, n in counts.items() if n > 1)
        if dupes:
            raise ValueError(f"duplicate control id(s): {dupes}")
        return self


def _parse(path: Path, known_rules: frozenset[str] | None) -> Framework:
    with path.open("rb") as fh:
        raw = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader is chosen above
    if not isinstance(raw, dict):
        raise ValueError("the file is not a YAML mapping")
    model = _FrameworkModel.model_validate(raw)
    if known_rules is not None:
        unknown = sorted({r for c in model.controls for r in c.rules} - known_rules)
        if unknown:
            raise ValueError(f"unknown rule id(s): {unknown}")
    controls = tuple(
        Control(c.id, c.title.strip(), c.section.strip(), tuple(c.rules), c.manual,
                c.unsupported, c.notes.strip())
        for c in model.controls)
    return Framework(model.id, model.name, model.version, model.provider,
                     model.description.strip(), controls, str(path))


def _files(paths: Iterable[Path], problems: list[tuple[str, str]]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in _SUFFIXES and p.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            problems.append((str(path), "framework file or directory does not exist"))
    return out


def _reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}"
                     for e in exc.errors())


def load_frameworks(
    extra: Iterable[Path] = (),
    *,
    known_rules: Iterable[str] | None = None,
) -> list[Framework]:
    """The built-in frameworks plus the files (or directories of files) in `extra`.

    Every bad file is reported with its path and reason: any problem raises FrameworkLoadError
    listing all of them. Duplicate framework ids are an error. With `known_rules`, a control
    naming a rule outside that set is an error too.
    """
    known = frozenset(known_rules) if known_rules is not None else None
    problems: list[tuple[str, str]] = []
    files = _files([builtin_frameworks_dir(), *extra], problems)
    frameworks: list[Framework] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            framework = _parse(path, known)
        except yaml.YAMLError as exc:
            problems.append((str(path), f"YAML syntax error: {exc}".replace("\n", " ")))
            continue
        except ValidationError as exc:
            problems.append((str(path), _reason(exc)))
            continue
        except (ValueError, OSError) as exc:
            problems.append((str(path), str(exc)))
            continue
        if framework.id in seen:
            problems.append((str(path),
                             f"duplicate framework id {framework.id} (also {seen[framework.id]})"))
            continue
        seen[framework.id] = str(path)
        frameworks.append(framework)
    if problems:
        raise FrameworkLoadError(problems)
    return frameworks


def rules_to_controls(frameworks: Iterable[Framework]) -> dict[str, list[tuple[str, str]]]:
    """Rule id -> every (framework id, control id) it serves, for reports."""
    out: dict[str, list[tuple[str, str]]] = {}
    for framework in frameworks:
        for control in framework.controls:
            for rule in control.rules:
                out.setdefault(rule, []).append((framework.id, control.id))
    return out
