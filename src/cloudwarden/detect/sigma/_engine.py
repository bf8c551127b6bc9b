"""The Sigma engine: route each event to the few rules that can match it, run their closures.

Routing, per event source: an exact index from discriminating field values (CloudTrail
`eventName`, Kubernetes `verb`, the executable's basename) to rules; then, for rules with no
exact key, one RE2 set per field holding the literals those rules require (a substring
prefilter: one linear scan answers for all of them); the rest is a residual list run on every
event of that source. Cost per event grows with the candidates, not with the rule count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import re2

from cloudwarden.core.events import Event
from cloudwarden.detect.sigma._compile import KEYWORD_FIELD
from cloudwarden.detect.sigma._correlate import CorrelationState
from cloudwarden.detect.sigma._load import CompiledRule, RuleMeta, SigmaRuleSet
from cloudwarden.detect.sigma._mapping import MAPPINGS
from cloudwarden.detect.sigma._values import (
    Context,
    Getter,
    _walk,
    compile_getter,
    compile_lookup,
    flatten_text,
)

__all__ = ["SigmaEngine", "SigmaMatch"]

#: distinct routing values remembered per event source
_MEMO_SIZE = 4096
#: `step`'s answer for the events no rule matches
_NO_MATCHES: tuple[SigmaMatch, ...] = ()


@dataclass(slots=True)
class SigmaMatch:
    """A Sigma rule (or correlation) matched. `events` holds a correlation's evidence.

    Treat it as immutable, like `Event`: one is built per matching event, and a frozen
    dataclass's __init__ is several times slower."""

    rule_id: str
    title: str
    level: str
    tags: tuple[str, ...]
    event: Event
    description: str = ""
    correlation: str = ""
    group: tuple[tuple[str, str], ...] = ()
    events: tuple[Event, ...] = ()
    #: the rule's Sigma `name`, when it has one
    name: str = ""

    @classmethod
    def of(cls, meta: RuleMeta, event: Event) -> SigmaMatch:
        return cls(meta.id, meta.title, meta.level, meta.tags, event, meta.description,
                   name=meta.name)


def _basename(text: str) -> str:
    return text.rsplit("/", 1)[-1]


class _ExactIndex:
    __slots__ = ("basename", "get", "table")

    def __init__(self, get: Getter, basename: bool) -> None:
        self.get = get
        self.basename = basename
        self.table: dict[str, list[CompiledRule]] = defaultdict(list)


def _route_getter(path: str) -> Getter:
    """The getter routing reads a field with (`compile_getter` walks plain dicts inline)."""
    return compile_getter(path)


#: the routing values of an event, as the candidate memo keys it
_RoutingKey = tuple[Any, ...]


#: a key no record holds: `get` of it is None (pads the names of a fixed-shape key)
_NO_KEY = object()


def _routing_key(paths: list[str]) -> Callable[[Event], _RoutingKey]:
    """A function reading the values of `paths` (routing fields) as `compile_getter` reads
    them. Per event, so the usual shapes are spelled out in one function each, without a
    loop or a call per field: up to three top-level keys, and at most one two-part path."""
    names = [p for p in paths if not p.startswith("@") and "." not in p]
    attrs = tuple(p[1:] for p in paths if p.startswith("@"))
    dotted = [p for p in paths if "." in p and not p.startswith("@")]
    lookups = tuple(compile_lookup(p) for p in dotted)

    def general(event: Event) -> _RoutingKey:
        fields = event.fields
        return (
            *map(fields.get, names),
            *[getattr(event, a) or None for a in attrs],  # as `compile_getter` reads `@attr`
            *[lookup(fields) for lookup in lookups],
        )

    if attrs or len(names) > 3 or len(dotted) > 1 or any(p.count(".") != 1 for p in dotted):
        return general
    n0, n1, n2 = cast(tuple[Any, Any, Any], (*names, _NO_KEY, _NO_KEY, _NO_KEY)[:3])
    if not dotted:

        def names_only(event: Event) -> _RoutingKey:
            get = event.fields.get
            return (get(n0), get(n1), get(n2))

        return names_only
    path = dotted[0]
    first, second = path.split(".")
    rest = (second,)

    def names_and_path(event: Event) -> _RoutingKey:
        fields = event.fields
        if type(fields) is not dict:
            return general(event)
        get = fields.get
        value = get(path)  # `compile_lookup(path)`, inline: the key with the dot first
        if value is None:
            value = get(first)
            if value is not None:
                value = value.get(second) if type(value) is dict else _walk(value, rest)
        return (get(n0), get(n1), get(n2), value)

    return names_and_path


