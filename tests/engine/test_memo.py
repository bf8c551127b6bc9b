"""The engine's per-rule memo never changes a result: every finding of an assessment equals the
finding computed afresh, with the memo bypassed."""

from __future__ import annotations

from datetime import UTC, datetime

from cloudwarden.assets import default_registry
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.fixtures import fixture_assets, read_fixtures
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _declarative() -> list[RuleSpec]:
    specs, _ = load_rules(known_types=default_registry().names())
    return [s for s in specs if s.match is not None]  # the memo serves declarative rules


def _inventory() -> Inventory:
    specs = _declarative()
    inv = Inventory()
    n = 0
    for spec in specs:
        if not spec.fixtures_path.is_file():
            continue
        for fixture in read_fixtures(spec.id, spec.fixtures_path):
            subject, related = fixture_assets(spec.meta.asset_type, fixture)
            for copy in range(3):  # equal documents under different ids and names
                for asset in (subject, *related):
                    n += 1
                    ref = AssetRef(asset.ref.provider, asset.ref.account, asset.ref.region,
                                   asset.ref.type, f"{asset.ref.id}-{n}-{copy}")
                    inv.add(Asset(ref, f"{asset.name}-{copy}", asset.properties, asset.tags))
    return inv


def test_memoized_results_equal_fresh_results() -> None:
    engine = Engine(_declarative(), now=NOW)
    inventory = _inventory()
    memoized = list(engine.assess(inventory))
    fresh = []
    for asset_type in sorted({r.meta.asset_type for r in engine.rules}):
        for asset in inventory.of_type(asset_type):
            for rule in engine.rules_for(asset_type):
                ctx = CheckContext(inventory, engine.now, rule.params)
                fresh.append(engine._evaluate(rule, asset, ctx))
    assert len(memoized) == len(fresh) > 1000
    assert sorted(memoized, key=repr) == sorted(fresh, key=repr)


def _fresh(engine: Engine, inventory: Inventory) -> list[object]:
    out: list[object] = []
    for asset_type in sorted({r.meta.asset_type for r in engine.rules}):
        for asset in inventory.of_type(asset_type):
            for rule in engine.rules_for(asset_type):
                ctx = CheckContext(inventory, engine.now, rule.params)
                out.append(engine._evaluate(rule, asset, ctx))
    return out


def test_memos_that_keep_missing_are_dropped_without_changing_results() -> None:
    """Values that differ on every asset (names, ids) make every memo miss: past its
    probation a memo is dropped and the rules are evaluated directly; results stay equal."""
    specs = _declarative()
    inv = Inventory()
    for spec in specs:
        if not spec.fixtures_path.is_file() or not spec.meta.asset_type.startswith(
                ("aws.s3.", "kubernetes.role")):
            continue
        for fixture in read_fixtures(spec.id, spec.fixtures_path):
            subject, _ = fixture_assets(spec.meta.asset_type, fixture)
            for copy in range(300):
                props = {k: (f"{v}-{copy}" if isinstance(v, str) else v)
                         for k, v in subject.properties.items()}
                ref = AssetRef(subject.ref.provider, subject.ref.account, subject.ref.region,
                               subject.ref.type, f"{spec.id}-{copy}")
                inv.add(Asset(ref, f"{subject.name}-{copy}", props))
    engine = Engine(specs, now=NOW)
    memoized = list(engine.assess(inv))
    fresh = _fresh(engine, inv)
    assert len(memoized) == len(fresh) > 5000
    assert memoized == fresh  # same order too: asset by asset, rule by rule


def test_verdicts_remembered_per_type_equal_fresh_results_in_order() -> None:
    engine = Engine(_declarative(), now=NOW)
    inventory = _inventory()
    assert list(engine.assess(inventory)) == _fresh(engine, inventory)


def test_a_memo_keyed_on_large_fields_stays_within_its_byte_budget() -> None:
    """A rule reading a whole list keys its memo with those fields' bytes: a memo that keeps
    hitting must still stop growing at its budget, however large the keys."""
    import tracemalloc

    from cloudwarden.engine import _MEMO_BYTES

    spec = next(s for s in _declarative()
                if s.meta.asset_type == "kubernetes.workload" and "Containers" in str(s.match))
    engine = Engine([spec], now=NOW)
    rule = engine.rules[0]
    judged = engine._judger(rule)

    def doc(i: int) -> dict[str, object]:  # about 60 KB of containers, distinct per i
        return {"Kind": "Deployment", "Name": f"w{i}", "Containers": [
            {"name": f"c{i}-{n}", "image": f"registry.example/app:{i}", "args": ["x" * 500] * 4}
            for n in range(25)]}

    tracemalloc.start()
    for i in range(300):
        first = judged(doc(i))
        assert judged(doc(i)) == first  # every key seen twice: the memo keeps paying
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert _MEMO_BYTES <= 2 << 20
    assert peak < 8 << 20  # unbounded, the 300 keys alone would be 15 MB
