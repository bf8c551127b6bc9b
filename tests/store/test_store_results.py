"""Round trips, first_seen history, filters and which scan readers see. Each test runs on
SQLite and on PostgreSQL (see conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import Asset, AssetRef, Evidence, Finding, Severity, Status
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.store import ScanStatus, Store, StoreError
from cloudwarden.store._schema import assets

BUCKET = "aws.s3.bucket"
TRAIL = "aws.cloudtrail.trail"


def ref(name: str, *, account: str = "111122223333", type_: str = BUCKET,
        region: str = "eu-west-1") -> AssetRef:
    return AssetRef("aws", account, region, type_, f"arn:aws:{type_}:::{name}")


def asset(r: AssetRef, **props: Any) -> Asset:
    return Asset(r, r.id.rsplit(":", 1)[-1], props or {"public": False},
                 tags={"env": "prod", "owner": "é"}, origin="aws:api")


def finding(rule: str, r: AssetRef, status: Status = Status.FAIL,
            severity: Severity = Severity.HIGH, *evidence: Evidence) -> Finding:
    return Finding(rule, r, status, severity, f"{rule} on {r.id}", evidence)


def run_scan(store: Store, inventory: Inventory, results: list[Finding],
             provider: str = "aws", status: str = "completed") -> tuple[str, list[Finding]]:
    scan_id = store.begin_scan(provider, {"accounts": inventory.accounts()})
    stored = store.save_results(scan_id, inventory, results)
    store.finish_scan(scan_id, status)
    return scan_id, stored


def key(f: Finding) -> tuple[str, str]:
    return (f.rule_id, f.asset.key)


def test_empty_store_has_no_scans(store: Store) -> None:
    assert store.latest_scan() is None
    assert store.list_scans() == []
    assert store.findings() == []
    assert len(store.inventory()) == 0


def test_round_trip_of_inventory_findings_and_errors(store: Store) -> None:
    a, b = ref("logs"), ref("trail", type_=TRAIL, region="us-east-1")
    when = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    inventory = Inventory(
        [asset(a, public=True, policy={"Statement": [{"Effect": "Allow", "Principal": "*"}]},
               created=when, size=1.5, versions=None),
         asset(b, multi_region=False)],
        errors=[CollectionError("aws", "111122223333", "ap-south-1", "iam",
                                "ListRoles", "AccessDenied")],
    )
    results = [
        finding("aws.s3.bucket_public_access_blocked", a, Status.FAIL, Severity.CRITICAL,
                Evidence("public", True, "false"), Evidence("policy.Statement", [{"x": 1}])),
        finding("aws.cloudtrail.multi_region", b, Status.PASS, Severity.MEDIUM),
        finding("aws.cloudtrail.logging", b, Status.EXEMPT, Severity.LOW),
    ]
    before = datetime.now(UTC)
    scan_id, stored = run_scan(store, inventory, results)

    loaded = store.findings(scan_id)
    assert sorted(loaded, key=key) == sorted(stored, key=key)
    for f in loaded:
        assert isinstance(f.status, Status) and isinstance(f.severity, Severity)
        assert f.first_seen is not None and f.last_seen is not None
        assert f.first_seen.tzinfo is not None and f.first_seen.utcoffset() == timedelta(0)
        assert before <= f.first_seen == f.last_seen <= datetime.now(UTC)
    critical = next(f for f in loaded if f.severity is Severity.CRITICAL)
    assert critical.evidence == (Evidence("public", True, "false"),
                                 Evidence("policy.Statement", [{"x": 1}]))

    got = store.inventory(scan_id)
    assert {x.ref for x in got} == {a, b}
    logs = got.get(a)
    assert logs is not None
    assert logs.properties == {"public": True, "created": when.isoformat(), "size": 1.5,
                               "versions": None,
                               "policy": {"Statement": [{"Effect": "Allow", "Principal": "*"}]}}
    assert logs.tags == {"env": "prod", "owner": "é"} and logs.origin == "aws:api"
    assert got.errors == inventory.errors
    assert got.metadata == {"accounts": ["111122223333"]}

    record = store.latest_scan()
    assert record is not None and record.id == scan_id
    assert (record.asset_count, record.finding_count, record.failed_count,
            record.error_count) == (2, 3, 1, 1)
    assert record.status is ScanStatus.COMPLETED and record.finished_at is not None
    assert record.started_at.tzinfo is not None and record.started_at <= record.finished_at


def test_first_seen_is_carried_from_the_latest_completed_scan(store: Store) -> None:
    a, b, c = ref("a"), ref("b"), ref("c")
    inventory = Inventory([asset(a), asset(b), asset(c)])
    _, first = run_scan(store, inventory, [finding("r1", a), finding("r1", b)])
    # Neither an unfinished scan nor another provider's scan breaks the history.
    unfinished = store.begin_scan("aws", {})
    store.save_results(unfinished, inventory, [finding("r1", b)])
    run_scan(store, Inventory(), [], provider="azure")

    _, second = run_scan(store, inventory,
                         [finding("r1", a, Status.PASS), finding("r1", c)])
    by_key = {key(f): f for f in second}
    original = {key(f): f for f in first}
    assert by_key[key(finding("r1", a))].first_seen == original[("r1", a.key)].first_seen
    assert by_key[("r1", c.key)].first_seen == by_key[("r1", c.key)].last_seen
    new_a, old_a = by_key[("r1", a.key)], original[("r1", a.key)]
    assert new_a.last_seen and old_a.last_seen and new_a.last_seen > old_a.last_seen
    assert sorted(store.findings(), key=key) == sorted(second, key=key)

    # b vanished in the second scan, so when it comes back it is new again.
    _, third = run_scan(store, inventory, [finding("r1", a), finding("r1", b)])
    third_by_key = {key(f): f for f in third}
    assert third_by_key[("r1", a.key)].first_seen == original[("r1", a.key)].first_seen
    assert third_by_key[("r1", b.key)].first_seen == third_by_key[("r1", b.key)].last_seen


@pytest.fixture
def filtered(store: Store) -> Store:
    x = ref("x", account="111111111111")
    y = ref("y", account="222222222222", type_=TRAIL)
    z = ref("z", account="222222222222")
    results = [
        finding("rule.a", x, Status.FAIL, Severity.CRITICAL),
        finding("rule.a", y, Status.PASS, Severity.HIGH),
        finding("rule.b", z, Status.FAIL, Severity.LOW),
        finding("rule.c", x, Status.ERROR, Severity.INFORMATIONAL),
        finding("rule.d", z, Status.NOT_APPLICABLE, Severity.MEDIUM),
    ]
    run_scan(store, Inventory([asset(x), asset(y), asset(z)]), results)
    return store


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({}, ["rule.a|x", "rule.a|y", "rule.d|z", "rule.b|z", "rule.c|x"]),
        ({"statuses": [Status.FAIL]}, ["rule.a|x", "rule.b|z"]),
        ({"statuses": [Status.ERROR, Status.NOT_APPLICABLE]}, ["rule.d|z", "rule.c|x"]),
        ({"severities": [Severity.LOW, Severity.HIGH]}, ["rule.a|y", "rule.b|z"]),
        ({"rule_ids": ["rule.a"]}, ["rule.a|x", "rule.a|y"]),
        ({"accounts": ["222222222222"]}, ["rule.a|y", "rule.d|z", "rule.b|z"]),
        ({"asset_types": [TRAIL]}, ["rule.a|y"]),
        ({"min_severity": Severity.MEDIUM}, ["rule.a|x", "rule.a|y", "rule.d|z"]),
        ({"statuses": [Status.FAIL], "accounts": ["222222222222"]}, ["rule.b|z"]),
        ({"rule_ids": ["no.such.rule"]}, []),
    ],
    ids=["none", "status", "statuses", "severities", "rule", "account", "asset-type",
         "min-severity", "combined", "no-match"],
)
def test_finding_filters(filtered: Store, criteria: dict[str, Any],
                         expected: list[str]) -> None:
    got = [f"{f.rule_id}|{f.asset.id.rsplit(':', 1)[-1]}" for f in filtered.findings(**criteria)]
    assert got == expected  # most severe first


def test_readers_see_only_the_latest_completed_scan(store: Store) -> None:
    old, new = ref("old"), ref("new")
    completed, _ = run_scan(store, Inventory([asset(old)]), [finding("r", old)])
    failed, _ = run_scan(store, Inventory([asset(new)]), [finding("r", new)], status="failed")
    saved_but_running = store.begin_scan("aws", {})
    store.save_results(saved_but_running, Inventory([asset(new)]), [finding("r", new)])
    interrupted = store.begin_scan("aws", {})
    store.finish_scan(interrupted, "interrupted")

    latest = store.latest_scan()
    assert latest is not None and latest.id == completed
    assert store.latest_scan("aws") == latest
    assert store.latest_scan("azure") is None
    assert [f.asset for f in store.findings()] == [old]
    assert [a.ref for a in store.inventory()] == [old]
    # An explicit scan id reads that scan whatever its status.
    assert [f.asset for f in store.findings(failed)] == [new]
    assert [a.ref for a in store.inventory(saved_but_running)] == [new]

    statuses = [(s.id, s.status) for s in store.list_scans()]
    assert statuses == [(interrupted, ScanStatus.INTERRUPTED),
                        (saved_but_running, ScanStatus.RUNNING),
                        (failed, ScanStatus.FAILED), (completed, ScanStatus.COMPLETED)]
    assert [s.id for s in store.list_scans(limit=2)] == [interrupted, saved_but_running]


def test_scan_lifecycle_is_enforced(store: Store) -> None:
    scan_id = store.begin_scan("aws", {})
    with pytest.raises(StoreError, match="results were not saved"):
        store.finish_scan(scan_id)
    with pytest.raises(StoreError, match="not 'running'"):
        store.finish_scan(scan_id, "running")
    with pytest.raises(StoreError, match="not 'done'"):
        store.finish_scan(scan_id, "done")
    store.save_results(scan_id, Inventory(), [])
    with pytest.raises(StoreError, match="already saved"):
        store.save_results(scan_id, Inventory(), [])
    store.finish_scan(scan_id)
    with pytest.raises(StoreError, match="it is completed"):
        store.save_results(scan_id, Inventory(), [])
    with pytest.raises(StoreError, match="it is completed"):
        store.finish_scan(scan_id, "failed")
    with pytest.raises(StoreError, match="no such scan"):
        store.save_results("nope", Inventory(), [])
    with pytest.raises(StoreError, match="no scan nope"):
        store.findings("nope")
    with pytest.raises(StoreError, match="no scan nope"):
        store.inventory("nope")


def test_large_scan_is_written_in_batches(store: Store) -> None:
    refs = [ref(f"bulk-{i:05d}") for i in range(2_500)]
    scan_id, _ = run_scan(store, Inventory(asset(r) for r in refs),
                          [finding("r", r) for r in refs])
    assert len(store.inventory(scan_id)) == 2_500
    assert len(store.findings(scan_id, rule_ids=["r"])) == 2_500


def test_unknown_fields_are_stored_with_the_asset(store: Store) -> None:
    partial, complete = ref("denied"), ref("open")
    reason = {"Policy": "GetBucketPolicy: AccessDenied", "Tags": "GetBucketTagging: Throttling"}
    inventory = Inventory([
        Asset(partial, "denied", {"Policy": None, "Tags": None}, unknown=reason),
        asset(complete)])
    scan_id, _ = run_scan(store, inventory, [])

    got = store.inventory(scan_id)
    assert {a.ref: a.unknown for a in got} == {partial: reason, complete: {}}
    with store._engine.connect() as conn:  # nothing is stored where nothing is unknown
        stored = dict(conn.execute(select(assets.c.resource_id, assets.c.unknown)).all())
    assert stored == {partial.id: reason, complete.id: None}
