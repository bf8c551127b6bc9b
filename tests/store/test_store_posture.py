"""Exemptions with their audit trail, and the score history, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from cloudwarden.core.controls import SecurityControl
from cloudwarden.core.model import AssetRef, Finding, Severity, Status
from cloudwarden.core.rule import Remediation, RuleMeta
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.posture.exemptions import Exemption, InvalidExemption, apply_exemptions
from cloudwarden.posture.score import secure_score
from cloudwarden.store import Store, StoreError, _posture
from cloudwarden.store._schema import exemption_events

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
A1, A2 = "111122223333", "444455556666"
BUCKET = AssetRef("aws", A1, "eu-west-1", "aws.s3.bucket", "arn:aws:s3:::logs")


def new(scope: Any = "resource", **fields: Any) -> Exemption:
    defaults: dict[str, Any] = {"scope": scope, "category": "waiver", "reason": "accepted",
                                "author": "alice", "created_at": T0}
    if scope == "resource":
        defaults["asset_key"] = BUCKET.key
    elif scope == "account":
        defaults["account"] = A1
    else:
        defaults["rule_id"] = "r.one"
    return Exemption.new(**{**defaults, **fields})


# -- exemptions ------------------------------------------------------------------------------

def test_exemptions_round_trip_every_scope(store: Store) -> None:
    added = [
        store.add_exemption(new(rule_id="r.one", expires_at=T0 + timedelta(days=30))),
        store.add_exemption(new("account", category="mitigated",
                                created_at=T0 + timedelta(seconds=1))),
        store.add_exemption(new("rule", reason="é ünïcode", created_at=T0 + timedelta(2))),
    ]
    assert store.exemptions() == added
    for ex in store.exemptions():
        assert ex.created_at.tzinfo is not None and ex.created_at.utcoffset() == timedelta(0)
    assert added[0].expires_at == T0 + timedelta(days=30)
    assert added[0].account == A1  # derived from the asset key


def test_expiry_is_stored_in_utc_whatever_the_zone_given(store: Store) -> None:
    from zoneinfo import ZoneInfo
    paris = datetime(2024, 7, 1, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    stored = store.add_exemption(new(expires_at=paris))
    assert stored.expires_at == paris and stored.expires_at.tzinfo == UTC
    assert store.exemptions() == [stored]


def test_add_writes_a_created_event_in_the_same_transaction(store: Store) -> None:
    ex = store.add_exemption(new())
    (event,) = store.exemption_events(ex.id)
    assert (event.exemption_id, event.action, event.actor) == (ex.id, "created", "alice")
    assert event.exemption == ex
    assert event.snapshot["reason"] == "accepted" and event.snapshot["deleted_at"] is None
    assert event.at.tzinfo is not None


def test_duplicate_id_is_refused_and_leaves_no_event(store: Store) -> None:
    ex = store.add_exemption(new())
    with pytest.raises(StoreError, match=f"exemption {ex.id} already exists"):
        store.add_exemption(ex)
    assert len(store.exemption_events()) == 1


def test_overlong_id_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="longer than 36 characters"):
        store.add_exemption(dataclasses.replace(new(), id="x" * 37))
    assert store.exemptions() == [] and store.exemption_events() == []


def test_update_changes_only_what_is_given_and_is_audited(store: Store) -> None:
    ex = store.add_exemption(new(expires_at=T0 + timedelta(days=7)))
    when = T0 + timedelta(days=1)
    longer = store.update_exemption(ex.id, actor="bob", expires_at=T0 + timedelta(days=90),
                                    now=when)
    assert longer.expires_at == T0 + timedelta(days=90)
    assert (longer.reason, longer.category, longer.author) == ("accepted", "waiver", "alice")
    forever = store.update_exemption(ex.id, actor="carol", expires_at=None,
                                     category="mitigated", reason="WAF in front")
    assert forever.expires_at is None and forever.category == "mitigated"
    assert store.exemptions() == [forever]

    events = store.exemption_events(ex.id)
    assert [(e.action, e.actor) for e in events] == [
        ("created", "alice"), ("updated", "bob"), ("updated", "carol")]
    assert events[1].at == when
    assert events[1].snapshot["expires_at"] == "2024-08-30T12:00:00+00:00"
    assert events[2].exemption == forever

    # Nothing new: nothing written, nothing audited.
    assert store.update_exemption(ex.id, actor="dave", reason="WAF in front") == forever
    assert len(store.exemption_events(ex.id)) == 3


def test_invalid_update_is_refused_and_changes_nothing(store: Store) -> None:
    ex = store.add_exemption(new())
    with pytest.raises(InvalidExemption, match="reason is empty"):
        store.update_exemption(ex.id, actor="bob", reason=" ")
    with pytest.raises(InvalidExemption, match="is not after created_at"):
        store.update_exemption(ex.id, actor="bob", expires_at=T0)
    with pytest.raises(StoreError, match="needs an actor"):
        store.update_exemption(ex.id, actor="", reason="new")
    assert store.exemptions() == [ex]
    assert len(store.exemption_events(ex.id)) == 1


def test_soft_delete_keeps_the_exemption_for_audit_but_it_no_longer_applies(
        store: Store) -> None:
    ex = store.add_exemption(new())
    kept = store.add_exemption(new("rule", rule_id="r.two", created_at=T0 + timedelta(1)))
    when = T0 + timedelta(days=2)
    store.delete_exemption(ex.id, actor="bob", now=when)

    assert store.exemptions() == [kept]
    (deleted, _) = store.exemptions(include_deleted=True)
    assert deleted.id == ex.id and deleted.deleted_at == when
    events = store.exemption_events(ex.id)
    assert [(e.action, e.actor) for e in events] == [("created", "alice"), ("deleted", "bob")]
    assert events[1].snapshot["deleted_at"] == when.isoformat()

    target = [Finding("r.one", BUCKET, Status.FAIL, Severity.HIGH, "open")]
    # Neither what the store lists nor the deleted row itself exempts the finding.
    assert apply_exemptions(target, store.exemptions(), when)[0].status is Status.FAIL
    everything = store.exemptions(include_deleted=True)
    assert apply_exemptions(target, everything, when)[0].status is Status.FAIL

    with pytest.raises(StoreError, match="already deleted"):
        store.delete_exemption(ex.id, actor="bob")
    with pytest.raises(StoreError, match="is deleted; it cannot be changed"):
        store.update_exemption(ex.id, actor="bob", reason="again")


def test_expired_exemptions_are_listed_unless_asked_not_to(store: Store) -> None:
    short = store.add_exemption(new(expires_at=T0 + timedelta(days=1)))
    forever = store.add_exemption(new("rule", created_at=T0 + timedelta(seconds=1)))
    assert store.exemptions(now=T0 + timedelta(days=5)) == [short, forever]
    assert store.exemptions(include_expired=False, now=T0) == [short, forever]
    # Expired AT expires_at, like Exemption.active.
    assert store.exemptions(include_expired=False, now=T0 + timedelta(days=1)) == [forever]


def test_unknown_exemption_ids_are_clear_errors(store: Store) -> None:
    for call in (lambda: store.update_exemption("nope", actor="a", reason="r"),
                 lambda: store.delete_exemption("nope", actor="a"),
                 lambda: store.exemption_events("nope")):
        with pytest.raises(StoreError, match="no exemption nope"):
            call()


def test_every_event_of_every_exemption_in_order(store: Store) -> None:
    a = store.add_exemption(new())
    b = store.add_exemption(new("rule"))
    store.delete_exemption(a.id, actor="bob")
    assert [(e.exemption_id, e.action) for e in store.exemption_events()] == [
        (a.id, "created"), (b.id, "created"), (a.id, "deleted")]


def test_a_change_whose_event_cannot_be_written_is_not_kept(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ex = store.add_exemption(new())

    def broken(*_args: object) -> None:
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(_posture, "_event", broken)
    for change in (lambda: store.add_exemption(new("rule")),
                   lambda: store.update_exemption(ex.id, actor="bob", reason="new"),
                   lambda: store.delete_exemption(ex.id, actor="bob")):
        with pytest.raises(RuntimeError, match="audit write failed"):
            change()
    assert store.exemptions(include_deleted=True) == [ex]
    with store._engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(exemption_events)).scalar() == 1


# -- score history ---------------------------------------------------------------------------

CONTROLS = (SecurityControl("mfa", "Enable MFA", 10), SecurityControl("enc", "Encrypt", 4))


def _rule(rule_id: str, control: str) -> RuleMeta:
    return RuleMeta(id=rule_id, title=rule_id, severity=Severity.HIGH, asset_type="aws.t.t",
                    description="", risk="", remediation=Remediation(text="fix"),
                    security_control=control, provider="aws", service="t")


RULES = [_rule("r.mfa", "mfa"), _rule("r.enc", "enc")]


def _findings(healthy: int) -> list[Finding]:
    """Four resources in A1 and one in A2; `healthy` of A1's pass MFA."""
    out = []
    for i in range(4):
        r = AssetRef("aws", A1, "eu-west-1", "aws.t.t", f"a{i}")
        out.append(Finding("r.mfa", r, Status.PASS if i < healthy else Status.FAIL,
                           Severity.HIGH, ""))
        out.append(Finding("r.enc", r, Status.PASS, Severity.HIGH, ""))
    other = AssetRef("aws", A2, "eu-west-1", "aws.t.t", "b")
    out.append(Finding("r.mfa", other, Status.FAIL, Severity.HIGH, ""))
    return out


