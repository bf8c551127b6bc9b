"""Loading Sigma rules: files -> pySigma -> our pipeline -> compiled rules, problems as data.

One bad file or rule never stops the load: YAML and Sigma errors (pySigma's `collect_errors`)
become `RuleProblem`s naming the file, and so do rules we cannot evaluate (a log source we do
not map, a feature the compiler lacks), which `check()` lists for `cloudwarden sigma check`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import (
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
    SigmaCorrelationType,
    SigmaExtendedCorrelationCondition,
)
from sigma.exceptions import SigmaError, SigmaRuleLocation
from sigma.rule import SigmaRule, SigmaRuleBase

from cloudwarden.detect.sigma._compile import (
    Keys,
    Matcher,
    compile_condition,
    exact_keys,
    substrings,
)
from cloudwarden.detect.sigma._mapping import (
    MAPPINGS,
    SOURCES_STATE_KEY,
    LogSourceMapping,
    build_pipeline,
)
from cloudwarden.detect.sigma._values import Context, Getter, Unsupported, compile_getter

__all__ = [
    "CompiledCorrelation",
    "CompiledRule",
    "RuleProblem",
    "SigmaCheckReport",
    "SigmaRuleSet",
    "check",
    "load_sigma",
    "load_sigma_text",
]

SKIPPED_STATUSES = frozenset({"deprecated", "unsupported"})


@dataclass(frozen=True, slots=True)
class RuleProblem:
    path: str
    rule: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule + ': ' if self.rule else ''}{self.reason}"


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str
    title: str
    level: str
    tags: tuple[str, ...]
    description: str
    path: str
    #: the Sigma `name` (our built-in rules: the readable detection id), else ""
    name: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    meta: RuleMeta
    sources: tuple[str, ...]
    matcher: Matcher
    #: routing: exact (field, value) keys, else required substrings, else residual
    exact: Keys | None
    substrings: Keys | None
    #: False when only a correlation uses the rule (Sigma `generate: false`)
    output: bool
    #: sigma field name -> our field path, for correlation group-by
    field_map: Mapping[str, str]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledCorrelation:
    meta: RuleMeta
    type: str
    rules: tuple[str, ...]
    timespan: float
    op: str
    count: float
    group_by: tuple[str, ...]
    #: per referenced rule id: getters of the group-by fields, and of the counted field
    group_getters: Mapping[str, tuple[Getter, ...]]
    value_getters: Mapping[str, Getter]


@dataclass(frozen=True, slots=True)
class SigmaRuleSet:
    rules: tuple[CompiledRule, ...] = ()
    correlations: tuple[CompiledCorrelation, ...] = ()
    errors: tuple[RuleProblem, ...] = ()
    unsupported: tuple[RuleProblem, ...] = ()
    skipped: tuple[RuleProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class SigmaCheckReport:
    loaded: tuple[str, ...]
    errors: tuple[RuleProblem, ...]
    unsupported: tuple[RuleProblem, ...]
    skipped: tuple[RuleProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        lines = [
            f"{len(self.loaded)} rules loaded, {len(self.unsupported)} unsupported, "
            f"{len(self.errors)} invalid, {len(self.skipped)} skipped"
        ]
        lines += [f"invalid      {p}" for p in self.errors]
        lines += [f"unsupported  {p}" for p in self.unsupported]
        return "\n".join(lines)


def _files(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files under `paths`; hidden directories (`.github` of a checkout) are skipped."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(
                f for f in p.rglob("*")
                if f.suffix in (".yml", ".yaml") and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts[:-1])
            )
        else:
            found.append(p)
    return found


#: libyaml's safe loader where PyYAML has it: what pySigma's `from_yaml` does (safe_load_all),
#: several times faster - loading a SigmaHQ checkout is mostly YAML parsing
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: a top-level key every Sigma rule, correlation or filter document has
_SIGMA_DOCUMENT = re.compile(r"^(?:detection|correlation|filter|logsource)\s*:", re.MULTILINE)


def _not_a_rule(text: str) -> bool:
    """Well-formed YAML without any Sigma key: a checkout's configs, tests and workflows.
    Broken YAML is not "not a rule": it is reported as an invalid rule file."""
    if _SIGMA_DOCUMENT.search(text):
        return False
    try:
        for _ in yaml.safe_load_all(text):
            pass
    except yaml.YAMLError:
        return False
    return True


def _where(error: SigmaError, default: str) -> str:
    return str(error.source.path) if error.source is not None else default


def _problems(collection: SigmaCollection, path: str) -> list[RuleProblem]:
    """Errors of one file's rules; the rule named by its title when pySigma knows it."""
    found: list[RuleProblem] = []
    for error in collection.errors:
        owner = next((r for r in collection.rules if error in r.errors), None)
        found.append(RuleProblem(_where(error, path), owner.title if owner else "", str(error)))
    return found


