"""Posture views of a stored scan, shared by the CLI, the API and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.model import Asset, Finding
from cloudwarden.core.rule import RuleMeta
from cloudwarden.inventory.snapshot import Inventory

__all__ = ["PostureView", "load_view", "posture_summary", "previous_view",
           "recommendation_documents", "score_document", "score_trend", "with_exemptions"]


@dataclass(frozen=True)
class PostureView:
    scan_id: str
    findings: Sequence[Finding]
    rules: dict[str, RuleMeta]
    inventory: Inventory

    @property
    def assets(self) -> dict[str, Asset]:
        return {a.ref.key: a for a in self.inventory}


def load_view(db_url: str | None, scan_id: str | None = None,
              rules_dirs: Iterable[Path] = ()) -> PostureView:
    """The findings, rules and inventory of one stored scan (the latest completed one by
    default)."""
    from cloudwarden.service.scan import load_catalog
    from cloudwarden.store import Store

    specs = load_catalog(rules_dirs)
    with Store.open(db_url) as store:
        if scan_id is None:
            record = store.latest_scan()
            if record is None:
                raise CloudwardenError("no completed scan in the database yet: run "
                                       "`cloudwarden scan aws` or `cloudwarden demo` first")
            scan_id = record.id
        findings = with_exemptions(store, store.findings(scan_id))
        inventory = store.inventory(scan_id)
    return PostureView(scan_id, findings, {s.id: s.meta for s in specs}, inventory)


def previous_view(db_url: str | None, scan_id: str,
                  rules_dirs: Iterable[Path] = ()) -> PostureView | None:
    """The completed scan before `scan_id` of the same provider, if there is one."""
    from cloudwarden.store import Store

    with Store.open(db_url) as store:
        scans = [s for s in store.list_scans(limit=200) if s.status == "completed"]
    ids = [s.id for s in scans]  # newest first
    if scan_id not in ids or ids.index(scan_id) + 1 >= len(ids):
        return None
    return load_view(db_url, ids[ids.index(scan_id) + 1], rules_dirs)


def with_exemptions(store: Any, findings: Sequence[Finding],
                    now: datetime | None = None) -> list[Finding]:
    """Findings with the exemptions active now applied. Stored findings stay raw, so an
    exemption that expires stops applying by itself on the next read."""
    from cloudwarden.posture.exemptions import apply_exemptions

    now = now or datetime.now(UTC)
    return apply_exemptions(findings, store.exemptions(include_expired=False, now=now), now)


def score_document(view: PostureView) -> dict[str, Any]:
    from cloudwarden.posture.score import secure_score

    score = secure_score(view.findings, view.rules)
    return {
        "scan_id": view.scan_id,
        "percentage": score.percentage,
        "current": round(score.current, 4),
        "maximum": score.maximum,
        "accounts": dict(score.accounts),
        "controls": [
            {"control_id": c.control_id, "name": c.name, "max_score": c.max_score,
             "current": round(c.current, 4), "healthy": c.healthy, "unhealthy": c.unhealthy,
             "potential_increase": round(c.potential_increase, 4),
             "potential_increase_percent": round(c.potential_increase_percent, 2)}
            for c in score.controls
        ],
    }


def recommendation_documents(view: PostureView) -> list[dict[str, Any]]:
    from cloudwarden.posture.recommendations import recommendations
    from cloudwarden.posture.score import secure_score

    score = secure_score(view.findings, view.rules)
    recs = recommendations(view.findings, view.rules, view.assets, score=score)
    return [
        {"rule_id": r.rule_id, "title": r.title, "severity": r.severity.label,
         "risk_level": r.risk_level.label, "risk_factors": list(r.risk_factors),
         "control_id": r.control_id, "control": r.control_name,
         "affected": [ref.key for ref in r.affected], "affected_count": len(r.affected),
         "healthy_count": r.healthy_count,
         "potential_increase": round(r.potential_increase, 4),
         "potential_increase_percent": round(r.potential_increase_percent, 2),
         "remediation": r.remediation_text,
         "quick_fixes": [{"asset": q.asset_key, "cli": q.cli, "terraform": q.terraform}
                         for q in r.quick_fixes]}
        for r in recs
    ]


def posture_summary(findings: Sequence[Finding], rules: dict[str, RuleMeta],
                    assets: dict[str, Asset],
                    history: Sequence[tuple[str, float]] = ()) -> dict[str, Any]:
    """What a report shows of posture: score, trend, ten recommendations, standards."""
    from cloudwarden.posture.compliance import compliance, load_compliance_frameworks
    from cloudwarden.posture.recommendations import recommendations
    from cloudwarden.posture.score import secure_score

    score = secure_score(findings, rules)
    recs = recommendations(findings, rules, assets, score=score)[:10]
    standards = compliance(findings, load_compliance_frameworks())
    return {
        "score": {"percentage": score.percentage, "current": score.current,
                  "maximum": score.maximum},
        "history": list(history),
        "recommendations": [
            {"rule_id": r.rule_id, "title": r.title, "risk_level": r.risk_level.label,
             "affected_count": len(r.affected),
             "potential_increase_percent": r.potential_increase_percent} for r in recs],
        "compliance": [{"name": c.name, "version": c.version, "passed": c.passed,
                        "failed": c.failed, "skipped": c.skipped,
                        "unsupported": c.unsupported} for c in standards],
    }


def score_trend(db_url: str | None, limit: int = 30) -> list[tuple[str, float]]:
    """(time, percentage) of the last scans, oldest first; empty if nothing is recorded."""
    from cloudwarden.store import Store

    with Store.open(db_url) as store:
        points = store.score_history(limit=limit)
    return [(p.recorded_at.isoformat(timespec="minutes"), p.percentage) for p in points]
