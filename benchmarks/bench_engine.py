"""Engine throughput: assess a synthetic inventory of AWS assets with every built-in rule.

The documents are the rules' own pass/fail fixtures (real canonical shapes, a realistic mix
of compliant and non-compliant values), copied per asset with a unique id, spread over many
accounts and two regions. Prints assets/s and rule evaluations/s per core (CPU time of the
assessment's one thread), and peak RSS. Also prints a reference on the same machine: the rate
of a loop that only builds and counts the same findings, judging nothing (the floor of any
engine that yields one finding per evaluation), and the engine's rate as a fraction of it: a
figure that compares across machines, which differ more than a change does.

    python benchmarks/bench_engine.py                # 1,000,000 assets
    python benchmarks/bench_engine.py --assets 100000 --accounts 100
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from cloudwarden.assets import default_registry
from cloudwarden.core.fixtures import read_fixtures
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, AssetRef, Finding, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory


def templates() -> dict[str, list[dict[str, Any]]]:
    """Fixture documents per asset type (subjects and related assets alike)."""
    specs, _ = load_rules(known_types=default_registry().names())
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for spec in specs:
        if not spec.fixtures_path.is_file():
            continue
        for fx in read_fixtures(spec.id, spec.fixtures_path):
            out[spec.meta.asset_type].append(dict(fx.data["properties"]))
            for rel in fx.data.get("related") or []:
                out[str(rel["type"])].append(dict(rel.get("properties") or {}))
    return out


def build(n_assets: int, n_accounts: int, provider: str | None = None) -> Inventory:
    docs = {t: d for t, d in templates().items()
            if provider is None or t.startswith(f"{provider}.")}
    registry = default_registry()
    # account-scoped types once per account, region-scoped twice, the rest share the remainder
    fixed = {t: (1 if registry[t].scope == "account" else 2) * n_accounts
             for t in docs if registry[t].scope != "resource"}
    resource_types = sorted(t for t in docs if registry[t].scope == "resource")
    remaining = max(0, n_assets - sum(fixed.values()))
    per_type = {t: remaining // len(resource_types) for t in resource_types}
    per_type.update(fixed)
    inv = Inventory()
    regions = ("us-east-1", "eu-west-1")
    for asset_type, count in sorted(per_type.items()):
        id_field = registry[asset_type].id_field
        # every asset gets its own document tree, as one loaded from a snapshot does (shared
        # sub-objects would flatter any memoization keyed on object identity)
        cycle = itertools.cycle([json.dumps(d, default=str) for d in docs[asset_type]])
        for i in range(count):
            account = f"{100000000000 + i % n_accounts}"
            region = regions[(i // n_accounts) % 2]
            doc = json.loads(next(cycle))
            ident = f"{asset_type}/{i}"
            doc[id_field] = ident
            inv.add(Asset(AssetRef("aws", account, region, asset_type, ident), ident, doc))
    return inv


def reference_rate(engine: Engine, inventory: Inventory) -> float:
    """Findings/s of a loop that builds and counts one finding per (asset, rule) as the engine
    does (a message from the asset's id, in C), judging nothing: CPU time, best of three."""
    new = tuple.__new__
    plan = [(inventory.of_type(t), [(r.meta.id, r.meta.severity) for r in engine.rules_for(t)])
            for t in sorted(inventory.types())]

    def findings() -> Any:
        for assets, rules in plan:
            for asset in assets:
                ref = asset.ref
                for rule_id, severity in rules:
                    yield new(Finding, (rule_id, ref, Status.PASS, severity,
                                        "resource " + ref.id, (), None, None))

    best = 0.0
    for _ in range(3):
        cpu0 = time.process_time()
        count = sum(Counter(map(attrgetter("status"), findings())).values())
        best = max(best, count / (time.process_time() - cpu0))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--no-evidence", action="store_true",
                        help="skip evidence (the fastest mode, for statistics)")
    parser.add_argument("--provider", default=None,
                        help="only this provider's rules and asset types (aws, kubernetes, ...)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    inventory = build(args.assets, args.accounts, args.provider)
    t1 = time.perf_counter()
    specs, _ = load_rules(known_types=default_registry().names())
    if args.provider:
        specs = [s for s in specs if s.meta.asset_type.startswith(f"{args.provider}.")]
    engine = Engine(specs, now=datetime(2026, 11, 1, tzinfo=UTC), evidence=not args.no_evidence)
    t2 = time.perf_counter()
    gc.freeze()  # the inventory is long-lived; don't rescan it on every collection
    if os.environ.get("BENCH_NO_GC"):
        gc.disable()
    cpu0 = time.process_time()
    start = time.perf_counter()
    # counted in C: the figure is the engine's, not this loop's
    statuses: Counter[Status] = Counter(map(attrgetter("status"), engine.assess(inventory)))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    evaluations = sum(statuses.values())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = reference_rate(engine, inventory)

    print(f"rules: {len(specs)} over {len(inventory.types())} asset types")
    print(f"assets: {len(inventory):,} (built in {t1 - t0:.1f}s); "
          f"rules compiled in {(t2 - t1) * 1000:.0f} ms")
    print(f"assessment: {elapsed:.2f}s wall, {cpu:.2f}s CPU (one core)")
    # per core: CPU time of the one thread (wall time also counts other processes' turns)
    print(f"assets/s: {len(inventory) / cpu:,.0f} per core")
    print(f"rule evaluations: {evaluations:,} -> {evaluations / cpu:,.0f}/s per core "
          f"({evaluations / elapsed:,.0f}/s wall)")
    print(f"reference (same machine): building and counting the findings alone, judging "
          f"nothing, {floor:,.0f}/s; the engine runs at {evaluations / cpu / floor:.2f} of it")
    print(f"results: { {s.value: n for s, n in statuses.items()} }")
    print(f"peak RSS: {peak_mib:,.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
