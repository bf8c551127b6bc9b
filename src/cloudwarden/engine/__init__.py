"""The engine: assess an inventory with compiled rules and yield findings.

Rules are compiled once per engine. Assets are grouped by type so each asset only meets the
rules written for its type. A rule that raises on one asset yields an `error` finding for that
asset with the reason; the assessment goes on.

Unknown is never judged non-compliant: where a field a rule reads could not be collected
(`Asset.unknown`), the rule yields an `error` finding saying so instead of a verdict. Where
the value is one the source leaves open (IaC: a variable without a value, an attribute known
only after apply; reasons marked `UNRESOLVED`), the rule is `not_applicable`, with the reason.

With a policy (`cloudwarden.posture.policy.PolicyConfig`), rules and their parameters depend on
the asset's (account, region). A rule turned off there is *not assessed*: it yields no finding
at all for the asset (unlike NOT_APPLICABLE, which is a verdict: assessed, does not apply).
Each distinct set of effective parameters of a rule is compiled once (a *variant*, with its
own memo); each (account, region) gets its plan of variants once, so the per-asset cost of a
policy is one dict lookup. Without a policy, or with one that changes no rule, the engine
takes the plain path.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cloudwarden.core.checks import CheckContext, InventoryView
from cloudwarden.core.conditions import Compiled, signature_fields, value_key_function
from cloudwarden.core.loader import CompiledRule, RuleSpec
from cloudwarden.core.model import UNRESOLVED, Asset, Evidence, Finding, Status

if TYPE_CHECKING:
    from cloudwarden.posture.policy import PolicyConfig

__all__ = ["Engine"]

# Enum members looked up once: attribute access on an Enum class goes through a descriptor,
# which is measurable when done millions of times.
_PASS, _FAIL, _NA, _ERROR = Status.PASS, Status.FAIL, Status.NOT_APPLICABLE, Status.ERROR
#: Findings on the hot paths are built in C from all eight fields (see `Finding`)
_new = tuple.__new__


class Engine:
    def __init__(
        self,
        rules: Iterable[RuleSpec],
        *,
        now: datetime | None = None,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        evidence: bool = True,
        policy: PolicyConfig | None = None,
    ) -> None:
        """`params` maps rule id -> parameter overrides for every scope (a policy's
        organization, account and region parameters go on top). With `evidence=False`
        findings carry no evidence (the fastest mode, for bulk statistics)."""
        self.now = now or datetime.now(UTC)
        overrides = params or {}
        self.evidence = evidence
        self.policy = policy if policy is not None and policy.changes_assessment else None
        self._by_type: dict[str, list[CompiledRule]] = defaultdict(list)
        self.rules: list[CompiledRule] = []
        self._specs: dict[str, RuleSpec] = {}
        self._base_params: dict[str, Mapping[str, Any]] = {}
        #: (rule id, frozen effective parameters) -> the rule compiled with them
        self._variants: dict[tuple[str, str], CompiledRule] = {}
        #: (rule id, account, region) -> the variant assessed there, None when turned off
        self._resolved: dict[tuple[str, str, str], CompiledRule | None] = {}
        #: rule id -> its variant in every scope, for rules no account or region mentions
        self._everywhere: dict[str, CompiledRule | None] = {}
        for spec in rules:
            compiled = spec.compile(now=self.now, params=overrides.get(spec.id))
            self.rules.append(compiled)
            self._by_type[spec.meta.asset_type].append(compiled)
            if self.policy is not None:
                self._specs[spec.id] = spec
                self._base_params[spec.id] = overrides.get(spec.id) or {}
                self._variants[(spec.id, _frozen(compiled.params))] = compiled

    def rules_for(self, asset_type: str) -> Sequence[CompiledRule]:
        """The rules of an asset type as compiled without a policy's scopes."""
        return self._by_type.get(asset_type, ())

    def rules_for_scope(self, asset_type: str, account: str,
                        region: str) -> list[CompiledRule]:
        """The rule variants assessed on an asset type in an account's region: the policy's
        turned-off rules left out, its parameters applied."""
        rules = self._by_type.get(asset_type, ())
        if self.policy is None:
            return list(rules)
        resolve = self._resolve
        return [v for v in (resolve(r, account, region) for r in rules) if v is not None]

    def assess(self, inventory: InventoryView) -> Iterator[Finding]:
        if self.policy is not None:
            yield from self._assess_scoped(inventory)
            return
        types = sorted(self._by_type)
        for asset_type in types:
            rules = self._by_type[asset_type]
            assets = inventory.of_type(asset_type)
            if not assets:
                continue
            judgers = [self._judger(r) if _memoizable(r) else None for r in rules]
            plan = [self._evaluator(r, CheckContext(inventory, self.now, r.params), j)
                    for r, j in zip(rules, judgers, strict=True)]
            shared = self._shared(rules, judgers)
            if shared is None:
                for asset in assets:
                    for evaluate in plan:
                        yield evaluate(asset)
            else:
                yield from self._assess_shared(rules, plan, assets, *shared)

    def _shared(self, rules: Sequence[CompiledRule],
                judgers: Sequence[_Judger | None]) -> tuple[
            list[_Judger | None], Callable[[Any], Any]] | None:
        """The judgers of a type's rules that can share one memo (None for the others), and
        the key function over the union of what they read; None when fewer than
        `_SHARED_RULES` rules could share it."""
        members: list[_Judger | None] = [
            j if j is not None and (r.applies is None or r.applies.memo_signature is not None)
            else None for r, j in zip(rules, judgers, strict=True)]
        if sum(j is not None for j in members) < _SHARED_RULES:
            return None
        union: dict[Any, None] = {}  # what they read, in first-read order
        for rule, judger in zip(rules, members, strict=True):
            if judger is None:
                continue
            for condition in (rule.applies, rule.match):
                if condition is not None:
                    assert condition.memo_signature is not None
                    union.update(dict.fromkeys(condition.memo_signature))
        fields = signature_fields(tuple(union))
        if fields is None:  # pragma: no cover - a top-level read always names a field
            return None
        return members, value_key_function(fields)

    def _assess_shared(self, rules: Sequence[CompiledRule],
                       plan: list[Callable[[Asset], Finding]], assets: Iterable[Asset],
                       members: list[_Judger | None],
                       key_of: Callable[[Any], Any]) -> Iterator[Finding]:
        """Assess one type's assets, remembering the verdicts of all its declarative rules
        together per distinct set of the values they read: one key and one lookup per asset
        instead of one per rule. A verdict holds, per rule, what its finding is made of (rule
        id, status, severity, message maker, evidence), or the rule's own evaluator (a Python
        check; a condition that raised). A miss asks each rule's judger, whose own memo
        usually knows the answer. Falls back to the rules' evaluators when the values read
        together keep changing."""
        ids = [r.meta.id for r in rules]
        severities = [r.meta.severity for r in rules]
        verdicts: dict[Any, tuple[Any, ...]] = {}
        room, entry_cost, probation = _MEMO_BYTES, _MEMO_ENTRY_BYTES, _MEMO_PROBATION
        bypass = False
        hits = misses = 0

        def judge(doc: Any) -> tuple[Any, ...]:
            out: list[Any] = []
            for evaluate, judger, rule_id, severity in zip(plan, members, ids, severities,
                                                           strict=True):
                judged = None if judger is None else judger(doc)
                if judged is None:
                    out.append(evaluate)
                else:
                    out.append((rule_id, judged[0], severity, judged[2], judged[1]))
            return tuple(out)

        for asset in assets:
            if bypass or asset.unknown:
                for evaluate in plan:
                    yield evaluate(asset)
                continue
            doc = asset.properties
            key = key_of(doc)
            if key is None:
                for evaluate in plan:
                    yield evaluate(asset)
                continue
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = judge(doc)
                if room > 0:
                    verdicts[key] = verdict
                    room -= len(key) + entry_cost
                misses += 1
                bypass = misses > probation and misses > hits
            else:
                hits += 1
            ref = asset.ref
            for part in verdict:
                if type(part) is tuple:
                    rule_id, status, severity, render, evidence = part
                    yield _new(Finding, (rule_id, ref, status, severity, render(asset), evidence,
                                        None, None))
                else:
                    yield part(asset)

    def _assess_scoped(self, inventory: InventoryView) -> Iterator[Finding]:
        """`assess` under a policy: one plan per (account, region), built the first time an
        asset of that scope is met; the context and memo of a variant are shared by every
        scope that assesses it."""
        # id(variant) -> its evaluator (context and memo), shared by the scopes assessing it
        slots: dict[int, Callable[[Asset], Finding]] = {}
        for asset_type in sorted(self._by_type):
            assets = inventory.of_type(asset_type)
            if not assets:
                continue
            plans: dict[tuple[str, str], list[Callable[[Asset], Finding]]] = {}
            for asset in assets:
                ref = asset.ref
                scope = (ref.account, ref.region)
                plan = plans.get(scope)
                if plan is None:
                    plan = plans[scope] = []
                    for variant in self.rules_for_scope(asset_type, *scope):
                        slot = slots.get(id(variant))
                        if slot is None:
                            slot = slots[id(variant)] = self._evaluator(
                                variant, CheckContext(inventory, self.now, variant.params),
                                self._judger(variant) if _memoizable(variant) else None)
                        plan.append(slot)
                for evaluate in plan:
                    yield evaluate(asset)

    def _resolve(self, base: CompiledRule, account: str, region: str) -> CompiledRule | None:
        """The variant of a rule assessed in an account's region, None when turned off; a
        rule no account or region scope mentions is resolved once for every scope."""
        rule_id = base.meta.id
        key = (rule_id, account, region)
        try:
            return self._resolved[key]
        except KeyError:
            pass
        policy = self.policy
        assert policy is not None
        if not policy.scoped(rule_id):
            if rule_id not in self._everywhere:
                self._everywhere[rule_id] = self._variant(base, policy, None, None)
            variant = self._resolved[key] = self._everywhere[rule_id]
            return variant
        variant = self._resolved[key] = self._variant(base, policy, account, region)
        return variant

    def _variant(self, base: CompiledRule, policy: PolicyConfig, account: str | None,
                 region: str | None) -> CompiledRule | None:
        rule_id = base.meta.id
        if not policy.rule_enabled(rule_id, account, region):
            return None
        scoped = policy.overrides(rule_id, account, region)
        if not scoped:
            return base
        spec = self._specs[rule_id]
        wanted = {**self._base_params[rule_id], **scoped}
        frozen = _frozen({**spec.meta.parameters, **wanted})
        variant = self._variants.get((rule_id, frozen))
        if variant is None:
            variant = self._variants[(rule_id, frozen)] = spec.compile(now=self.now,
                                                                        params=wanted)
        return variant

    def assess_asset(self, asset: Asset, inventory: InventoryView) -> list[Finding]:
        ref = asset.ref
        return [self._evaluate(rule, asset, CheckContext(inventory, self.now, rule.params))
                for rule in self.rules_for_scope(ref.type, ref.account, ref.region)]

    def _evaluate(self, rule: CompiledRule, asset: Asset, ctx: CheckContext) -> Finding:
        """One rule on one asset, with no memo: the reference the specialised evaluators of
        `_evaluator` must agree with (tests/engine/test_memo.py), and their fallback."""
        meta = rule.meta
        doc = asset.properties
        # Costs one truth test when nothing is unknown, which is almost always.
        if asset.unknown and not rule.reads.isdisjoint(asset.unknown):
            return self._not_assessed(rule, asset)
        try:
            if rule.applies is not None and not rule.applies.test(doc):
                return Finding(meta.id, asset.ref, _NA, meta.severity,
                               "the rule does not apply to this resource")
            if rule.match is not None:
                if self.evidence:
                    ok, evidence = rule.match.explain(doc)
                    found: tuple[Evidence, ...] = tuple(evidence)
                else:
                    ok, found = rule.match.test(doc), ()
                if ok:
                    return Finding(meta.id, asset.ref, _PASS, meta.severity,
                                   rule.render_pass(asset), found)
                return Finding(meta.id, asset.ref, _FAIL, meta.severity,
                               rule.render_fail(asset), found)
            assert rule.check is not None
            result = rule.check(asset, ctx)
            message = result.message
            if not message:
                if result.status is _PASS:
                    message = rule.render_pass(asset)
                elif result.status is _FAIL:
                    message = rule.render_fail(asset)
                else:
                    message = f"{result.status.value}: {meta.title}"
            return Finding(meta.id, asset.ref, result.status, meta.severity, message,
                           result.evidence if self.evidence else ())
        except Exception as exc:
            return Finding(meta.id, asset.ref, _ERROR, meta.severity,
                           f"rule failed on this resource: {type(exc).__name__}: {exc}",
                           (Evidence("rule", meta.source),))

    def _evaluator(self, rule: CompiledRule, ctx: CheckContext,
                   judged: _Judger | None = None) -> Callable[[Asset], Finding]:
        """`_evaluate` specialised for one rule: the hot loop's per-evaluation work with every
        lookup that does not depend on the asset done once, here."""
        rule_id, severity, reads = rule.meta.id, rule.meta.severity, rule.reads
        render_pass, render_fail = rule.render_pass, rule.render_fail
        not_assessed, slow = self._not_assessed, self._evaluate
        if judged is not None:

            def memoized(asset: Asset) -> Finding:
                if asset.unknown and not reads.isdisjoint(asset.unknown):
                    return not_assessed(rule, asset)
                outcome = judged(asset.properties)
                if outcome is None:
                    return slow(rule, asset, ctx)  # reports the error as _evaluate does
                return _new(Finding, (rule_id, asset.ref, outcome[0], severity,
                                     outcome[2](asset), outcome[1], None, None))

            return memoized
        check = rule.check
        keep_evidence = self.evidence
        if check is None and rule.match is not None:
            applies_test = rule.applies.test if rule.applies is not None else None
            explain, test = rule.match.explain, rule.match.test
            not_applicable = "the rule does not apply to this resource"

            def declarative(asset: Asset) -> Finding:
                if asset.unknown and not reads.isdisjoint(asset.unknown):
                    return not_assessed(rule, asset)
                doc = asset.properties
                try:
                    if applies_test is not None and not applies_test(doc):
                        return _new(Finding, (rule_id, asset.ref, _NA, severity,
                                             not_applicable, (), None, None))
                    if keep_evidence:
                        ok, found = explain(doc)
                        evidence: tuple[Evidence, ...] = tuple(found)
                    else:
                        ok, evidence = test(doc), ()
                except Exception:
                    return slow(rule, asset, ctx)  # reports the error as _evaluate does
                if ok:
                    return _new(Finding, (rule_id, asset.ref, _PASS, severity,
                                         render_pass(asset), evidence, None, None))
                return _new(Finding, (rule_id, asset.ref, _FAIL, severity, render_fail(asset),
                                     evidence, None, None))

            return declarative
        if check is None or rule.match is not None:
            return lambda asset: slow(rule, asset, ctx)
        title = rule.meta.title
        applies = _remembered_test(rule.applies) if rule.applies is not None else None
        not_applicable = "the rule does not apply to this resource"

        def checked(asset: Asset) -> Finding:
            if asset.unknown and not reads.isdisjoint(asset.unknown):
                return not_assessed(rule, asset)
            try:
                if applies is not None and not applies(asset.properties):
                    return _new(Finding, (rule_id, asset.ref, _NA, severity, not_applicable,
                                         (), None, None))
                status, message, evidence = check(asset, ctx)
            except Exception:
                return slow(rule, asset, ctx)  # reports the error as _evaluate does
            if not message:
                if status is _PASS:
                    message = render_pass(asset)
                elif status is _FAIL:
                    message = render_fail(asset)
                else:
                    message = f"{status.value}: {title}"
            return _new(Finding, (rule_id, asset.ref, status, severity, message,
                                 evidence if keep_evidence else (), None, None))

        return checked

    def _judger(self, rule: CompiledRule) -> _Judger:
        """A declarative rule's verdict on a document, remembered per distinct values read:
        (status, evidence, message maker), or None when a condition raised (the rule's
        evaluator reports it). applies_if and match are remembered apart: applies_if often
        reads a value that differs on every asset (a name) while match reads shared settings.
        A memo that misses more than it hits (values that keep changing: names, timestamps)
        is dropped, sparing the cost of its keys."""
        assert rule.match is not None and rule.match.memo_signature is not None
        key_of = rule.match.key_of
        applies = _remembered_test(rule.applies) if rule.applies is not None else None
        explain, test = rule.match.explain, rule.match.test
        render_pass, render_fail = rule.render_pass, rule.render_fail
        keep_evidence = self.evidence
        not_applicable = (_NA, (), _not_applicable)
        memo: dict[Any, tuple[Any, ...]] = {}
        room, entry_cost, probation = _MEMO_BYTES, _MEMO_ENTRY_BYTES, _MEMO_PROBATION
        bypass = False
        hits = misses = 0

        def fresh(doc: Any) -> tuple[Any, ...] | None:
            try:
                if keep_evidence:
                    ok, evidence = explain(doc)
                    if ok:
                        return (_PASS, tuple(evidence), render_pass)
                    return (_FAIL, tuple(evidence), render_fail)
                return (_PASS, (), render_pass) if test(doc) else (_FAIL, (), render_fail)
            except Exception:
                return None

        def judged(doc: Any) -> tuple[Any, ...] | None:
            nonlocal bypass, hits, misses, room
            if applies is not None:
                try:
                    if not applies(doc):
                        return not_applicable
                except Exception:
                    return None
            if bypass:
                return fresh(doc)
            key = key_of(doc)
            if key is None:
                return fresh(doc)
            hit = memo.get(key)
            if hit is None:
                hit = fresh(doc)
                if hit is None:
                    return None
                if room > 0:
                    memo[key] = hit
                    room -= len(key) + entry_cost
                misses += 1
                bypass = misses > probation and misses > hits
            else:
                hits += 1
            return hit

        return judged

    def _not_assessed(self, rule: CompiledRule, asset: Asset) -> Finding:
        """A rule that reads an unknown field: not applicable if `applies_if` says so from known
        fields alone, otherwise an error naming what was not collected."""
        meta = rule.meta
        unknown = asset.unknown
        if rule.applies is not None and unknown.keys().isdisjoint(rule.applies_reads):
            try:
                if not rule.applies.test(asset.properties):
                    return Finding(meta.id, asset.ref, _NA, meta.severity,
                                   "the rule does not apply to this resource")
            except Exception as exc:
                return Finding(meta.id, asset.ref, _ERROR, meta.severity,
                               f"rule failed on this resource: {type(exc).__name__}: {exc}",
                               (Evidence("rule", meta.source),))
        missing = [f for f in dict.fromkeys((*rule.applies_reads, *rule.judge_reads))
                   if f in unknown]
        collected = [f for f in missing if not unknown[f].startswith(UNRESOLVED)]
        if not collected:  # only values the code leaves open: nothing to judge, nothing failed
            message = "not assessed: " + "; ".join(
                f"{f} is not known from the source ({unknown[f][len(UNRESOLVED):]})"
                for f in missing)
            evidence = tuple(Evidence(f, None, "known") for f in missing) if self.evidence else ()
            return Finding(meta.id, asset.ref, _NA, meta.severity, message, evidence)
        message = "could not assess: " + "; ".join(
            f"{f} was not collected ({unknown[f]})" for f in collected)
        evidence = tuple(Evidence(f, None, "collected") for f in collected) if self.evidence else ()
        return Finding(meta.id, asset.ref, _ERROR, meta.severity, message, evidence)


