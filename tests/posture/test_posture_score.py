"""Secure score: the issue's vectors, the counting rules, multi-account pooling, properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from posture_builders import ERROR, EXEMPT, FAIL, NA, PASS, finding, ref, rule

from cloudwarden.core.controls import CONTROLS, SecurityControl
from cloudwarden.core.model import Finding
from cloudwarden.posture import SecureScore, secure_score

SIX = SecurityControl("six", "Six points", 6)
TEN = SecurityControl("ten", "Ten points", 10)
TWENTY = SecurityControl("twenty", "Twenty points", 20)
THIRTY = SecurityControl("thirty", "Thirty points", 30)
ZERO = SecurityControl("zero", "Zero points", 0)
ALL = (SIX, TEN, TWENTY, THIRTY, ZERO)

RULES = {
    r.id: r
    for r in (
        rule("r.six", "six"),
        rule("r.six_b", "six"),
        rule("r.ten", "ten"),
        rule("r.twenty", "twenty"),
        rule("r.thirty", "thirty"),
        rule("r.zero", "zero"),
        rule("r.preview", "six", preview=True),
    )
}


def control_findings(rule_id: str, healthy: int, unhealthy: int, account: str = "111111111111",
                     prefix: str = "") -> list[Finding]:
    out = [finding(rule_id, ref(f"{prefix}{rule_id}-ok-{i}", account), PASS)
           for i in range(healthy)]
    out += [finding(rule_id, ref(f"{prefix}{rule_id}-bad-{i}", account), FAIL)
            for i in range(unhealthy)]
    return out


def score(findings: list[Finding]) -> SecureScore:
    return secure_score(findings, RULES, controls=ALL)


# --- the vectors ---------------------------------------------------------------------

def test_control_with_max_6_and_4_of_78_healthy_scores_0_3077() -> None:
    result = score(control_findings("r.six", 4, 74))
    (control,) = result.controls
    assert (control.healthy, control.unhealthy) == (4, 74)
    assert control.current == pytest.approx(6 * 4 / 78)  # full precision kept
    assert round(control.current, 4) == 0.3077
    assert f"{control.current:.2f}" == "0.31"
    assert result.maximum == 6
    assert result.percentage == 5.13  # 0.3077 of 6 points


def test_controls_summing_to_29_of_60_give_48_33_percent() -> None:
    findings = (control_findings("r.ten", 5, 0)            # 10 of 10
                + control_findings("r.twenty", 1, 1)       # 10 of 20
                + control_findings("r.thirty", 3, 7))      # 9 of 30
    result = score(findings)
    assert result.current == pytest.approx(29)
    assert result.maximum == 60
    assert result.percentage == 48.33


BASE = (control_findings("r.ten", 5, 0) + control_findings("r.twenty", 1, 1)
        + control_findings("r.thirty", 3, 7))


@pytest.mark.parametrize("extra", [
    pytest.param([finding("r.preview", ref("r.ten-ok-0"), FAIL),
                  finding("r.preview", ref("new-thing"), FAIL),
                  finding("r.preview", ref("other-thing"), PASS)], id="preview rule"),
    pytest.param([finding("r.twenty", ref("exempt-thing"), EXEMPT),
                  finding("r.ten", ref("exempt-thing"), EXEMPT)], id="exempt resource"),
    pytest.param([finding("r.thirty", ref("na-thing"), NA),
                  finding("r.six", ref("na-thing"), NA)], id="not-applicable resource"),
    pytest.param([finding("r.ten", ref("broken"), ERROR)], id="error result"),
    pytest.param([finding("collector.aws.s3", ref("r.ten-ok-1"), ERROR),
                  finding("collector.aws.s3", ref("x"), FAIL)], id="unknown rule"),
])
def test_excluded_results_leave_the_score_unchanged(extra: list[Finding]) -> None:
    before, after = score(BASE), score(BASE + extra)
    assert after == before
    assert after.percentage == 48.33


def test_potential_increase_is_max_over_assessed_times_unhealthy() -> None:
    result = score(control_findings("r.thirty", 3, 7) + control_findings("r.ten", 1, 3))
    by_id = {c.control_id: c for c in result.controls}
    assert by_id["thirty"].potential_increase == pytest.approx(30 / 10 * 7)
    assert by_id["ten"].potential_increase == pytest.approx(10 / 4 * 3)
    assert by_id["thirty"].potential_increase_percent == pytest.approx(100 * 21 / 40)
    for c in result.controls:  # current + potential = max
        assert c.current + c.potential_increase == pytest.approx(c.max_score)


# --- counting rules --------------------------------------------------------------------------

def test_a_resource_is_healthy_only_if_it_passes_every_rule_of_the_control() -> None:
    a, b = ref("a"), ref("b")
    result = score([finding("r.six", a, PASS), finding("r.six_b", a, FAIL),
                    finding("r.six", b, PASS), finding("r.six_b", b, PASS)])
    (control,) = result.controls
    assert (control.healthy, control.unhealthy) == (1, 1)
    assert control.current == pytest.approx(3)


def test_a_resource_with_only_excluded_results_is_not_assessed() -> None:
    a = ref("a")
    result = score([finding("r.six", a, NA), finding("r.six_b", a, EXEMPT),
                    finding("r.six", ref("b"), PASS)])
    (control,) = result.controls
    assert (control.healthy, control.unhealthy) == (1, 0)


def test_a_pass_and_an_excluded_result_count_as_healthy() -> None:
    a = ref("a")
    result = score([finding("r.six", a, PASS), finding("r.six_b", a, ERROR)])
    assert result.controls[0].healthy == 1


def test_controls_without_assessed_resources_drop_out_of_both_sums() -> None:
    result = score(control_findings("r.ten", 1, 1))
    assert [c.control_id for c in result.controls] == ["ten"]
    assert (result.current, result.maximum, result.percentage) == (5.0, 10, 50.0)


def test_zero_point_control_adds_nothing_and_never_divides_by_zero() -> None:
    only_zero = score(control_findings("r.zero", 2, 3))
    assert (only_zero.maximum, only_zero.current, only_zero.percentage) == (0, 0.0, 0.0)
    (zero,) = only_zero.controls
    assert (zero.healthy, zero.unhealthy, zero.potential_increase) == (2, 3, 0.0)
    assert zero.potential_increase_percent == 0.0
    assert only_zero.accounts == {"111111111111": 0.0}
    mixed = score(control_findings("r.zero", 0, 5) + control_findings("r.ten", 3, 1))
    assert (mixed.maximum, mixed.percentage) == (10, 75.0)


def test_nothing_assessed() -> None:
    result = score([])
    assert result == SecureScore(0.0, 0.0, 0, (), {})


def test_rules_may_be_given_as_an_iterable() -> None:
    findings = control_findings("r.twenty", 1, 3)
    assert secure_score(findings, RULES.values(), controls=ALL) == score(findings)


def test_default_controls_are_the_catalog() -> None:
    rules = {"r.mfa": rule("r.mfa", "enable_mfa"),
             "r.bp": rule("r.bp", "implement_security_best_practices")}
    result = secure_score([finding("r.mfa", ref("a"), PASS), finding("r.mfa", ref("b"), FAIL),
                           finding("r.bp", ref("a"), FAIL)], rules)
    assert [c.control_id for c in result.controls] == ["enable_mfa",
                                                        "implement_security_best_practices"]
    assert result.controls[0].name == next(c.name for c in CONTROLS if c.id == "enable_mfa")
    assert (result.maximum, result.percentage) == (10, 50.0)


# --- several accounts --------------------------------------------------------------------------

def test_accounts_are_weighted_by_resource_count_not_averaged() -> None:
    findings = (control_findings("r.ten", 0, 1, account="A")
                + control_findings("r.ten", 99, 0, account="B"))
    result = score(findings)
    assert result.percentage == 99.0  # not 50.0
    assert result.accounts == {"A": 0.0, "B": 100.0}
    (control,) = result.controls
    assert control.current == pytest.approx(9.9)


def test_pooled_control_equals_resource_weighted_mean_of_account_scores() -> None:
    per_account = {"A": (3, 1), "B": (1, 4), "C": (0, 2)}
    findings = []
    for account, (healthy, unhealthy) in per_account.items():
        findings += control_findings("r.twenty", healthy, unhealthy, account=account)
    findings += control_findings("r.ten", 1, 0, account="A")
    result = score(findings)
    twenty = next(c for c in result.controls if c.control_id == "twenty")
    weighted = sum(20 * h / (h + u) * (h + u) for h, u in per_account.values()) / 11
    assert twenty.current == pytest.approx(weighted) == pytest.approx(20 * 4 / 11)
    # per account: A has both controls, B and C only twenty
    assert result.accounts == {"A": round(100 * (15 + 10) / 30, 2), "B": 20.0, "C": 0.0}


# --- properties ---------------------------------------------------------------------------------

_RULE_IDS = sorted(RULES)
_STATUSES = [PASS, FAIL, NA, EXEMPT, ERROR]

findings_strategy = st.lists(
    st.builds(
        lambda r, n, a, s: finding(r, ref(f"res-{n}", f"acct-{a}"), s),
        st.sampled_from([*_RULE_IDS, "collector.aws"]),
        st.integers(0, 12),
        st.integers(0, 2),
        st.sampled_from(_STATUSES),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(findings_strategy)
def test_score_is_a_percentage(findings: list[Finding]) -> None:
    result = score(findings)
    assert 0.0 <= result.percentage <= 100.0
    assert all(0.0 <= p <= 100.0 for p in result.accounts.values())
    assert 0.0 <= result.current <= result.maximum + 1e-9


@settings(max_examples=200, deadline=None)
@given(findings_strategy, st.randoms(use_true_random=False))
def test_score_does_not_depend_on_the_order_of_findings(
    findings: list[Finding], rnd: random.Random
) -> None:
    shuffled = list(findings)
    rnd.shuffle(shuffled)
    assert score(shuffled) == score(findings)


@settings(max_examples=200, deadline=None)
@given(findings_strategy, st.data())
def test_score_never_drops_when_an_unhealthy_resource_becomes_healthy(
    findings: list[Finding], data: st.DataObject
) -> None:
    failing = sorted({(f.asset, RULES[f.rule_id].security_control) for f in findings
                      if f.status is FAIL and f.rule_id in RULES
                      and not RULES[f.rule_id].preview})
    if not failing:
        return
    asset, control = data.draw(st.sampled_from(failing))
    healed = [f._replace(status=PASS)
              if f.asset == asset and f.status is FAIL and f.rule_id in RULES
              and RULES[f.rule_id].security_control == control else f
              for f in findings]
    before, after = score(findings), score(healed)
    assert after.percentage >= before.percentage
    assert after.current >= before.current
    for account, pct in before.accounts.items():
        assert after.accounts[account] >= pct
