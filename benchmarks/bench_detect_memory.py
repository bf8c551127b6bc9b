"""Detection memory: what a run holds as its stream grows, measured by tracemalloc.

Runs the CloudTrail stream of `bench_detect.py` (built-in rules plus generated Sigma rules)
and samples, as the events go by, the memory in use and the number of distinct alerts raised
so far. The alerts are the run's output (each kept, with its evidence record, until the run
ends and they are fused and stored); everything else (detector and anomaly state, memos,
buffers) must not grow with the number of events. The stream is one block of records read
`--repeats` times over (each time at other line numbers, so as other records): the same
activity recurs, its alerts aggregate into those of the first block (no new distinct alert)
and each alert keeps at most `MAX_EVIDENCE` (20) evidence records, so once the alerts hold
all the evidence they may, the memory in use must stay where it is, however many events
follow. Prints what an alert costs (from the finished outcome) and the samples. Slower than
`bench_detect.py` (tracemalloc traces every allocation); the figures are bytes, not speed.

    python benchmarks/bench_detect_memory.py                  # 200,000 events
    python benchmarks/bench_detect_memory.py --events 400000
"""

from __future__ import annotations

import argparse
import gc
import random
import tempfile
import tracemalloc
from pathlib import Path

from bench_detect import extra_rules, write_cloudtrail

MIB = 1 << 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rules", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--samples", type=int, default=8)
    args = parser.parse_args()
    # imported before tracing: modules are not what a run holds
    import cloudwarden.detect.anomaly
    import cloudwarden.detect.fusion
    import cloudwarden.detect.rules.catalog
    import cloudwarden.detect.sigma  # noqa: F401
    from cloudwarden.core.events import Alert
    from cloudwarden.service.detect import run_detection

    every = max(10_000, args.events // args.samples // 10_000 * 10_000)
    if args.repeats < 1 or args.events < args.repeats:
        parser.error("--events must be at least --repeats, which must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        extra_rules(root / "rules", args.rules)
        trail = root / "cloudtrail.jsonl"
        block = root / "block.jsonl"
        write_cloudtrail(block, args.events // args.repeats, random.Random(7))
        trail.write_bytes(block.read_bytes() * args.repeats)
        events = args.events // args.repeats * args.repeats
        # a first, unmeasured run fills what lives as long as the process (bounded memos of
        # source networks and regex answers), so that the samples don't count it
        run_detection([trail], sigma_dirs=[root / "rules"], state_dir=root / "warm")

        raised = 0
        samples: list[tuple[int, int, int]] = []

        def on_alert(_alert: Alert) -> None:
            nonlocal raised
            raised += 1

        def progress(count: int) -> None:
            if count % every == 0:
                samples.append((count, raised, tracemalloc.get_traced_memory()[0] - base))

        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            outcome = run_detection([trail], sigma_dirs=[root / "rules"],
                                    state_dir=root / "state", on_alert=on_alert,
                                    progress=progress)
            gc.collect()
            held, peak = tracemalloc.get_traced_memory()
            alerts = len(outcome.alerts)
            del outcome
            gc.collect()
            per_alert = (held - tracemalloc.get_traced_memory()[0]) / max(alerts, 1)
        finally:
            tracemalloc.stop()
    print(f"{events:,} CloudTrail events ({args.repeats} x {events // args.repeats:,}): "
          f"{alerts:,} distinct alerts, "
          f"{per_alert:,.0f} B each with its evidence; peak {(peak - base) / MIB:.1f} MiB")
    for count, so_far, used in samples:
        print(f"  after {count:>9,} events: {used / MIB:6.1f} MiB in use, {so_far:,} alerts")


if __name__ == "__main__":
    main()
