"""Posture throughput: secure score, recommendations and compliance over synthetic findings.

Findings are made directly (no engine run): every rule of the real catalog judges its own
asset type, over many accounts, with a fixed mix of pass, fail, not-applicable and exempt
results. Prints the seconds of each figure and their total; the target is under 10 s for
1,000,000 findings over 100 accounts on one core.

    python benchmarks/bench_posture.py                  # 1,000,000 findings, 100 accounts
    python benchmarks/bench_posture.py --findings 100000 --accounts 10
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from cloudwarden.core.model import AssetRef, Finding, Severity, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.posture import secure_score
from cloudwarden.posture.recommendations import recommendations
from cloudwarden.service.scan import load_catalog

# cumulative weights: 55% pass, 30% fail, 10% not applicable, 5% exempt
_MIX = ((0.55, Status.PASS), (0.85, Status.FAIL), (0.95, Status.NOT_APPLICABLE),
        (1.0, Status.EXEMPT))


def build(n_findings: int, n_accounts: int, rules: list[RuleMeta],
          seed: int = 7) -> list[Finding]:
    """About `n_findings` findings: per account, assets of every type the rules judge, each
    judged by every rule of its type."""
    rnd = random.Random(seed)
    by_type: dict[str, list[RuleMeta]] = defaultdict(list)
    for meta in rules:
        by_type[meta.asset_type].append(meta)
    per_round = len(rules)  # findings made by one asset of every type
    assets_per_type = max(1, n_findings // (n_accounts * per_round))
    regions = ("us-east-1", "eu-west-1")
    findings: list[Finding] = []
    append = findings.append
    for a in range(n_accounts):
        account = f"{100000000000 + a}"
        for asset_type, metas in sorted(by_type.items()):
            for i in range(assets_per_type):
                region = regions[i & 1]
                asset = AssetRef("aws", account, region, asset_type,
                                 f"arn:aws:{asset_type}:{region}:{account}:{i}")
                for meta in metas:
                    roll = rnd.random()
                    status = next(s for bound, s in _MIX if roll < bound)
                    append(Finding(meta.id, asset, status, meta.severity, ""))
    # collector errors are in every real result set; posture must skip them
    for a in range(n_accounts):
        ref = AssetRef("aws", f"{100000000000 + a}", "us-east-1", "aws.account", "collector")
        append(Finding("collector.aws.ec2", ref, Status.ERROR, Severity.MEDIUM, "throttled"))
    return findings


def timed(label: str, fn: Callable[[], Any], figures: list[tuple[str, float]]) -> Any:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    figures.append((label, seconds))
    print(f"{label:<16} {seconds:7.2f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100)
    args = parser.parse_args(argv)

    rules = {spec.meta.id: spec.meta for spec in load_catalog()}
    findings = build(args.findings, args.accounts, list(rules.values()))
    print(f"{len(findings):,} findings, {args.accounts} accounts, {len(rules)} rules",
          flush=True)

    figures: list[tuple[str, float]] = []
    score = timed("secure score", lambda: secure_score(findings, rules), figures)
    recs = timed("recommendations",
                 lambda: recommendations(findings, rules, score=score), figures)
    try:
        from cloudwarden.posture.compliance import (  # present once compliance lands
            compliance,
            load_compliance_frameworks,
        )
    except ImportError:
        print("compliance       skipped (cloudwarden.posture.compliance not present)")
        frameworks_result: list[Any] = []
    else:
        frameworks = load_compliance_frameworks()
        frameworks_result = timed("compliance", lambda: compliance(findings, frameworks),
                                  figures)
    total = sum(seconds for _, seconds in figures)
    print(f"{'total':<16} {total:7.2f} s")
    print(f"score {score.percentage:.2f}% ({score.current:.2f} of {score.maximum}), "
          f"{len(score.controls)} controls, {len(score.accounts)} accounts; "
          f"{len(recs)} recommendations, "
          f"{sum(len(r.affected) for r in recs):,} affected, "
          f"{sum(len(r.quick_fixes) for r in recs):,} quick fixes; "
          f"{len(frameworks_result)} frameworks")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {peak / (1024 if sys.platform != 'darwin' else 1024 * 1024):.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