def _scan(store: Store) -> str:
    scan_id = store.begin_scan("aws", {})
    store.save_results(scan_id, Inventory(), [])
    store.finish_scan(scan_id)
    return scan_id


def test_score_history_saved_and_read_back_in_order(store: Store) -> None:
    saved = []
    for day, healthy in enumerate((0, 2, 4)):
        scan_id = _scan(store)
        score = secure_score(_findings(healthy), RULES, controls=CONTROLS)
        # Saved out of time order: the history is ordered by recorded_at, not by insertion.
        store.save_score(scan_id, score, T0 + timedelta(days=(day * 5) % 3))
        saved.append((scan_id, score))
    total = store.score_history()
    assert [p.recorded_at for p in total] == [T0, T0 + timedelta(days=1),
                                                T0 + timedelta(days=2)]
    by_scan = {p.scan_id: p for p in total}
    for scan_id, score in saved:
        point = by_scan[scan_id]
        assert point.percentage == score.percentage
        assert point.current == pytest.approx(score.current)
        assert point.max_score == score.maximum == 14
        assert (point.account, point.control_id) == (None, None)
    first = by_scan[saved[0][0]]
    assert (first.healthy, first.unhealthy) == (4, 5)  # resource x control pairs

    mfa = store.score_history(control_id="mfa")
    assert [p.healthy for p in mfa] == [0, 4, 2]  # days 0, 1, 2 hold healthy 0, 4, 2
    assert [p.percentage for p in mfa] == [0.0, 80.0, 40.0]
    assert all(p.max_score == 10 for p in mfa)

    account = store.score_history(account=A2)
    assert [p.percentage for p in account] == [0.0, 0.0, 0.0]
    assert account[0].current is None  # saved without the account's breakdown
    assert store.score_history(account=A1)[1].percentage == saved[2][1].accounts[A1] == 100.0
    assert store.score_history(account="999") == []
    assert [p.recorded_at for p in store.score_history(limit=2)] == [
        T0 + timedelta(days=1), T0 + timedelta(days=2)]


