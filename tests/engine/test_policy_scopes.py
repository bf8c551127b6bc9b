"""A policy changes rules per scope: parameters and on/off by organization, account and region,
the narrowest scope winning; a rule turned off yields no finding in that scope only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import Asset, AssetRef, Finding, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.posture.policy import PolicyConfig

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ROTATED = "aws.iam.user_access_keys_rotated"
MFA = "aws.iam.user_mfa_enabled"
A, B = "111111111111", "222222222222"
EAST, WEST = "us-east-1", "eu-west-1"


@pytest.fixture(scope="module")
def catalog() -> list[RuleSpec]:
    specs, _ = load_rules(known_types=default_registry().names())
    return specs


@pytest.fixture(scope="module")
def iam_rules(catalog: list[RuleSpec]) -> list[RuleSpec]:
    return [s for s in catalog if s.meta.asset_type == "aws.iam.user"]


def _user(account: str, region: str, name: str, key_age_days: int = 60) -> Asset:
    created = (NOW - timedelta(days=key_age_days)).isoformat()
    doc: dict[str, Any] = {
        "UserName": name,
        "Arn": f"arn:aws:iam::{account}:user/{name}",
        "AccessKeys": [{"AccessKeyId": "AKIAEXAMPLE", "Status": "Active", "CreateDate": created}],
    }
    ref = AssetRef("aws", account, region, "aws.iam.user", doc["Arn"] + "/" + region)
    return Asset(ref, name, doc)


def _inventory() -> Inventory:
    inv = Inventory()
    for account in (A, B):
        for region in (EAST, WEST):
            for name in ("alice", "bob"):
                inv.add(_user(account, region, name))
    return inv


def _policy(data: dict[str, Any], catalog: list[RuleSpec]) -> PolicyConfig:
    return PolicyConfig.from_dict(data, rules=catalog, frameworks=())


def _statuses(findings: list[Finding], rule_id: str) -> dict[tuple[str, str], set[Status]]:
    out: dict[tuple[str, str], set[Status]] = {}
    for f in findings:
        if f.rule_id == rule_id:
            out.setdefault((f.asset.account, f.asset.region), set()).add(f.status)
    return out


def _assess(specs: list[RuleSpec], policy: PolicyConfig | None) -> list[Finding]:
    return list(Engine(specs, now=NOW, policy=policy).assess(_inventory()))


def test_parameter_override_in_one_account_changes_only_that_account(
        iam_rules: list[RuleSpec], catalog: list[RuleSpec]) -> None:
    policy = _policy({"scopes": [{"account": A, "parameters": {ROTATED: {"max_age_days": 45}}}]},
                     catalog)
    findings = _assess(iam_rules, policy)
    assert _statuses(findings, ROTATED) == {
        (A, EAST): {Status.FAIL}, (A, WEST): {Status.FAIL},
        (B, EAST): {Status.PASS}, (B, WEST): {Status.PASS}}
    # every other rule judges exactly as without a policy
    others = sorted((f for f in findings if f.rule_id != ROTATED), key=repr)
    plain = sorted((f for f in _assess(iam_rules, None) if f.rule_id != ROTATED), key=repr)
    assert others == plain


def test_region_beats_account_beats_organization(
        iam_rules: list[RuleSpec], catalog: list[RuleSpec]) -> None:
    policy = _policy({
        "parameters": {ROTATED: {"max_age_days": 30}},                     # org: 60 > 30, fail
        "scopes": [
            {"account": A, "region": WEST, "parameters": {ROTATED: {"max_age_days": 45}}},
            {"account": A, "parameters": {ROTATED: {"max_age_days": 90}}},  # account: pass
        ]}, catalog)
    assert policy.parameters(ROTATED, A, WEST) == {"max_age_days": 45}
    assert policy.parameters(ROTATED, A, EAST) == {"max_age_days": 90}
    assert policy.parameters(ROTATED, B, EAST) == {"max_age_days": 30}
    assert policy.parameters(ROTATED) == {"max_age_days": 30}
    assert PolicyConfig.empty().bind(catalog, frameworks=()).parameters(ROTATED) == {
        "max_age_days": 90}
    assert _statuses(_assess(iam_rules, policy), ROTATED) == {
        (A, EAST): {Status.PASS}, (A, WEST): {Status.FAIL},
        (B, EAST): {Status.FAIL}, (B, WEST): {Status.FAIL}}


def test_engine_params_sit_under_the_policy(iam_rules: list[RuleSpec],
                                            catalog: list[RuleSpec]) -> None:
    policy = _policy({"scopes": [{"account": A, "parameters": {ROTATED: {"max_age_days": 90}}}]},
                     catalog)
    engine = Engine(iam_rules, now=NOW, params={ROTATED: {"max_age_days": 30}}, policy=policy)
    assert _statuses(list(engine.assess(_inventory())), ROTATED) == {
        (A, EAST): {Status.PASS}, (A, WEST): {Status.PASS},
        (B, EAST): {Status.FAIL}, (B, WEST): {Status.FAIL}}


def test_disabled_rule_yields_no_findings_in_that_scope_only(
        iam_rules: list[RuleSpec], catalog: list[RuleSpec]) -> None:
    policy = _policy({"scopes": [{"account": B, "region": EAST,
                                  "rules": {"disabled": [ROTATED]}}]}, catalog)
    findings = _assess(iam_rules, policy)
    assert set(_statuses(findings, ROTATED)) == {(A, EAST), (A, WEST), (B, WEST)}
    # the other rules still assess that scope
    assert (B, EAST) in _statuses(findings, MFA)
    assert len(_assess(iam_rules, None)) - len(findings) == 2  # alice and bob, B us-east-1


def test_narrower_scope_turns_a_rule_back_on(iam_rules: list[RuleSpec],
                                             catalog: list[RuleSpec]) -> None:
    policy = _policy({"rules": {"disabled": [ROTATED]},
                      "scopes": [{"account": A, "region": WEST,
                                  "rules": {"enabled": [ROTATED]}}]}, catalog)
    assert set(_statuses(_assess(iam_rules, policy), ROTATED)) == {(A, WEST)}


def test_enabled_glob(iam_rules: list[RuleSpec], catalog: list[RuleSpec]) -> None:
    policy = _policy({"rules": {"disabled": ["*"], "enabled": ["aws.iam.user_access_keys_*"]},
                      "scopes": [{"account": B, "rules": {"disabled": [ROTATED]}}]}, catalog)
    findings = _assess(iam_rules, policy)
    expected = {s.id for s in iam_rules if s.id.startswith("aws.iam.user_access_keys_")}
    assert len(expected) >= 2
    assert {f.rule_id for f in findings} == expected
    assert {f.asset.account for f in findings if f.rule_id == ROTATED} == {A}
    assert {f.asset.account for f in findings if f.rule_id != ROTATED} == {A, B}


def test_exact_id_beats_glob_in_one_scope(catalog: list[RuleSpec]) -> None:
    policy = _policy({"rules": {"enabled": ["aws.iam.*"], "disabled": [ROTATED]}}, catalog)
    assert not policy.rule_enabled(ROTATED, A, EAST)
    assert policy.rule_enabled(MFA, A, EAST)
    assert policy.rule_enabled("aws.s3.not_mentioned_anywhere")  # on unless turned off


def test_one_variant_per_distinct_parameter_set(iam_rules: list[RuleSpec],
                                                catalog: list[RuleSpec]) -> None:
    policy = _policy({"scopes": [
        {"account": A, "parameters": {ROTATED: {"max_age_days": 45}}},
        {"account": B, "region": WEST, "parameters": {ROTATED: {"max_age_days": 45}}},
        {"account": B, "region": EAST, "parameters": {ROTATED: {"max_age_days": 90}}},  # default
    ]}, catalog)
    engine = Engine(iam_rules, now=NOW, policy=policy)
    findings = list(engine.assess(_inventory()))
    variants = [v for (rid, _), v in engine._variants.items() if rid == ROTATED]
    assert len(variants) == 2  # the default and max_age_days=45
    base = next(r for r in engine.rules if r.meta.id == ROTATED)
    assert engine.rules_for_scope("aws.iam.user", B, EAST).count(base) == 1
    assert _statuses(findings, ROTATED) == {
        (A, EAST): {Status.FAIL}, (A, WEST): {Status.FAIL},
        (B, EAST): {Status.PASS}, (B, WEST): {Status.FAIL}}
    # the memo of each variant never changes a result
    inventory = _inventory()
    fresh = [f for asset in inventory.of_type("aws.iam.user")
             for f in engine.assess_asset(asset, inventory)]
    assert sorted(findings, key=repr) == sorted(fresh, key=repr)


def test_a_policy_that_changes_no_rule_takes_the_plain_path(iam_rules: list[RuleSpec],
                                                            catalog: list[RuleSpec]) -> None:
    policy = _policy({"frameworks": {"disabled": []},
                      "governance": {"default_owner": "secops"}}, catalog)
    assert Engine(iam_rules, now=NOW, policy=policy).policy is None
    assert Engine(iam_rules, now=NOW, policy=PolicyConfig.empty()).policy is None
    assert _assess(iam_rules, policy) == _assess(iam_rules, None)


def test_rules_no_scope_mentions_are_resolved_once_for_every_scope(
        iam_rules: list[RuleSpec], catalog: list[RuleSpec]) -> None:
    policy = _policy({"rules": {"disabled": [MFA]},
                      "parameters": {ROTATED: {"max_age_days": 30}},
                      "scopes": [{"account": A, "rules": {"disabled": ["aws.iam.root_*"]}}]},
                     catalog)
    assert not policy.scoped(MFA) and not policy.scoped(ROTATED)
    findings = _assess(iam_rules, policy)
    assert MFA not in {f.rule_id for f in findings}
    assert _statuses(findings, ROTATED) == {
        (A, EAST): {Status.FAIL}, (A, WEST): {Status.FAIL},
        (B, EAST): {Status.FAIL}, (B, WEST): {Status.FAIL}}
