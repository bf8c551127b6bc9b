"""Loading rule files: YAML -> validated RuleSpec, reporting every bad file, not only the first.

A rule lives in `<dir>/<provider>/<service>/<rule id>.yaml`; an optional `<rule id>.py` beside
it holds a `check(asset, ctx)` function; `<rule id>.tests.yaml` holds its pass/fail fixtures.
A Python check declares the top-level fields it reads with `reads:`; for `match` and
`applies_if` they are known from the compiled paths. The engine does not judge a rule on an
asset where one of those fields is unknown (its collection failed).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cloudwarden.core.checks import CheckFn, compile_template
from cloudwarden.core.conditions import Compiled, ConditionError, compile_condition
from cloudwarden.core.controls import control_by_name
from cloudwarden.core.errors import RuleLoadError
from cloudwarden.core.model import Asset, Severity
from cloudwarden.core.rule import Remediation, RuleMeta
from cloudwarden.core.yamlcache import YamlCache

__all__ = ["UNWRITTEN", "CompiledRule", "RuleSpec", "builtin_rules_dir", "load_rules", "top_fields"]

#: marks text a rule author still has to write (`cloudwarden rules new` fills every prose field
#: with it); the catalog test refuses a built-in rule that still carries it
UNWRITTEN = "(to write)"

RULE_ID = re.compile(r"^[a-z0-9]+(\.[a-z0-9_]+){2,}$")
_ATTACK_ID = re.compile(r"^T\d{4}(\.\d{3})?$")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def builtin_rules_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "rules"


class _RemediationModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=10)
    cli: str = ""
    terraform: str = ""
    console: str = ""


class _MessagesModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    passed: str = Field("", alias="pass")
    failed: str = Field("", alias="fail")


class _RuleModel(BaseModel):
    """The rule file format (pydantic at the edge)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str = Field(min_length=5)
    severity: str
    asset_type: str
    description: str = Field(min_length=10)
    risk: str = Field(min_length=10)
    remediation: _RemediationModel
    security_control: str
    attack: list[str] = []
    references: list[str] = []
    parameters: dict[str, Any] = {}
    applies_if: dict[str, Any] | None = None
    match: dict[str, Any] | None = None
    #: Top-level canonical fields a Python check reads (a `match` says so itself).
    reads: list[str] = []
    message: _MessagesModel = Field(default_factory=lambda: _MessagesModel.model_validate({}))
    preview: bool = False

    @field_validator("id")
    @classmethod
    def _readable_id(cls, v: str) -> str:
        if not RULE_ID.match(v):
            raise ValueError("id must read like provider.service.what_is_checked "
                             "(lower case, dots and underscores)")
        return v

    @field_validator("severity")
    @classmethod
    def _severity(cls, v: str) -> str:
        Severity.parse(v)
        return v

    @field_validator("security_control")
    @classmethod
    def _control(cls, v: str) -> str:
        if control_by_name(v) is None:
            raise ValueError(f"unknown security control {v!r}")
        return v

    @field_validator("reads")
    @classmethod
    def _reads(cls, v: list[str]) -> list[str]:
        bad = [f for f in v if not _FIELD_NAME.match(f)]
        if bad:
            raise ValueError(f"not top-level field names: {bad}")
        return v

    @field_validator("attack")
    @classmethod
    def _attack(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if not _ATTACK_ID.match(t)]
        if bad:
            raise ValueError(f"not ATT&CK technique ids: {bad}")
        return v


def top_fields(paths: Iterable[str]) -> tuple[str, ...]:
    """The top-level fields of document paths: `Acl.Grants[].Grantee` -> `Acl`."""
    return tuple(dict.fromkeys(p.split(".", 1)[0].split("[", 1)[0] for p in paths))


@dataclass(frozen=True)
class CompiledRule:
    meta: RuleMeta
    applies: Compiled | None
    match: Compiled | None
    check: CheckFn | None
    pass_message: str
    fail_message: str
    params: Mapping[str, Any]
    render_pass: Callable[[Asset], str]
    render_fail: Callable[[Asset], str]
    #: Top-level fields `applies_if` reads, in order.
    applies_reads: tuple[str, ...] = ()
    #: Top-level fields the rule reads to judge (`match` paths or the check's `reads`).
    judge_reads: tuple[str, ...] = ()
    #: Every field the rule reads, for the engine's one-test-per-evaluation unknown check.
    reads: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleSpec:
    """A validated rule file, not yet compiled."""

    meta: RuleMeta
    applies_if: Mapping[str, Any] | None
    match: Mapping[str, Any] | None
    check_path: Path | None
    messages: tuple[str, str]
    path: Path
    #: Top-level fields the Python check reads (from the `reads:` key).
    reads: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def fixtures_path(self) -> Path:
        return self.path.with_name(self.path.name.removesuffix(".yaml") + ".tests.yaml")

    def compile(self, *, now: datetime, params: Mapping[str, Any] | None = None) -> CompiledRule:
        merged = {**self.meta.parameters, **(params or {})}
        applies = (compile_condition(self.applies_if, params=merged, now=now, where="applies_if")
                   if self.applies_if else None)
        match = (compile_condition(self.match, params=merged, now=now, where="match")
                 if self.match else None)
        check = _load_check(self.check_path) if self.check_path else None
        passed, failed = self.messages
        applies_reads = top_fields(applies.paths) if applies else ()
        judge_reads = top_fields(match.paths) if match else tuple(dict.fromkeys(self.reads))
        return CompiledRule(
            self.meta, applies, match, check, passed, failed, merged,
            compile_template(passed or f"Passed: {self.meta.title}"),
            compile_template(failed or f"Failed: {self.meta.title}"),
            applies_reads, judge_reads, frozenset(applies_reads + judge_reads))


