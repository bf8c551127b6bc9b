"""Governance with a fixed clock: owners (tag, account, global), due dates from first
detection, states at the boundary, grace periods in the score, selection and first match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from posture_builders import FAIL, PASS, ref, rule

from cloudwarden.core.model import Asset, AssetRef, Finding, Severity, Status
from cloudwarden.posture.governance import (
    Assignment,
    GovernanceConfig,
    apply_grace,
    assign,
    completed,
)
from cloudwarden.posture.score import secure_score

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
FIRST = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
A, B = "111111111111", "222222222222"


def _finding(rule_id: str, asset: AssetRef, status: Status = FAIL,
             severity: Severity = Severity.HIGH, first_seen: datetime | None = FIRST) -> Finding:
    return Finding(rule_id, asset, status, severity, "it is wrong", first_seen=first_seen)


def _assets(*pairs: tuple[AssetRef, dict[str, str]]) -> dict[str, Asset]:
    return {r.key: Asset(r, r.id, {}, tags) for r, tags in pairs}


def _config(**data: object) -> GovernanceConfig:
    return GovernanceConfig.model_validate(data)


def _one(config: GovernanceConfig, finding: Finding, assets: dict[str, Asset] | None = None,
         now: datetime = NOW) -> Assignment:
    (out,) = assign([finding], assets or {}, config, now)
    return out


OWNERS = {"account_owners": {A: "team-a"}, "default_owner": "secops",
          "rules": [{"due_days": 90}]}


def test_owner_from_the_resource_tag() -> None:
    bucket = ref("bucket", A)
    assets = _assets((bucket, {"owner": "alice@example.com"}))
    got = _one(_config(**OWNERS), _finding("aws.s3.x_y", bucket), assets)
    assert got == Assignment("aws.s3.x_y", bucket.key, "alice@example.com",
                             FIRST + timedelta(days=90), False, "on_time")


def test_owner_tag_is_configurable_and_matched_case_insensitively() -> None:
    bucket = ref("bucket", A)
    assets = _assets((bucket, {"Team-Owner": "bob", "owner": "not-this"}))
    config = _config(owner_tag="team-owner", **OWNERS)
    assert _one(config, _finding("aws.s3.x_y", bucket), assets).owner == "bob"
    per_rule = _config(account_owners={}, rules=[{"owner_tag": "Team-Owner"}])
    assert _one(per_rule, _finding("aws.s3.x_y", bucket), assets).owner == "bob"


def test_owner_falls_back_to_the_account_then_the_global_default() -> None:
    in_a, in_b = ref("one", A), ref("two", B)
    assets = _assets((in_a, {"owner": ""}), (in_b, {"cost-center": "42"}))
    config = _config(**OWNERS)
    assert _one(config, _finding("aws.s3.x_y", in_a), assets).owner == "team-a"
    assert _one(config, _finding("aws.s3.x_y", in_b), assets).owner == "secops"
    # an asset missing from the inventory falls back the same way
    assert _one(config, _finding("aws.s3.x_y", ref("gone", A))).owner == "team-a"


def test_no_owner_to_be_found_leaves_the_finding_unassigned_with_its_due_date() -> None:
    got = _one(_config(rules=[{"due_days": 7}]), _finding("aws.s3.x_y", ref("b", B)))
    assert got.owner is None
    assert got.state == "unassigned"
    assert got.due_date == FIRST + timedelta(days=7)


@pytest.mark.parametrize("days", [7, 14, 30, 90])
def test_due_date_counts_from_first_detection(days: int) -> None:
    config = _config(default_owner="secops", rules=[{"due_days": days}])
    got = _one(config, _finding("aws.s3.x_y", ref("b")))
    assert got.due_date == FIRST + timedelta(days=days)


def test_due_date_counts_from_now_when_first_detection_is_unknown() -> None:
    config = _config(default_owner="secops", rules=[{"due_days": 14}])
    got = _one(config, _finding("aws.s3.x_y", ref("b"), first_seen=None))
    assert got.due_date == NOW + timedelta(days=14)
    assert got.state == "on_time"


def test_naive_first_seen_is_read_as_utc() -> None:
    config = _config(default_owner="secops", rules=[{"due_days": 7}])
    naive = FIRST.replace(tzinfo=None)
    assert _one(config, _finding("aws.s3.x_y", ref("b"), first_seen=naive)).due_date == (
        FIRST + timedelta(days=7))


def test_overdue_only_after_the_due_date() -> None:
    config = _config(default_owner="secops", rules=[{"due_days": 30}])
    due = FIRST + timedelta(days=30)
    f = _finding("aws.s3.x_y", ref("b"))
    assert _one(config, f, now=due - timedelta(seconds=1)).state == "on_time"
    assert _one(config, f, now=due).state == "on_time"
    assert _one(config, f, now=due + timedelta(seconds=1)).state == "overdue"


def test_selection_by_severity_and_rule_first_match_wins() -> None:
    config = _config(default_owner="secops", rules=[
        {"name": "critical", "severities": ["critical"], "due_days": 7},
        {"name": "iam high", "severities": ["high"], "rules": ["aws.iam.*"], "due_days": 14},
        {"name": "one rule", "rules": ["aws.s3.bucket_x"], "due_days": 30},
        {"name": "all iam", "rules": ["aws.iam.*"], "due_days": 90},
    ])
    r = ref("thing")
    cases = [
        (_finding("aws.iam.user_x", r, severity=Severity.CRITICAL), 7),  # first match wins
        (_finding("aws.iam.user_x", r, severity=Severity.HIGH), 14),
        (_finding("aws.s3.bucket_x", r, severity=Severity.HIGH), 30),  # high, but not iam
        (_finding("aws.iam.user_x", r, severity=Severity.LOW), 90),
    ]
    got = assign([f for f, _ in cases], {}, config, NOW)
    assert [a.due_date for a in got] == [FIRST + timedelta(days=d) for _, d in cases]
    assert [a.state for a in got] == ["overdue", "overdue", "overdue", "on_time"]


def test_unselected_failures_are_unassigned_and_other_statuses_ignored() -> None:
    config = _config(default_owner="secops",
                     rules=[{"severities": ["critical", "high"], "due_days": 7}])
    r = ref("thing")
    findings = [
        _finding("aws.s3.bucket_x", r, severity=Severity.MEDIUM),
        _finding("aws.s3.bucket_y", r, status=PASS),
        _finding("aws.s3.bucket_z", r, status=Status.NOT_APPLICABLE),
        _finding("aws.s3.bucket_w", r, status=Status.EXEMPT),
        _finding("aws.s3.bucket_v", r, status=Status.ERROR),
    ]
    assert assign(findings, {}, config, NOW) == [
        Assignment("aws.s3.bucket_x", r.key, None, None, False, "unassigned")]
    assert assign(findings[:1], {}, GovernanceConfig(), NOW)[0].state == "unassigned"


def test_previous_assignments_that_now_pass_are_completed() -> None:
    config = _config(default_owner="secops", rules=[{"due_days": 7}])
    fixed, still, gone = ref("fixed"), ref("still"), ref("gone")
    before = assign([_finding("aws.s3.bucket_x", r) for r in (fixed, still, gone)], {}, config,
                    NOW)
    latest = [_finding("aws.s3.bucket_x", fixed, status=PASS),
              _finding("aws.s3.bucket_x", still)]
    after = assign(latest, {}, config, NOW, previous=before)
    assert [(a.asset_key, a.state) for a in after] == [
        (still.key, "overdue"), (fixed.key, "completed")]
    assert after[1].owner == "secops" and after[1].due_date == before[0].due_date
    assert completed(before, latest) == [after[1]]
    assert completed(after, latest) == [after[1]]  # stays completed, not repeated


def test_grace_period_keeps_the_resource_out_of_the_score_until_the_due_date() -> None:
    meta = rule("aws.test.rule_x", "enable_mfa")
    good, bad = ref("good"), ref("bad")
    findings = [_finding(meta.id, good, status=PASS),
                _finding(meta.id, bad, first_seen=NOW - timedelta(days=3))]
    assert secure_score(findings, [meta]).percentage == 50.0
    graced = _config(default_owner="secops", rules=[{"due_days": 7, "grace_period": True}])
    assignments = assign(findings, {}, graced, NOW)
    scored = apply_grace(findings, assignments, NOW)
    assert scored[0] is findings[0]
    assert scored[1].status is Status.EXEMPT
    assert scored[1].message == "in grace period until 2026-11-05: it is wrong"
    assert secure_score(scored, [meta]).percentage == 100.0
    # once the due date has come, the resource counts again
    later = NOW + timedelta(days=4)
    assert apply_grace(findings, assign(findings, {}, graced, later), later) == findings
    # without grace_period nothing changes
    plain = _config(default_owner="secops", rules=[{"due_days": 7}])
    assert apply_grace(findings, assign(findings, {}, plain, NOW), NOW) == findings


def test_configuration_is_validated() -> None:
    with pytest.raises(ValueError, match="due_days"):
        _config(rules=[{"due_days": 10}])
    with pytest.raises(ValueError, match="quoted"):
        GovernanceConfig.model_validate({"account_owners": {111: "x"}})
    assert _config(rules=[{"severities": ["High"]}]).rules[0].severities == (Severity.HIGH,)
