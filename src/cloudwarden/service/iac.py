"""IaC scan orchestration shared by the CLI, the API and workers.

discover files -> each adapter loads the files it claims -> the same Engine and catalog as a live
scan judge the assets -> one error finding per file that could not be read -> inline
suppressions -> optionally stored like `scan aws` (provider `iac`) when a database is given.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwarden import __version__
from cloudwarden.core.model import Finding, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.iac import IacError, IacLoad
from cloudwarden.iac.discover import (
    AdapterOptions,
    AdapterSpec,
    claim,
    list_files,
    make_adapters,
    parse_frameworks,
)
from cloudwarden.iac.suppress import SuppressionReport, apply_suppressions
from cloudwarden.inventory.snapshot import Inventory

if TYPE_CHECKING:
    from cloudwarden.service.scan import Progress

__all__ = ["IacScanOutcome", "run_iac_scan"]

PROVIDER = "iac"


@dataclass
class IacScanOutcome:
    scan_id: str | None
    inventory: Inventory
    #: rule findings (suppressed ones `exempt`) plus one error finding per `errors` item
    findings: list[Finding]
    rules: dict[str, RuleMeta]
    suppressions: SuppressionReport
    #: files and parts of files that could not be loaded
    errors: list[IacError]
    #: framework -> number of files its adapter read
    files: dict[str, int]
    paths: list[str]
    started_at: datetime
    finished_at: datetime
    timings: dict[str, float] = field(default_factory=dict)
    #: the directory relative paths in reports are relative to
    source_root: str = ""
    #: adapters' informational notes (a remote module not fetched, kubectl not found)
    notes: list[str] = field(default_factory=list)

    @property
    def metadata(self) -> dict[str, Any]:
        """Scan metadata for the outputs; `warnings` become SARIF tool notifications."""
        return {
            "id": self.scan_id,
            "provider": PROVIDER,
            "paths": list(self.paths),
            "source_root": self.source_root,
            "frameworks": dict(self.files),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "tool": f"cloudwarden {__version__}",
            "assets": len(self.inventory),
            "suppressions": {"enabled": self.suppressions.enabled,
                             "found": self.suppressions.found,
                             "applied": len(self.suppressions.applied)},
            "warnings": [p.to_dict() for p in self.suppressions.problems],
        }

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for f in self.findings:
            out[f.status.value] += 1
        return out


def _load(adapter: Any, files: Sequence[Path]) -> IacLoad:
    """An adapter's load; a crash becomes one error per file it was given, never a lost scan."""
    try:
        load: IacLoad = adapter.load(files)
    except Exception as exc:
        # the exception's type only: its text may quote the file (a secret on a broken line)
        reason = f"adapter failed ({type(exc).__name__})"
        return IacLoad(adapter.name, errors=[IacError(adapter.name, str(p), reason)
                                             for p in files], files=[str(p) for p in files])
    return load



def run_iac_scan(
    paths: Sequence[Path],
    *,
    frameworks: Iterable[str] | None = None,
    var_files: Sequence[Path] = (),
    variables: Mapping[str, str] | None = None,
    rules_dirs: Iterable[Path] = (),
    inline_suppressions: bool = True,
    db_url: str | None = None,
    progress: Progress | None = None,
    registry: Mapping[str, AdapterSpec] | None = None,
) -> IacScanOutcome:
    """Scan code end to end. Raises `IacUsageError` for an unknown framework or a missing
    path and `RuleLoadError` for a bad rules directory, before anything is read; a file that
    cannot be parsed is an `IacError` in the outcome (and an error finding), never a raise.
    With `db_url` the scan is stored (provider `iac`) and stored exemptions apply."""
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    names = parse_frameworks(frameworks, registry)
    candidates = list_files(list(paths))
    # adapters are built (their modules imported) only when there is a file to offer them
    roots = tuple(p if p.is_dir() else p.parent for p in map(Path, paths))
    options = AdapterOptions(tuple(var_files), dict(variables or {}), roots)
    adapters = make_adapters(names, options, registry) if candidates else []
    found = claim(candidates, adapters)
    timings["discover"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # the catalog is checked before any file is parsed; with nothing to judge and no rules of
    # the user's to check, loading it would only slow down the common "nothing here" case
    rules_dirs = list(rules_dirs)
    specs = []
    if found.files or rules_dirs:  # the catalog, the engine and pydantic: only when needed
        from cloudwarden.service.scan import load_catalog

        specs = load_catalog(rules_dirs)
    timings["catalog"] = time.perf_counter() - t0
    errors = list(found.errors)
    notes: list[str] = []
    assets = []
    files: dict[str, int] = {}
    read: list[str] = []
    total = found.files
    for adapter in adapters:
        claimed = found.claimed[adapter.name]
        if not claimed:
            continue
        if progress is not None:
            progress(f"{adapter.name}: {len(claimed)} files", 0, total)
        t0 = time.perf_counter()
        load = _load(adapter, claimed)
        timings[f"load.{adapter.name}"] = time.perf_counter() - t0
        files[adapter.name] = len(load.files or claimed)
        read.extend(load.files or map(str, claimed))
        assets.extend(load.assets)
        errors.extend(load.errors)
        notes.extend(load.notes)
    inventory = Inventory(assets, metadata={"provider": PROVIDER,
                                            "paths": [str(p) for p in paths]})

    t0 = time.perf_counter()
    findings: list[Finding] = []
    if len(inventory):
        from cloudwarden.service.scan import assess

        findings = assess(inventory, specs)
    findings.extend(e.to_finding() for e in errors)
    timings["assess"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    findings, report = apply_suppressions(findings, inventory, read,
                                          enabled=inline_suppressions,
                                          known_rules=[s.id for s in specs])
    timings["suppress"] = time.perf_counter() - t0

    outcome = IacScanOutcome(None, inventory, findings, {s.id: s.meta for s in specs}, report,
                             errors, files, [str(p) for p in paths], started, started, timings,
                             os.getcwd(), notes)
    if db_url is not None:
        t0 = time.perf_counter()
        _store(outcome, db_url)
        timings["store"] = time.perf_counter() - t0
    outcome.finished_at = datetime.now(UTC)
    return outcome


def _store(outcome: IacScanOutcome, db_url: str) -> None:
    """Record the scan as `scan aws` does: running first, completed last; what is returned
    has the exemptions active now applied (inline suppressions are part of the result)."""
    from cloudwarden.service.scan import judged_findings
    from cloudwarden.store import Store

    db = Store.open(db_url)
    scan_id: str | None = None
    try:
        meta = {"source": "iac", "paths": outcome.paths, "frameworks": outcome.files}
        scan_id = db.begin_scan(PROVIDER, meta)
        stored = db.save_results(scan_id, outcome.inventory, outcome.findings)
        db.finish_scan(scan_id, "completed")
        outcome.findings = judged_findings(db, stored, outcome.inventory, None)
        outcome.scan_id = scan_id
    except BaseException as exc:
        if scan_id is not None:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            with contextlib.suppress(Exception):
                db.finish_scan(scan_id, status)
        raise
    finally:
        db.close()