def _load_check(path: Path) -> CheckFn:
    name = "cloudwarden_rule_" + re.sub(r"\W", "_", path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuleLoadError([(str(path), "cannot import the check module")])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = getattr(module, "check", None)
    if not callable(fn):
        raise RuleLoadError([(str(path), "the module defines no check(asset, ctx) function")])
    return fn  # type: ignore[no-any-return]


def _parse_rule(path: Path, known_types: Iterable[str] | None,
                cache: YamlCache | None = None) -> RuleSpec:
    if cache is not None:
        raw = cache.load(path)
    else:
        with path.open("rb") as fh:
            raw = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader is chosen above
    if not isinstance(raw, dict):
        raise ValueError("the file is not a YAML mapping")
    model = _RuleModel.model_validate(raw)
    if path.stem != model.id:
        raise ValueError(f"file name {path.name} does not match id {model.id}")
    if known_types is not None and model.asset_type not in set(known_types):
        raise ValueError(f"unknown asset type {model.asset_type!r}")
    check_path = path.with_suffix(".py")
    has_check = check_path.is_file()
    if model.match is None and not has_check:
        raise ValueError("a rule needs a `match` or a Python check beside it "
                         f"({check_path.name})")
    if model.match is not None and has_check:
        raise ValueError("a rule has either a `match` or a Python check, not both")
    if model.reads and not has_check:
        raise ValueError("`reads` is for a Python check; a `match` declares its own fields")
    provider, service = model.id.split(".")[:2]
    if not model.asset_type.startswith(provider + "."):
        raise ValueError(f"asset type {model.asset_type} is not a {provider} type")
    meta = RuleMeta(
        id=model.id,
        title=model.title,
        severity=Severity.parse(model.severity),
        asset_type=model.asset_type,
        description=model.description.strip(),
        risk=model.risk.strip(),
        remediation=Remediation(**model.remediation.model_dump()),
        security_control=model.security_control,
        provider=provider,
        service=service,
        attack=tuple(model.attack),
        references=tuple(model.references),
        parameters=dict(model.parameters),
        preview=model.preview,
        source=str(path),
    )
    spec = RuleSpec(meta, model.applies_if, model.match, check_path if has_check else None,
                    (model.message.passed, model.message.failed), path, tuple(model.reads))
    # Compile once now so a bad condition is reported at load time, with the file.
    now = datetime.now(UTC)
    if spec.applies_if:
        compile_condition(spec.applies_if, params=meta.parameters, now=now, where="applies_if")
    if spec.match:
        compile_condition(spec.match, params=meta.parameters, now=now, where="match")
    return spec


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yaml") if not p.name.endswith(".tests.yaml"))


def load_rules(
    directories: Iterable[Path] | None = None,
    *,
    known_types: Iterable[str] | None = None,
    collect_errors: bool = False,
    cache: YamlCache | None = None,
) -> tuple[list[RuleSpec], list[tuple[str, str]]]:
    """Load every rule file below the directories (the built-in catalog by default).

    Every bad file is reported with its path and reason. With `collect_errors=False` any
    problem raises RuleLoadError listing all of them; otherwise the good rules and the
    problems are both returned. Duplicate ids are an error. A `YamlCache` skips re-parsing
    unchanged files (the CLI passes one; it never changes what is loaded).
    """
    dirs = list(directories) if directories is not None else [builtin_rules_dir()]
    types = list(known_types) if known_types is not None else None
    specs: list[RuleSpec] = []
    problems: list[tuple[str, str]] = []
    seen: dict[str, Path] = {}
    for directory in dirs:
        if not directory.is_dir():
            problems.append((str(directory), "rules directory does not exist"))
            continue
        for path in rule_files(directory):
            try:
                spec = _parse_rule(path, types, cache)
            except yaml.YAMLError as exc:
                problems.append((str(path), f"YAML syntax error: {exc}".replace("\n", " ")))
                continue
            except ValidationError as exc:
                reasons = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}"
                    for e in exc.errors())
                problems.append((str(path), reasons))
                continue
            except (ConditionError, ValueError, OSError) as exc:
                problems.append((str(path), str(exc)))
                continue
            if spec.id in seen:
                problems.append((str(path), f"duplicate rule id {spec.id} (also {seen[spec.id]})"))
                continue
            seen[spec.id] = path
            specs.append(spec)
    if cache is not None:
        cache.save()
    if problems and not collect_errors:
        raise RuleLoadError(problems)
    return specs, problems