class _SubstringSet:
    __slots__ = ("get", "rules", "set", "single")

    def __init__(self, get: Getter | None, literals: dict[str, list[CompiledRule]]) -> None:
        self.get = get  # None: the record's whole text (keywords)
        self.set = re2.Set.SearchSet(re2.Options())
        self.rules: list[list[CompiledRule]] = []
        for literal, rules in literals.items():
            self.set.Add(re2.escape(literal))
            self.rules.append(rules)
        self.set.Compile()
        # one literal: Python's substring search answers the same, without the RE2 call
        self.single: str | None = next(iter(literals)) if len(literals) == 1 else None


class _Route:
    def __init__(self, source: str, rules: list[CompiledRule]) -> None:
        mapping = next((m for m in MAPPINGS if source in m.sources), None)
        basename = mapping.basename_fields if mapping else frozenset()
        exact: dict[str, _ExactIndex] = {}
        literals: dict[str, dict[str, list[CompiledRule]]] = defaultdict(lambda: defaultdict(list))
        self.residual: list[CompiledRule] = []
        for rule in rules:
            if rule.exact is not None:
                for field, key in rule.exact:
                    if field not in exact:
                        exact[field] = _ExactIndex(_route_getter(field), field in basename)
                    exact[field].table[key].append(rule)
            elif rule.substrings is not None:
                for field, literal in rule.substrings:
                    literals[field][literal].append(rule)
            else:
                self.residual.append(rule)
        self.exact = list(exact.values())
        # (top-level key read straight from `fields`, else None and the getter; basename; table)
        self._exact_specs = [
            (None if f.startswith("@") or "." in f else f, i.get, i.basename, i.table)
            for f, i in exact.items()
        ]
        self.sets = [
            _SubstringSet(None if f == KEYWORD_FIELD else _route_getter(f), lits)
            for f, lits in literals.items()
        ]
        # the candidates depend only on the routing fields' values: remembered per distinct
        # tuple of them (string values only: `1`, `True` and `"1"` route alike but hash alike
        # too). Not for keyword rules (the record's whole text) nor for fields of too many
        # values (command lines): the memo turns itself off when it mostly misses
        fields = [*exact, *(f for f in literals if f != KEYWORD_FIELD)]
        self._key = _routing_key(fields)
        self._memo: dict[_RoutingKey, tuple[CompiledRule, ...]] | None = (
            None if KEYWORD_FIELD in literals or not fields else {}
        )
        self._misses = self._hits = 0

    def candidates(self, ctx: Context) -> list[CompiledRule]:
        found: list[CompiledRule] = []
        fields = ctx.fields
        for key_name, get, basename, table in self._exact_specs:
            value = get(ctx) if key_name is None else fields.get(key_name)
            if value is None:
                continue
            if isinstance(value, str):
                key = value.lower()
                hit = table.get(_basename(key) if basename else key)
                if hit:
                    found += hit
            else:
                values = value if isinstance(value, list) else [value]
                for v in values:
                    key = flatten_text(v).lower()
                    hit = table.get(_basename(key) if basename else key)
                    if hit:
                        found += hit
        for subset in self.sets:
            if subset.get is None:
                text = ctx.lower_text()
            else:
                value = subset.get(ctx)
                if value is None:
                    continue
                text = value.lower() if isinstance(value, str) else flatten_text(value).lower()
            if subset.single is not None:
                if subset.single in text:
                    found += subset.rules[0]
                continue
            for i in subset.set.Match(text) or ():
                found += subset.rules[i]
        if self.residual:
            found += self.residual
        return list(dict.fromkeys(found)) if len(found) > 1 else found

    def select(self, event: Event) -> tuple[Sequence[CompiledRule], Context | None]:
        """`candidates` of the event, from the memo when its routing values were seen before;
        with the `Context` made on the way, if one was."""
        memo = self._memo
        if memo is None:
            ctx = Context(event)
            return self.candidates(ctx), ctx
        key = self._key(event)
        try:
            found = memo.get(key)
        except TypeError:  # an unhashable value (a list, a dict): worked out, not remembered
            ctx = Context(event)
            return self.candidates(ctx), ctx
        if found is not None:
            # only keys of strings (or None) are remembered, and only a string (a subclass
            # too, which routes alike) equals one
            self._hits += 1
            return found, None
        ctx = Context(event)
        found = tuple(self.candidates(ctx))
        if len(memo) < _MEMO_SIZE:
            # `1`, `True` and `1.0` are equal keys but route apart: keys of strings only
            if all(value is None or type(value) is str for value in key):
                memo[key] = found
        else:  # full: kept while it answers more events than it misses
            self._misses += 1
            if self._misses >= _MEMO_SIZE:
                if self._hits < self._misses:
                    self._memo = None
                self._misses = self._hits = 0
        return found, ctx


