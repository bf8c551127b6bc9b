"""Policy assignment: which rules and frameworks apply where, with which parameters.

A policy is a YAML file (`--policy FILE`) or a `PolicyConfig` built in code. Three scopes:

- **organization**: the top-level `rules`, `parameters` and `frameworks`;
- **account**: a `scopes` entry with `account`;
- **region in an account**: a `scopes` entry with `account` and `region`.

The narrowest scope that says something wins: region-in-account > account > organization.

*Rules on or off.* Every rule is on unless a scope turns it off. In one scope's `rules`, an
exact rule id beats a glob pattern (`fnmatch` on rule ids: `*`, `?`, `[...]`), and between
two of the same kind `enabled` beats `disabled`; so `disabled: ["*"]` with
`enabled: ["aws.s3.*"]` runs only the S3 rules, and an exact id in `disabled` drops one of
them. A scope whose patterns match nothing about a rule leaves the decision to the next wider
scope. A rule that is off for an asset's (account, region) is *not assessed* there: the engine
yields no finding at all, which is different from NOT_APPLICABLE (assessed, does not apply).

*Parameters* merge key by key: rule defaults < organization < account < region.

*Frameworks* can be turned off (organization scope) for reporting: `framework_enabled`.

Validation reports every problem with its location, not only the first: unknown keys, unknown
rule ids, globs that match no rule, unknown parameter names or parameters of the wrong kind,
unknown framework ids, and the governance section (see `cloudwarden.posture.governance`).
Rule ids and parameters are checked against a catalog: the one passed in, or the built-in one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.rule import RuleMeta
from cloudwarden.posture.governance import GovernanceConfig, is_glob

__all__ = ["PolicyConfig", "PolicyError", "RuleSelection", "Scope"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: rule parameters by rule id
Parameters = dict[str, dict[str, Any]]


class PolicyError(CloudwardenError):
    """A policy that cannot be used; `problems` lists (location, reason) for every problem."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"{where}: {reason}" for where, reason in problems]
        super().__init__(f"{len(problems)} problem(s) in the policy:\n" + "\n".join(lines))


