"""Exemptions: validation, matching per scope, expiry with a fixed clock, effect on the score."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from posture_builders import ERROR, EXEMPT, FAIL, NA, PASS, finding, ref, rule

from cloudwarden.core.controls import SecurityControl
from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import Evidence, Finding
from cloudwarden.posture import secure_score
from cloudwarden.posture.exemptions import (
    Exemption,
    ExemptionIndex,
    InvalidExemption,
    apply_exemptions,
)

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=1)
A1, A2 = "111111111111", "222222222222"
BUCKET = ref("bucket", A1)
OTHER = ref("other", A1)
FOREIGN = ref("foreign", A2)


def make(scope: Any = "resource", **fields: Any) -> Exemption:
    defaults: dict[str, Any] = {
        "scope": scope, "category": "waiver", "reason": "accepted by CISO", "author": "alice",
        "created_at": T0,
    }
    if scope == "resource":
        defaults["asset_key"] = BUCKET.key
    elif scope == "account":
        defaults["account"] = A1
    else:
        defaults["rule_id"] = "r.one"
    return Exemption.new(**{**defaults, **fields})


def statuses(findings: list[Finding]) -> list[str]:
    return [f.status.value for f in findings]


# -- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "problem"), [
    ({"scope": "resource", "asset_key": None}, "needs an asset_key"),
    ({"scope": "resource", "asset_key": "not-a-key"}, "is not an asset key"),
    ({"scope": "resource", "account": A2}, "is not the account of asset_key"),
    ({"scope": "account", "account": None}, "needs an account"),
    ({"scope": "account", "asset_key": BUCKET.key}, "has no asset_key"),
    ({"scope": "rule", "rule_id": None}, "needs a rule_id"),
    ({"scope": "rule", "account": A1}, "applies everywhere"),
    ({"scope": "tenant"}, "scope 'tenant' is not one of resource, account, rule"),
    ({"category": "ignored"}, "category 'ignored' is not one of waiver, mitigated"),
    ({"reason": "  "}, "reason is empty"),
    ({"author": ""}, "author is empty"),
    ({"rule_id": ""}, "rule_id is empty"),
    ({"created_at": datetime(2024, 1, 1)}, "timezone-aware"),
    ({"expires_at": T0}, "is not after created_at"),
    ({"expires_at": T0 - timedelta(seconds=1)}, "is not after created_at"),
])
def test_invalid_exemptions_are_refused_with_the_reason(fields: dict[str, Any],
                                                         problem: str) -> None:
    scope = fields.pop("scope", "resource")
    with pytest.raises(InvalidExemption, match=problem):
        make(scope, **fields)


def test_invalid_exemption_is_a_value_error_listing_every_problem() -> None:
    with pytest.raises(ValueError, match="reason is empty; author is empty"):
        make(reason="", author="")


def test_valid_exemptions_of_each_scope() -> None:
    resource = make("resource", rule_id="r.one")
    assert resource.account == A1  # recorded from the asset key
    assert len(resource.id) == 36 and resource.id != make().id
    assert make("account").rule_id is None
    assert make("account", rule_id="r.one").account == A1
    assert make("rule", category="mitigated").category == "mitigated"


def test_dict_round_trip() -> None:
    ex = make(expires_at=T0 + timedelta(days=30), rule_id="r.one")
    assert Exemption.from_dict(ex.to_dict()) == ex
    assert ex.to_dict()["expires_at"] == "2024-07-01T12:00:00+00:00"


# -- matching --------------------------------------------------------------------------------

def test_resource_exemption_for_every_rule_covers_only_that_resource() -> None:
    found = [finding("r.one", BUCKET, FAIL), finding("r.two", BUCKET, PASS),
             finding("r.one", OTHER, FAIL)]
    assert statuses(apply_exemptions(found, [make()], NOW)) == ["exempt", "exempt", "fail"]


def test_resource_exemption_for_one_rule() -> None:
    found = [finding("r.one", BUCKET, FAIL), finding("r.two", BUCKET, FAIL)]
    assert statuses(apply_exemptions(found, [make(rule_id="r.one")], NOW)) == ["exempt", "fail"]


def test_account_exemption_for_every_rule_and_for_one_rule() -> None:
    found = [finding("r.one", BUCKET, FAIL), finding("r.two", OTHER, FAIL),
             finding("r.one", FOREIGN, FAIL)]
    assert statuses(apply_exemptions(found, [make("account")], NOW)) == [
        "exempt", "exempt", "fail"]
    assert statuses(apply_exemptions(found, [make("account", rule_id="r.one")], NOW)) == [
        "exempt", "fail", "fail"]


def test_rule_exemption_applies_everywhere() -> None:
    found = [finding("r.one", BUCKET, FAIL), finding("r.one", FOREIGN, PASS),
             finding("r.two", BUCKET, FAIL)]
    assert statuses(apply_exemptions(found, [make("rule")], NOW)) == ["exempt", "exempt", "fail"]


def test_errors_not_applicable_and_collector_failures_are_never_exempted() -> None:
    collector = CollectionError("aws", A1, "us-east-1", "s3", "ListBuckets", "denied")
    found = [finding("r.one", BUCKET, ERROR), finding("r.one", BUCKET, NA),
             collector.to_finding(), collector.to_finding()._replace(status=FAIL)]
    everything = [make(), make("account"), make("rule"),
                  make("rule", rule_id=found[2].rule_id)]
    assert statuses(apply_exemptions(found, everything, NOW)) == [
        "error", "not_applicable", "error", "fail"]


def test_exempt_finding_keeps_its_message_and_evidence() -> None:
    evidence = (Evidence("PublicAccessBlock", None, "all four true"),)
    original = finding("r.one", BUCKET, FAIL)._replace(message="bucket is public",
                                                       evidence=evidence)
    (out,) = apply_exemptions([original], [make(reason="behind CloudFront")], NOW)
    assert out.status is EXEMPT
    assert out.message == "exempt (waiver: behind CloudFront): bucket is public"
    assert out.evidence == evidence
    assert (out.rule_id, out.asset, out.severity) == (
        original.rule_id, original.asset, original.severity)
    assert original.status is FAIL  # the input is not changed


def test_narrowest_exemption_is_the_one_shown() -> None:
    rule_wide = make("rule", category="mitigated", reason="rule")
    account = make("account", reason="account")
    resource = make(rule_id="r.one", reason="resource")
    index = ExemptionIndex([rule_wide, account, resource], NOW)
    assert index.match(finding("r.one", BUCKET, FAIL)) == resource
    assert index.match(finding("r.one", OTHER, FAIL)) == account
    assert index.match(finding("r.one", FOREIGN, FAIL)) == rule_wide


def test_the_older_of_two_equal_exemptions_wins_whatever_the_order() -> None:
    older = make(reason="older")
    newer = make(reason="newer", created_at=T0 + timedelta(hours=1))
    target = finding("r.one", BUCKET, FAIL)
    assert ExemptionIndex([newer, older], NOW).match(target) == older
    assert ExemptionIndex([older, newer], NOW).match(target) == older


def test_no_exemptions_returns_the_findings_unchanged() -> None:
    found = [finding("r.one", BUCKET, FAIL)]
    assert apply_exemptions(found, [], NOW) == found
    assert not ExemptionIndex([], NOW)


# -- expiry and deletion, with a fixed clock -------------------------------------------------

def test_exemption_is_active_before_and_inactive_at_and_after_expiry() -> None:
    expires = T0 + timedelta(days=7)
    ex = make(expires_at=expires)
    target = [finding("r.one", BUCKET, FAIL)]
    for now, active in ((T0, True), (expires - timedelta(microseconds=1), True),
                        (expires, False), (expires + timedelta(days=1), False)):
        assert ex.active(now) is active
        assert statuses(apply_exemptions(target, [ex], now)) == [
            "exempt" if active else "fail"]


def test_exemption_without_expiry_stays_active() -> None:
    assert make().active(T0 + timedelta(days=3650))


def test_soft_deleted_exemption_no_longer_applies() -> None:
    ex = dataclasses.replace(make(), deleted_at=NOW)
    target = [finding("r.one", BUCKET, FAIL)]
    assert ex.active(NOW - timedelta(seconds=1))
    assert not ex.active(NOW)
    assert statuses(apply_exemptions(target, [ex], NOW)) == ["fail"]


# -- the score: an exempt resource counts as not applicable ----------------------------------

CONTROL = SecurityControl("six", "Six points", 6)
RULES = {r.id: r for r in (rule("r.one", "six"), rule("r.two", "six"))}


def score(found: list[Finding]) -> tuple[float, int, int]:
    result = secure_score(found, RULES, controls=(CONTROL,))
    (control,) = result.controls
    return result.percentage, control.healthy, control.unhealthy


def test_exempt_resource_counts_as_not_applicable_in_the_score() -> None:
    base = [finding("r.one", ref(f"ok{i}"), PASS) for i in range(3)]
    base.append(finding("r.one", ref("bad"), FAIL))
    assert score(base) == (75.0, 3, 1)
    with_exempted = [*base, finding("r.one", BUCKET, FAIL), finding("r.two", BUCKET, FAIL)]
    assert score(with_exempted) == (60.0, 3, 2)
    exempted = apply_exemptions(with_exempted, [make()], NOW)
    # Same score as without the resource, and as with the resource not applicable.
    assert score(exempted) == score(base)
    not_applicable = [*base, finding("r.one", BUCKET, NA), finding("r.two", BUCKET, NA)]
    assert score(exempted) == score(not_applicable)
    # Once the exemption expires, the resource counts again.
    expired = make(expires_at=NOW)
    assert score(apply_exemptions(with_exempted, [expired], NOW)) == (60.0, 3, 2)


def test_many_exemptions_are_matched_by_key() -> None:
    # 2,000 exemptions x 200,000 findings would be 4e8 comparisons if matched by scanning.
    many = [make(asset_key=ref(f"x{i}").key) for i in range(2_000)]
    found = [finding("r.one", ref(f"x{i % 4_000}"), FAIL) for i in range(200_000)]
    out = apply_exemptions(found, many, NOW)
    assert sum(1 for f in out if f.status is EXEMPT) == 100_000