class SigmaEngine:
    """Compiled Sigma rules over events: `match` is stateless; `feed` adds correlations."""

    def __init__(self, ruleset: SigmaRuleSet, *, max_groups: int = 100_000) -> None:
        self.ruleset = ruleset
        by_source: dict[str, list[CompiledRule]] = defaultdict(list)
        for rule in ruleset.rules:
            for source in rule.sources:
                by_source[source].append(rule)
        self._routes = {source: _Route(source, rules) for source, rules in by_source.items()}
        self._states = [CorrelationState(c, max_groups) for c in ruleset.correlations]
        self._correlations_of: dict[str, list[CorrelationState]] = defaultdict(list)
        for state in self._states:
            for rid in state.correlation.rules:
                self._correlations_of[rid].append(state)

    def _matched(self, ctx: Context) -> list[CompiledRule]:
        route = self._routes.get(ctx.event.source)
        if route is None:
            return []
        return [r for r in route.candidates(ctx) if r.matcher(ctx)]

    def match(self, event: Event) -> list[SigmaMatch]:
        """Rules (not correlations) matching one event."""
        return [SigmaMatch.of(r.meta, event) for r in self._matched(Context(event)) if r.output]

    def feed(self, events: Iterable[Event]) -> Iterator[SigmaMatch]:
        """Rule matches and correlation matches over a time-ordered stream."""
        step = self.step
        for event in events:
            matches = step(event)
            if matches:
                yield from matches

    def step(self, event: Event) -> Sequence[SigmaMatch]:
        """What `feed` yields for one event of the stream (correlations keep their state):
        for callers that drive the stream themselves, one event at a time."""
        route = self._routes.get(event.source)
        if route is None:
            return _NO_MATCHES
        memo = route._memo
        rules: Sequence[CompiledRule] | None = None
        if memo is not None:  # `route.select`'s usual answer, without the call
            try:
                rules = memo.get(route._key(event))
            except TypeError:
                rules = None  # an unhashable value: `select` works it out
        if rules is not None:
            route._hits += 1
            if not rules:
                return _NO_MATCHES
            ctx: Context | None = None
        else:
            rules, ctx = route.select(event)
            if not rules:
                return _NO_MATCHES
        if ctx is None:
            ctx = Context(event)
        found: list[SigmaMatch] = []
        correlations_of = self._correlations_of
        for rule in rules:
            if not rule.matcher(ctx):
                continue  # matchers are pure: checking each before its updates is the same
            if rule.output:
                found.append(SigmaMatch.of(rule.meta, event))
            for state in correlations_of.get(rule.meta.id, ()):
                result = state.update(rule.meta.id, ctx)
                if result is not None:
                    group, evidence = result
                    meta = state.correlation.meta
                    found.append(
                        SigmaMatch(
                            meta.id,
                            meta.title,
                            meta.level,
                            meta.tags,
                            event,
                            meta.description,
                            correlation=state.correlation.type,
                            group=group,
                            events=evidence,
                            name=meta.name,
                        )
                    )
        return found

    def stats(self) -> dict[str, dict[str, int]]:
        """Per source: rules in the exact index, behind the substring prefilter, residual."""
        out: dict[str, dict[str, int]] = {}
        for source, route in self._routes.items():
            out[source] = {
                "exact_fields": len(route.exact),
                "substring_fields": len(route.sets),
                "residual": len(route.residual),
            }
        return out
