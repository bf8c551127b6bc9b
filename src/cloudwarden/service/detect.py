"""Detection runs shared by the CLI and workers: log files -> events -> Sigma rules, stateful
and anomaly detections -> aggregated alerts -> incidents.

Detector and anomaly state persists between runs in `state_dir` (JSON, written atomically), so
"first seen" and "dormant identity" mean across runs, not only within one file.
"""

from __future__ import annotations

import gc
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudwarden.core.events import Alert
from cloudwarden.core.model import Asset

__all__ = ["DetectOutcome", "builtin_sigma_dir", "run_detection"]


#: events between two freezes of the collector's oldest generation (a power of two, minus one);
#: the first freeze is at the first event, so that what the run starts with (rules, modules)
#: is not walked either
_FREEZE_EVERY = (1 << 16) - 1


def builtin_sigma_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "detect" / "rules"


@dataclass
class DetectOutcome:
    alerts: list[Alert]
    incidents: list[Any]
    stats: Any
    sigma_loaded: int
    sigma_problems: list[Any]
    suppressed: int
    events: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _state_file(state_dir: Path | None, name: str) -> Path | None:
    return None if state_dir is None else state_dir / name


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.partial")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def run_detection(
    paths: Iterable[str | Path],
    *,
    source: str | None = None,
    sigma_dirs: Iterable[Path] = (),
    state_dir: Path | None = None,
    bad_domains: Iterable[str] = (),
    suppressions: Iterable[Any] = (),
    anomalies: bool = True,
    session: Any = None,
    endpoint_url: str | None = None,
    progress: Callable[[int], None] | None = None,
    follow: threading.Event | None = None,
    on_alert: Callable[[Alert], None] | None = None,
    inventory: Iterable[Asset] | None = None,
) -> DetectOutcome:
    """Run every built-in detection (plus `sigma_dirs`) over the logs at `paths`.

    With `follow` (a stop event), files are followed as they grow (`tail -F`) until the event
    is set; the run then ends as usual. `on_alert` is called with each new alert as soon as it
    is raised (its later occurrences aggregate into it), for live output. With an `inventory`
    (the latest scan's assets), alerts link to the assets their resources name."""
    from cloudwarden.detect.alerts import AlertAggregator
    from cloudwarden.detect.anomaly import AnomalyDetector
    from cloudwarden.detect.fusion import fuse
    from cloudwarden.detect.rules.catalog import builtin_detectors
    from cloudwarden.detect.sigma import SigmaEngine, load_sigma, to_alert
    from cloudwarden.detect.sources import ParseStats, read_source
    from cloudwarden.detect.stateful import Router

    ruleset = load_sigma([builtin_sigma_dir(), *sigma_dirs])
    engine = SigmaEngine(ruleset)
    detectors = builtin_detectors(bad_domains=bad_domains)
    router = Router(detectors)
    detector_state = _state_file(state_dir, "detectors.json")
    if detector_state is not None and detector_state.is_file():
        saved = json.loads(detector_state.read_text(encoding="utf-8"))
        for detector in detectors:
            if detector.id in saved:
                detector.restore(saved[detector.id])
    anomaly_state = _state_file(state_dir, "anomaly.json")
    anomaly: AnomalyDetector | None = None
    if anomalies:
        anomaly = (AnomalyDetector.load(anomaly_state)
                   if anomaly_state is not None and anomaly_state.is_file()
                   else AnomalyDetector())
    aggregator = AlertAggregator(suppressions=suppressions)
    stats = ParseStats()

    def add(alert: Alert) -> None:
        kept = aggregator.add(alert)
        if on_alert is not None and kept is not None and kept.count == alert.count:
            on_alert(kept)  # its first occurrence: a new alert

    if follow is not None:
        from cloudwarden.detect.sources.follow import follow_events

        events = follow_events([str(p) for p in paths], source, stats, follow)
    else:
        events = read_source([str(p) for p in paths], source, stats, session=session,
                             endpoint_url=endpoint_url)
    # per event, so locals rather than attribute look-ups; per event, the stateful detections'
    # alerts, then the anomalies', then the Sigma rules'
    route, routes = router.route, router.routes
    observe_anomaly = anomaly.observe if anomaly is not None else None
    sigma_step = engine.step
    count, event = 0, None  # the last event: its time closes the run
    # what a long run keeps (alerts and their evidence, detector state) is frozen out of the
    # collector's full walks now and then: they otherwise walk every kept alert again and again
    # (a tenth of a 1M-event run). Not when someone else froze objects: unfreezing is global.
    # Frozen until the run's end, fusion included: unfrozen earlier, fusion's first allocations
    # walk all of it once more (a twentieth of a 300k-event run). Never when following: a
    # follow runs for days, and garbage in cycles frozen with the rest would stay until it ends
    freeze = follow is None and gc.get_freeze_count() == 0
    try:
        for event in events:
            count += 1
            if freeze and count & _FREEZE_EVERY == 1:
                gc.freeze()
            routed = routes.get((event.source, event.action, event.outcome))
            if routed is None:
                routed = route(event.source, event.action, event.outcome)
            for detector in routed:
                for alert in detector.observe(event):
                    add(alert)
            if observe_anomaly is not None:
                for alert in observe_anomaly(event):
                    add(alert)
            if progress is not None and count % 10_000 == 0:
                progress(count)
            for match in sigma_step(event):
                add(to_alert(match, with_id=False))  # the aggregator names it
        if event is not None:
            for detector in detectors:
                for alert in detector.flush(event.time):
                    add(alert)
        if detector_state is not None:
            _write_json(detector_state, {d.id: d.state() for d in detectors})
        if anomaly is not None and anomaly_state is not None:
            anomaly_state.parent.mkdir(parents=True, exist_ok=True)
            anomaly.save(anomaly_state)
        alerts = aggregator.alerts()
        if inventory is not None:
            from cloudwarden.detect.link import ResourceIndex, link_alerts

            alerts = link_alerts(alerts, ResourceIndex(inventory))
        incidents = fuse(alerts)
    finally:
        if freeze:
            gc.unfreeze()
    problems = [*ruleset.errors, *ruleset.unsupported]
    return DetectOutcome(alerts, incidents, stats, len(ruleset.rules), problems,
                         sum(aggregator.suppressed_counts.values()), count)
