"""Scan orchestration shared by the CLI, the API and workers.

collect (or load a snapshot) -> save snapshot -> assess -> store, with the scan row marked
running first and completed last, so a scan killed half way never shows as a result.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwarden import __version__
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import Finding, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.posture.policy import PolicyConfig

if TYPE_CHECKING:
    from cloudwarden.collectors.aws import AwsScanOptions

__all__ = ["ScanOutcome", "assess", "load_catalog", "run_lifecycle", "run_scan"]

Progress = Callable[[str, int, int], None]


@dataclass
class ScanOutcome:
    scan_id: str | None
    inventory: Inventory
    findings: list[Finding]
    rules: dict[str, RuleMeta]
    started_at: datetime
    finished_at: datetime
    timings: dict[str, float] = field(default_factory=dict)
    #: the policy the scan was assessed with (None: every rule on, default parameters)
    policy: PolicyConfig | None = None

    @property
    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.scan_id,
            "provider": self.inventory.metadata.get("provider", "aws"),
            "accounts": self.inventory.accounts(),
            "regions": self.inventory.metadata.get("regions", []),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "tool": f"cloudwarden {__version__}",
            "assets": len(self.inventory),
        }

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for f in self.findings:
            out[f.status.value] += 1
        return out


def load_catalog(extra_dirs: Iterable[Path] = ()) -> list[RuleSpec]:
    """The built-in rules plus any `--rules-dir`; raises RuleLoadError listing every bad file."""
    from cloudwarden.assets import default_registry
    from cloudwarden.core.loader import builtin_rules_dir
    from cloudwarden.core.yamlcache import YamlCache

    dirs = [builtin_rules_dir(), *extra_dirs]
    specs, _ = load_rules(dirs, known_types=default_registry().names(),
                          cache=YamlCache.default())
    return specs


def assess(inventory: Inventory, specs: Sequence[RuleSpec], *,
           params: Mapping[str, Mapping[str, Any]] | None = None,
           now: datetime | None = None,
           policy: PolicyConfig | None = None) -> list[Finding]:
    """Rule findings plus one error finding per collection error. With a `policy`, rules
    turned off for an asset's account and region yield no finding for it, and parameters
    follow its scopes (see `cloudwarden.posture.policy`)."""
    engine = Engine(specs, now=now, params=params, policy=policy)
    # The inventory and the compiled rules live through the whole assessment and hold no
    # garbage: frozen, the collector stops walking them each time findings pile up (a third
    # of the assessment of a large inventory). Unfrozen after, so nothing stays pinned.
    gc.freeze()
    try:
        findings = list(engine.assess(inventory))
    finally:
        gc.unfreeze()
    findings.extend(e.to_finding() for e in inventory.errors)
    return findings


def judged_findings(db: Any, findings: list[Finding], inventory: Inventory,
                    policy: PolicyConfig | None, now: datetime | None = None) -> list[Finding]:
    """Raw findings with active exemptions and governance grace periods applied."""
    from cloudwarden.service.posture import with_exemptions

    now = now or datetime.now(UTC)
    out = with_exemptions(db, findings, now)
    if policy is not None and policy.governance.rules:
        from cloudwarden.posture.governance import apply_grace, assign

        assets = {a.ref.key: a for a in inventory}
        out = apply_grace(out, assign(out, assets, policy.governance, now), now)
    return out


def _record_score(db: Any, scan_id: str, findings: list[Finding],
                  specs: Sequence[RuleSpec]) -> None:
    from cloudwarden.posture.history import record_score

    # the history is a view of the results, not a result: a failure to record it must not
    # lose the scan, which is already committed - it is logged, and the scan goes on
    try:
        record_score(db, scan_id, findings, {s.id: s.meta for s in specs}, datetime.now(UTC))
    except Exception as exc:
        logging.getLogger(__name__).warning("score history not recorded for scan %s: %s",
                                            scan_id, exc)


def run_scan(
    *,
    aws: AwsScanOptions | None = None,
    from_snapshot: Path | None = None,
    save_snapshot: Path | None = None,
    db_url: str | None = None,
    store: bool = True,
    rules_dirs: Iterable[Path] = (),
    progress: Progress | None = None,
    session: Any = None,
    policy: PolicyConfig | None = None,
) -> ScanOutcome:
    """Run one scan end to end. Either `aws` options (live) or `from_snapshot` (offline).

    A `policy` is checked against the catalog (built-in rules plus `rules_dirs`) before
    anything is collected; PolicyError lists every problem."""
    meta: dict[str, Any] = {"source": "snapshot" if from_snapshot else "aws"}
    if aws is not None:
        meta.update(regions=list(aws.regions or ()), services=list(aws.services or ()),
                    endpoint_url=aws.endpoint_url, profile=aws.profile)

    def collect_aws() -> Inventory:
        if aws is None:
            raise ValueError("a scan needs AWS options or a snapshot to re-assess")
        from cloudwarden.collectors.aws import collect

        return collect(aws, session=session, progress=progress)

    return run_lifecycle("aws", meta, collect_aws, from_snapshot=from_snapshot,
                         save_snapshot=save_snapshot, db_url=db_url, store=store,
                         rules_dirs=rules_dirs, policy=policy)


def run_lifecycle(
    provider: str,
    meta: Mapping[str, Any],
    collect: Callable[[], Inventory],
    *,
    from_snapshot: Path | None = None,
    save_snapshot: Path | None = None,
    db_url: str | None = None,
    store: bool = True,
    rules_dirs: Iterable[Path] = (),
    policy: PolicyConfig | None = None,
) -> ScanOutcome:
    """What every cloud or cluster scan does around its collector: catalog and policy checked
    before any API call; the scan row marked running first and completed last (a killed scan
    never shows as a result: it is marked interrupted or failed); collect (or load the
    snapshot), save the snapshot, assess, store; exemptions and grace periods applied to what
    is returned; the score recorded."""
    specs = load_catalog(rules_dirs)  # fail fast on bad rules, before any API call
    if policy is not None:
        # framework ids were checked where the policy was loaded (frameworks may come from
        # user files); here the rules, which may come from `rules_dirs`
        policy = policy.bind(specs, frameworks=policy.frameworks.disabled)
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    db = None
    scan_id: str | None = None
    if store:
        from cloudwarden.store import Store

        db = Store.open(db_url)
    try:
        if db is not None:
            scan_id = db.begin_scan(provider, dict(meta))
        t0 = time.perf_counter()
        inventory = Inventory.load(from_snapshot) if from_snapshot is not None else collect()
        inventory.metadata.setdefault("provider", provider)
        timings["collect"] = time.perf_counter() - t0
        if save_snapshot is not None:
            inventory.save(save_snapshot)
        t1 = time.perf_counter()
        findings = assess(inventory, specs, policy=policy)
        timings["assess"] = time.perf_counter() - t1
        if db is not None and scan_id is not None:
            t2 = time.perf_counter()
            findings = db.save_results(scan_id, inventory, findings)
            db.finish_scan(scan_id, "completed")
            # stored findings stay raw; what the user sees, gates CI on and scores has the
            # exemptions active now and any governance grace periods applied
            findings = judged_findings(db, findings, inventory, policy)
            _record_score(db, scan_id, findings, specs)
            timings["store"] = time.perf_counter() - t2
    except BaseException as exc:
        if db is not None and scan_id is not None:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            # the original error matters more than a failure to record it
            with contextlib.suppress(Exception):
                db.finish_scan(scan_id, status)
        raise
    finally:
        if db is not None:
            db.close()
    return ScanOutcome(scan_id, inventory, findings, {s.id: s.meta for s in specs}, started,
                       datetime.now(UTC), timings, policy)