#: doc -> (status, evidence, message maker), or None when a condition raised
_Judger = Callable[[Any], "tuple[Any, ...] | None"]

#: what one memo may hold, in bytes of keys (a key of whole fields can be kilobytes) plus a
#: flat cost per entry; past it, results are computed (high-cardinality inputs gain nothing)
_MEMO_BYTES = 1 << 20
_MEMO_ENTRY_BYTES = 200
#: a memo is dropped (its rule simply evaluated) once it has missed more than this many times
#: and more often than it hit: values that keep changing (names, timestamps) gain nothing
_MEMO_PROBATION = 256
#: declarative rules of one type needed for their verdicts to be remembered together
_SHARED_RULES = 3


def _not_applicable(_asset: Asset) -> str:
    return "the rule does not apply to this resource"


def _frozen(params: Mapping[str, Any]) -> str:
    """A hashable, order-independent form of a parameter set, to find equal variants."""
    return json.dumps(params, sort_keys=True, default=repr)


def _memoizable(rule: CompiledRule) -> bool:
    """A declarative rule whose match depends on the values it reads alone (no clock): equal
    values, equal result and evidence (messages are still filled per asset)."""
    return (rule.check is None and rule.match is not None
            and rule.match.memo_signature is not None)


def _remembered_test(condition: Compiled) -> Callable[[Any], bool]:
    """`condition.test` remembered per distinct key of the values it reads, boundedly, when it
    reads lists or several values; the plain test where there is no key, for one or two plain
    values, or once the memo misses more than it hits. An error
    is raised, never remembered."""
    test = condition.test
    if condition.memo_signature is None or condition.memo_getters is not None:
        return test  # one or two plain values: testing them costs what a lookup would
    key_of = condition.key_of
    memo: dict[Any, bool] = {}
    room, entry_cost, probation = _MEMO_BYTES, _MEMO_ENTRY_BYTES, _MEMO_PROBATION
    bypass = False
    hits = misses = 0

    def remembered(doc: Any) -> bool:
        nonlocal bypass, hits, misses, room
        if bypass:
            return test(doc)
        key = key_of(doc)
        if key is None:
            return test(doc)
        hit = memo.get(key)
        if hit is None:
            hit = test(doc)
            if room > 0:
                memo[key] = hit
                room -= len(key) + entry_cost
            misses += 1
            bypass = misses > probation and misses > hits
        else:
            hits += 1
        return hit

    return remembered