def _rule_name(rule: SigmaRuleBase, path: str) -> str:
    if rule.id is not None:
        return str(rule.id)
    return rule.name or f"{Path(path).stem}:{rule.title}"


def load_sigma(
    paths: Iterable[str | Path] | str | Path,
    *,
    placeholders: Mapping[str, list[str]] | None = None,
    skip_statuses: frozenset[str] = SKIPPED_STATUSES,
) -> SigmaRuleSet:
    """Load every `*.yml`/`*.yaml` under `paths` (files or directory trees, e.g. a SigmaHQ
    checkout)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    errors: list[RuleProblem] = []
    not_rules: list[RuleProblem] = []
    collections: list[SigmaCollection] = []
    for path in _files(paths):
        try:
            text = path.read_text(encoding="utf-8")
            if _not_a_rule(text):
                not_rules.append(RuleProblem(str(path), "", "not a Sigma rule"))
                continue
            collection = SigmaCollection.from_dicts(
                list(yaml.load_all(text, Loader=_YAML_LOADER)),
                collect_errors=True,
                source=SigmaRuleLocation(path),
                collect_filters=True,
                resolve_references=False,
            )
            collections.append(collection)
            errors += _problems(collection, str(path))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, SigmaError) as exc:
            errors.append(RuleProblem(str(path), "", f"{type(exc).__name__}: {exc}"))
    return _build(collections, errors, placeholders, skip_statuses, not_rules)


def load_sigma_text(
    text: str, *, source: str = "<text>", placeholders: Mapping[str, list[str]] | None = None
) -> SigmaRuleSet:
    """Load rules from YAML text (one or more documents)."""
    errors: list[RuleProblem] = []
    collections: list[SigmaCollection] = []
    try:
        collection = SigmaCollection.from_yaml(
            text,
            collect_errors=True,
            source=SigmaRuleLocation(Path(source)),
            collect_filters=True,
            resolve_references=False,
        )
        collections.append(collection)
        errors += _problems(collection, source)
    except (yaml.YAMLError, SigmaError) as exc:
        errors.append(RuleProblem(source, "", f"{type(exc).__name__}: {exc}"))
    return _build(collections, errors, placeholders, SKIPPED_STATUSES)


def check(paths: Iterable[str | Path] | str | Path) -> SigmaCheckReport:
    ruleset = load_sigma(paths)
    loaded = tuple(r.meta.id for r in ruleset.rules) + tuple(
        c.meta.id for c in ruleset.correlations
    )
    return SigmaCheckReport(loaded, ruleset.errors, ruleset.unsupported, ruleset.skipped)


def _meta(rule: SigmaRuleBase) -> RuleMeta:
    path = str(rule.source.path) if rule.source is not None else ""
    return RuleMeta(
        id=_rule_name(rule, path),
        title=rule.title,
        level=str(rule.level) if rule.level is not None else "medium",
        tags=tuple(str(t) for t in rule.tags),
        description=rule.description or "",
        path=path,
        name=rule.name or "",
    )


def _build(
    collections: list[SigmaCollection],
    errors: list[RuleProblem],
    placeholders: Mapping[str, list[str]] | None,
    skip_statuses: frozenset[str],
    not_rules: Iterable[RuleProblem] = (),
) -> SigmaRuleSet:
    merged = SigmaCollection.merge(collections, resolve_references=False)
    good = [r for r in merged.rules if not r.errors]
    merged.rules = good
    unsupported: list[RuleProblem] = []
    skipped: list[RuleProblem] = list(not_rules)
    if merged.filters:
        try:
            merged.apply_filters(merged.filters)
        except SigmaError as exc:
            errors.append(RuleProblem(_where(exc, "?"), "filter", str(exc)))
    correlations = [r for r in good if isinstance(r, SigmaCorrelationRule)]
    resolved: list[SigmaCorrelationRule] = []
    for corr in correlations:
        try:
            corr.resolve_rule_references(merged)
            resolved.append(corr)
        except SigmaError as exc:
            meta = _meta(corr)
            errors.append(RuleProblem(meta.path, meta.id, str(exc)))

    pipeline = build_pipeline(MAPPINGS, placeholders)
    by_name = {f"cloudwarden_sources_{m.name}": m for m in MAPPINGS}
    compiled: dict[str, CompiledRule] = {}
    for rule in good:
        if not isinstance(rule, SigmaRule):
            continue
        meta = _meta(rule)
        status = str(rule.status) if rule.status is not None else ""
        if status in skip_statuses:
            skipped.append(RuleProblem(meta.path, meta.id, f"status {status}"))
            continue
        try:
            compiled[meta.id] = _compile_rule(rule, meta, pipeline, by_name)
        except (Unsupported, SigmaError) as exc:
            unsupported.append(RuleProblem(meta.path, meta.id, str(exc)))

    compiled_corr: list[CompiledCorrelation] = []
    for corr in resolved:
        meta = _meta(corr)
        try:
            compiled_corr.append(_compile_correlation(corr, meta, compiled))
        except Unsupported as exc:
            unsupported.append(RuleProblem(meta.path, meta.id, str(exc)))
    return SigmaRuleSet(
        tuple(compiled.values()),
        tuple(compiled_corr),
        tuple(errors),
        tuple(unsupported),
        tuple(skipped),
    )


def _compile_rule(
    rule: SigmaRule,
    meta: RuleMeta,
    pipeline: object,
    by_name: Mapping[str, LogSourceMapping],
) -> CompiledRule:
    from sigma.processing.pipeline import ProcessingPipeline

    assert isinstance(pipeline, ProcessingPipeline)
    pipeline.apply(rule)
    sources = pipeline.state.get(SOURCES_STATE_KEY)
    mapping = next((by_name[i] for i in pipeline.applied_ids if i in by_name), None)
    if not sources or mapping is None:
        ls = rule.logsource
        raise Unsupported(
            "log source not mapped to a Cloudwarden event source "
            f"(category={ls.category}, product={ls.product}, service={ls.service})"
        )
    trees = [c.parse() for c in rule.detection.parsed_condition]
    matchers = [compile_condition(t) for t in trees]
    matcher: Matcher = matchers[0]
    if len(matchers) > 1:

        def matcher(c: Context) -> bool:
            return any(m(c) for m in matchers)

    exact = _union([exact_keys(t, mapping.index_fields, mapping.basename_fields) for t in trees])
    subs = None if exact is not None else _union([substrings(t) for t in trees])
    return CompiledRule(
        meta=meta,
        sources=tuple(sources),
        matcher=matcher,
        exact=exact,
        substrings=subs,
        output=rule._output,
        field_map=mapping.fields,
    )


def _union(keys: list[Keys | None]) -> Keys | None:
    if any(k is None for k in keys):
        return None
    return frozenset().union(*keys)  # type: ignore[arg-type]


_STREAMING_OPS = {
    SigmaCorrelationConditionOperator.GTE: "gte",
    SigmaCorrelationConditionOperator.GT: "gt",
}
_TYPES = {
    SigmaCorrelationType.EVENT_COUNT,
    SigmaCorrelationType.VALUE_COUNT,
    SigmaCorrelationType.TEMPORAL,
    SigmaCorrelationType.TEMPORAL_ORDERED,
}


def _compile_correlation(
    corr: SigmaCorrelationRule, meta: RuleMeta, compiled: Mapping[str, CompiledRule]
) -> CompiledCorrelation:
    if corr.type not in _TYPES:
        raise Unsupported(f"correlation type {corr.type} not supported")
    condition = corr.condition
    if isinstance(condition, SigmaExtendedCorrelationCondition):
        raise Unsupported("extended (boolean) correlation conditions not supported")
    op = _STREAMING_OPS.get(condition.op)
    if op is None:
        raise Unsupported(
            f"correlation condition {condition.op.name.lower()} needs window-close evaluation "
            "(only gte/gt are evaluated while streaming)"
        )
    rule_ids: list[str] = []
    group_getters: dict[str, tuple[Getter, ...]] = {}
    value_getters: dict[str, Getter] = {}
    for ref in corr.referenced_rules:
        target = ref.rule
        if isinstance(target, SigmaCorrelationRule):
            raise Unsupported("correlations of correlations not supported")
        rid = _rule_name(target, str(target.source.path) if target.source else "")
        rule = compiled.get(rid)
        if rule is None:
            raise Unsupported(f"referenced rule {ref.reference} is not loaded or unsupported")
        rule_ids.append(rid)

        def field_of(name: str, ref_name: str = ref.reference, rule: CompiledRule = rule) -> str:
            alias = corr.aliases.aliases.get(name)
            if alias is not None:
                for alias_ref, alias_field in alias.mapping.items():
                    if alias_ref.reference == ref_name:
                        name = alias_field
            return rule.field_map.get(name, name)

        group_getters[rid] = tuple(compile_getter(field_of(g)) for g in corr.group_by or ())
        if corr.type is SigmaCorrelationType.VALUE_COUNT:
            fieldref = condition.fieldref
            if not isinstance(fieldref, str):
                raise Unsupported("value_count over several fields not supported")
            value_getters[rid] = compile_getter(field_of(fieldref))
    return CompiledCorrelation(
        meta=meta,
        type=str(corr.type),
        rules=tuple(rule_ids),
        timespan=float(corr.timespan.seconds),
        op=op,
        count=float(condition.count),
        group_by=tuple(corr.group_by or ()),
        group_getters=group_getters,
        value_getters=value_getters,
    )