class RuleSelection(BaseModel):
    """`rules:` of one scope: rule ids or glob patterns to turn on and off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()

    def decision(self, rule_id: str) -> bool | None:
        """True (on), False (off) or None (this scope says nothing about the rule)."""
        if rule_id in self.enabled:
            return True
        if rule_id in self.disabled:
            return False
        if any(is_glob(p) and fnmatchcase(rule_id, p) for p in self.enabled):
            return True
        if any(is_glob(p) and fnmatchcase(rule_id, p) for p in self.disabled):
            return False
        return None


def _account_text(value: object) -> object:
    if isinstance(value, int | float):
        raise ValueError("account ids must be quoted strings ('012345678901'): YAML reads "
                         "unquoted digits as a number and drops leading zeros")
    return value


class Scope(BaseModel):
    """One `scopes:` entry: an account, or a region of an account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account: str
    region: str | None = None
    rules: RuleSelection = RuleSelection()
    parameters: Parameters = {}

    @field_validator("account", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        return _account_text(value)

    @property
    def label(self) -> str:
        return f"account {self.account}" + (f", region {self.region}" if self.region else "")


class FrameworkSelection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    disabled: tuple[str, ...] = ()


_LevelKey = tuple[str, str | None]


class PolicyConfig(BaseModel):
    """A validated policy. Build one with `load`, `from_dict` or `empty`, or construct it in
    code and call `bind(rules)` to check it against a catalog (which also lets `parameters`
    include the rules' defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    rules: RuleSelection = RuleSelection()
    #: organization-wide parameters, `parameters:` in the file (the name `parameters` is the
    #: method that answers the effective values)
    org_parameters: Parameters = Field({}, alias="parameters")
    frameworks: FrameworkSelection = FrameworkSelection()
    scopes: tuple[Scope, ...] = ()
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig)

    _defaults: dict[str, Mapping[str, Any]] = PrivateAttr(default_factory=dict)
    _index: dict[_LevelKey, Scope] | None = PrivateAttr(default=None)
    _enabled: dict[tuple[str, str | None, str | None], bool] = PrivateAttr(default_factory=dict)
    _overrides: dict[tuple[str, str | None, str | None], dict[str, Any]] = PrivateAttr(
        default_factory=dict)
    _scoped: dict[str, bool] = PrivateAttr(default_factory=dict)

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def empty(cls) -> PolicyConfig:
        """Every rule and framework on, default parameters, no governance rules."""
        return cls.model_validate({})

    @classmethod
    def load(cls, path: Path, *, rules: Iterable[Any] | None = None,
             frameworks: Iterable[str] | None = None) -> PolicyConfig:
        """Read and validate a policy file. `rules` (RuleMeta or RuleSpec) and `frameworks`
        (ids) default to the built-in catalogs. Raises PolicyError listing every problem."""
        where = str(path)
        try:
            with Path(path).open("rb") as fh:
                raw = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader is chosen above
        except OSError as exc:
            raise PolicyError([(where, f"cannot read the file: {exc}")]) from None
        except yaml.YAMLError as exc:
            raise PolicyError([(where, f"YAML syntax error: {exc}".replace("\n", " "))]) from None
        if raw is None:
            raw = {}
        return cls.from_dict(raw, rules=rules, frameworks=frameworks, source=where)

    @classmethod
    def from_dict(cls, data: Any, *, rules: Iterable[Any] | None = None,
                  frameworks: Iterable[str] | None = None,
                  source: str = "policy") -> PolicyConfig:
        """Validate a policy given as plain data (what the YAML file holds)."""
        if not isinstance(data, Mapping):
            raise PolicyError([(source, "the policy is not a mapping")])
        try:
            policy = cls.model_validate(data)
        except ValidationError as exc:
            raise PolicyError([
                (f"{source}: {_location(e['loc'])}", e["msg"].removeprefix("Value error, "))
                for e in exc.errors()
            ]) from None
        return policy.bind(rules, frameworks=frameworks, source=source)

    def bind(self, rules: Iterable[Any] | None = None, *,
             frameworks: Iterable[str] | None = None, source: str = "policy") -> PolicyConfig:
        """This policy checked against a rule catalog (RuleMeta or RuleSpec; the built-in
        one by default) and framework ids (the built-in ones by default); a copy that knows
        the rules' default parameters. Raises PolicyError listing every problem."""
        catalog = _catalog(rules)
        known_frameworks = frozenset(frameworks if frameworks is not None
                                     else _builtin_frameworks())
        problems = [(f"{source}: {where}", reason)
                    for where, reason in self.problems(catalog, known_frameworks)]
        if problems:
            raise PolicyError(problems)
        bound = self.model_copy()
        bound._defaults = {rid: meta.parameters for rid, meta in catalog.items()}
        bound._index = None
        bound._enabled = {}
        bound._overrides = {}
        bound._scoped = {}
        return bound

    def __eq__(self, other: object) -> bool:
        """Equal configurations are equal policies, bound to a catalog or not."""
        if not isinstance(other, PolicyConfig):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # dict fields: not hashable

    # -- validation ------------------------------------------------------------------------

    def problems(self, rules: Mapping[str, RuleMeta],
                 frameworks: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Every (location, reason) that makes this policy wrong for the catalog `rules`."""
        out: list[tuple[str, str]] = []
        known = frozenset(frameworks)
        levels: list[tuple[str, RuleSelection, Parameters]] = [
            ("", self.rules, self.org_parameters)]
        seen: dict[_LevelKey, int] = {}
        for i, scope in enumerate(self.scopes):
            where = f"scopes[{i}] ({scope.label})"
            levels.append((where + ".", scope.rules, scope.parameters))
            key = (scope.account, scope.region)
            if key in seen:
                out.append((where, f"the same scope as scopes[{seen[key]}]"))
            seen.setdefault(key, i)
        for prefix, selection, parameters in levels:
            out.extend(_selection_problems(prefix + "rules", selection, rules))
            out.extend(_parameter_problems(prefix + "parameters", parameters, rules))
        for j, fid in enumerate(self.frameworks.disabled):
            if fid not in known:
                out.append((f"frameworks.disabled[{j}]", f"unknown framework {fid!r}"))
        for j, grule in enumerate(self.governance.rules):
            for k, pattern in enumerate(grule.rules):
                reason = _pattern_problem(pattern, rules)
                if reason:
                    out.append((f"governance.rules[{j}].rules[{k}]", reason))
        return out

    # -- questions -------------------------------------------------------------------------

    @property
    def changes_assessment(self) -> bool:
        """Whether any scope turns rules on or off or sets parameters (if not, the engine
        can ignore this policy)."""
        return any(level.enabled or level.disabled for level in
                   (self.rules, *(s.rules for s in self.scopes))) or any(
            (self.org_parameters, *(s.parameters for s in self.scopes)))

    def scoped(self, rule_id: str) -> bool:
        """Whether any account or region scope says something about the rule (turns it on or
        off, or sets one of its parameters); if not, the organization answers everywhere."""
        cached = self._scoped.get(rule_id)
        if cached is None:
            cached = self._scoped[rule_id] = any(
                rule_id in s.parameters or s.rules.decision(rule_id) is not None
                for s in self.scopes)
        return cached

    def rule_enabled(self, rule_id: str, account: str | None = None,
                     region: str | None = None) -> bool:
        """Whether the rule is assessed in the account's region (narrowest scope wins)."""
        if not self.scoped(rule_id):
            account = region = None
        key = (rule_id, account, region)
        cached = self._enabled.get(key)
        if cached is None:
            cached = True
            for selection in self._levels(account, region, "rules"):
                decision = selection.decision(rule_id)
                if decision is not None:
                    cached = decision
                    break
            self._enabled[key] = cached
        return cached

    def overrides(self, rule_id: str, account: str | None = None,
                  region: str | None = None) -> dict[str, Any]:
        """The policy's parameter values for the rule there, without the rule's defaults:
        organization < account < region."""
        if not self.scoped(rule_id):
            account = region = None
        key = (rule_id, account, region)
        cached = self._overrides.get(key)
        if cached is None:
            cached = {}
            for parameters in reversed(self._levels(account, region, "parameters")):
                cached.update(parameters.get(rule_id) or {})
            self._overrides[key] = cached
        return dict(cached)

    def parameters(self, rule_id: str, account: str | None = None,
                   region: str | None = None) -> dict[str, Any]:
        """The rule's effective parameters there: rule defaults < organization < account <
        region. The defaults are known once the policy is bound to a catalog (`load`,
        `from_dict`, `bind`)."""
        return {**self._defaults.get(rule_id, {}), **self.overrides(rule_id, account, region)}

    def framework_enabled(self, framework_id: str) -> bool:
        return framework_id not in self.frameworks.disabled

    # -- internals -------------------------------------------------------------------------

    def _levels(self, account: str | None, region: str | None, what: str) -> list[Any]:
        """The scopes' `rules` or `parameters` that apply, narrowest first."""
        index = self._index
        if index is None:
            index = self._index = {(s.account, s.region): s for s in reversed(self.scopes)}
        org = self.rules if what == "rules" else self.org_parameters
        out: list[Any] = []
        if account is not None:
            for key in ((account, region), (account, None)) if region else ((account, None),):
                scope = index.get(key)
                if scope is not None:
                    out.append(getattr(scope, what))
        out.append(org)
        return out


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def _catalog(rules: Iterable[Any] | None) -> dict[str, RuleMeta]:
    if rules is None:
        from cloudwarden.assets import default_registry
        from cloudwarden.core.loader import load_rules

        specs, _ = load_rules(known_types=default_registry().names())
        return {s.id: s.meta for s in specs}
    values = rules.values() if isinstance(rules, Mapping) else rules
    metas: list[RuleMeta] = [getattr(r, "meta", r) for r in values]
    return {m.id: m for m in metas}


def _builtin_frameworks() -> list[str]:
    from cloudwarden.frameworks import load_frameworks

    return [f.id for f in load_frameworks()]


def _pattern_problem(pattern: str, rules: Mapping[str, RuleMeta]) -> str | None:
    if is_glob(pattern):
        if not any(fnmatchcase(rid, pattern) for rid in rules):
            return f"pattern {pattern!r} matches no rule"
        return None
    return None if pattern in rules else f"unknown rule {pattern!r}"


def _selection_problems(where: str, selection: RuleSelection,
                        rules: Mapping[str, RuleMeta]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for field in ("enabled", "disabled"):
        for i, pattern in enumerate(getattr(selection, field)):
            reason = _pattern_problem(pattern, rules)
            if reason:
                out.append((f"{where}.{field}[{i}]", reason))
    both = sorted(p for p in set(selection.enabled) & set(selection.disabled) if not is_glob(p))
    if both:
        out.append((where, f"both enabled and disabled: {', '.join(both)}"))
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "null" if value is None else type(value).__name__


def _parameter_problems(where: str, parameters: Parameters,
                        rules: Mapping[str, RuleMeta]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for rule_id, values in parameters.items():
        meta = rules.get(rule_id)
        if meta is None:
            out.append((f"{where}.{rule_id}", f"unknown rule {rule_id!r}"))
            continue
        for name, value in values.items():
            loc = f"{where}.{rule_id}.{name}"
            if name not in meta.parameters:
                names = ", ".join(sorted(meta.parameters)) or "none"
                out.append((loc, f"unknown parameter {name!r} (the rule's parameters: {names})"))
                continue
            default = meta.parameters[name]
            if default is not None and _kind(value) != _kind(default):
                out.append((loc, f"expected {_kind(default)} like the default "
                                 f"{json.dumps(default, default=str)}, got {_kind(value)}"))
    return out