def test_score_with_account_breakdown_and_saving_again_replaces(store: Store) -> None:
    scan_id = _scan(store)
    found = _findings(3)
    score = secure_score(found, RULES, controls=CONTROLS)
    own = {a: secure_score([f for f in found if f.asset.account == a], RULES,
                           controls=CONTROLS) for a in (A1, A2)}
    store.save_score(scan_id, score, T0, accounts=own)
    store.save_score(scan_id, score, T0 + timedelta(hours=1), accounts=own)
    (a1,) = store.score_history(account=A1)
    assert a1.recorded_at == T0 + timedelta(hours=1)
    assert a1.percentage == score.accounts[A1] == own[A1].percentage
    assert (a1.current, a1.max_score, a1.healthy, a1.unhealthy) == (
        pytest.approx(own[A1].current), 14, 7, 1)
    (a1_mfa,) = store.score_history(account=A1, control_id="mfa")
    assert (a1_mfa.healthy, a1_mfa.unhealthy, a1_mfa.percentage) == (3, 1, 75.0)
    assert len(store.score_history()) == 1


def test_score_of_an_unknown_scan_is_refused(store: Store) -> None:
    score = secure_score([], RULES, controls=CONTROLS)
    with pytest.raises(StoreError, match="no scan nope"):
        store.save_score("nope", score, T0)


# -- migration from 0002 ---------------------------------------------------------------------

def test_a_0002_database_with_data_is_upgraded_to_head(store_url: str) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cloudwarden.store import _migrate
    from cloudwarden.store._schema import metadata

    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            cfg = _migrate._config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
            conn.execute(text(
                "INSERT INTO scans (id, provider, status, started_at, finished_at, saved_at, "
                "metadata, asset_count, finding_count, failed_count, error_count, pid, "
                "hostname) VALUES ('s1', 'aws', 'completed', :t, :t, :t, '{}', 0, 1, 1, 0, 1, "
                "'h')"), {"t": T0})
            conn.execute(text(
                "INSERT INTO findings (scan_id, rule_id, asset_key, provider, account, region, "
                "asset_type, resource_id, status, severity, message, evidence, first_seen, "
                "last_seen) VALUES ('s1', 'r.mfa', :k, 'aws', :a, 'eu-west-1', "
                "'aws.s3.bucket', 'arn:aws:s3:::logs', 'fail', 3, 'm', '[]', :t, :t)"),
                {"k": BUCKET.key, "a": A1, "t": T0})
    finally:
        engine.dispose()

    with Store.open(store_url) as store:
        (old,) = store.findings("s1")
        assert old.asset == BUCKET and old.status is Status.FAIL
        assert store.exemptions() == [] and store.score_history() == []
        ex = store.add_exemption(new(rule_id="r.mfa"))
        assert apply_exemptions([old], store.exemptions(), T0)[0].status is Status.EXEMPT
        store.save_score("s1", secure_score([old], RULES, controls=CONTROLS), T0)
        assert [p.percentage for p in store.score_history()] == [0.0]
        assert [e.action for e in store.exemption_events(ex.id)] == ["created"]

    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()


def test_deleting_a_scan_deletes_its_score_history(store: Store) -> None:
    scan_id = _scan(store)
    store.save_score(scan_id, secure_score(_findings(1), RULES, controls=CONTROLS), T0)
    with store._engine.begin() as conn:
        conn.execute(text("DELETE FROM scans WHERE id = :id"), {"id": scan_id})
    assert store.score_history() == []


def test_record_score_round_trips_on_this_backend(store: Store) -> None:
    from cloudwarden.posture.history import record_score, trend

    for day, healthy in enumerate((1, 4)):
        found = _findings(healthy)
        score = record_score(store, _scan(store), found, RULES, T0 + timedelta(days=day),
                             controls=CONTROLS)
        (a1,) = store.score_history(account=A1)[-1:]
        assert a1.percentage == score.accounts[A1]
        assert a1.healthy is not None and a1.healthy == 4 + healthy
    assert trend(store.score_history()) == [(T0, 42.86), (T0 + timedelta(days=1), 85.71)]
