"""Recommendations: which exist, their potential increase, risk, quick fixes and order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from posture_builders import EXEMPT, FAIL, NA, PASS, finding, ref, rule

from cloudwarden.core.controls import SecurityControl
from cloudwarden.core.model import Asset, Finding, Severity
from cloudwarden.posture import Recommendation, secure_score
from cloudwarden.posture.recommendations import recommendations

NET = SecurityControl("net", "Restrict network", 4)
ENC = SecurityControl("enc", "Encrypt", 6)
CONTROLS = (NET, ENC)

RULES = {
    r.id: r
    for r in (
        rule("net.ssh_from_world", "net", severity=Severity.HIGH,
             cli="aws ec2 revoke --group-id {GroupId} --region {region}",
             terraform='resource "aws_security_group" "{name}" {\n  vpc_id = "${var.vpc}"\n}'),
        rule("net.flow_logs", "net", severity=Severity.LOW),
        rule("enc.at_rest", "enc", severity=Severity.MEDIUM,
             cli="aws s3api put-bucket-encryption --bucket {name} --account {account}"),
        rule("enc.bucket_public_read", "enc", severity=Severity.HIGH),
        rule("iam.full_admin", "net", severity=Severity.LOW),
        rule("enc.preview", "enc", preview=True),
    )
}


def recs(findings: list[Finding], **kwargs: object) -> list[Recommendation]:
    return recommendations(findings, RULES, controls=CONTROLS, **kwargs)  # type: ignore[arg-type]


def by_rule(items: list[Recommendation]) -> dict[str, Recommendation]:
    return {r.rule_id: r for r in items}


def test_one_recommendation_per_non_preview_rule_with_a_failure() -> None:
    a, b = ref("a"), ref("b")
    result = recs([
        finding("net.ssh_from_world", a, FAIL), finding("net.ssh_from_world", b, FAIL),
        finding("net.ssh_from_world", a, FAIL),            # a duplicate result
        finding("net.flow_logs", a, PASS),                 # passes only: nothing to recommend
        finding("enc.at_rest", a, NA), finding("enc.at_rest", b, EXEMPT),
        finding("enc.preview", a, FAIL),                   # preview
        finding("collector.aws.ec2", a, FAIL),             # unknown rule
    ])
    assert [r.rule_id for r in result] == ["net.ssh_from_world"]
    (rec,) = result
    assert rec.affected == (a, b)
    assert rec.title == "Title of net.ssh_from_world"
    assert (rec.severity, rec.control_id, rec.control_name) == (Severity.HIGH, "net",
                                                                "Restrict network")
    assert rec.remediation_text == "Fix net.ssh_from_world"
    assert rec.healthy_count == 0


def test_healthy_count_is_distinct_passing_resources() -> None:
    result = recs([finding("enc.at_rest", ref("a"), PASS), finding("enc.at_rest", ref("a"), PASS),
                   finding("enc.at_rest", ref("b"), PASS), finding("enc.at_rest", ref("c"), FAIL)])
    assert result[0].healthy_count == 2


def test_fixing_one_of_two_failing_rules_of_a_control_gains_nothing() -> None:
    a, b, c = ref("a"), ref("b"), ref("c")
    findings = [
        # a fails both rules of `net`; b fails only ssh; c is healthy
        finding("net.ssh_from_world", a, FAIL), finding("net.flow_logs", a, FAIL),
        finding("net.ssh_from_world", b, FAIL), finding("net.flow_logs", b, PASS),
        finding("net.ssh_from_world", c, PASS), finding("net.flow_logs", c, PASS),
    ]
    result = by_rule(recs(findings))
    assert result["net.flow_logs"].potential_increase == 0.0  # a still fails ssh
    assert result["net.ssh_from_world"].potential_increase == pytest.approx(4 / 3)  # b only
    assert result["net.ssh_from_world"].potential_increase_percent == pytest.approx(
        100 * (4 / 3) / 4)
    assert result["net.ssh_from_world"].affected == (a, b)


def test_potential_increase_is_the_exact_rescore_gain() -> None:
    findings = [
        finding("enc.at_rest", ref("a", "A"), FAIL), finding("enc.at_rest", ref("b", "B"), FAIL),
        finding("enc.bucket_public_read", ref("b", "B"), FAIL),
        finding("enc.at_rest", ref("c", "B"), PASS), finding("net.flow_logs", ref("c", "B"), FAIL),
    ]
    base = secure_score(findings, RULES, controls=CONTROLS)
    for rec in recs(findings):
        healed = [f._replace(status=PASS)
                  if f.rule_id == rec.rule_id and f.status is FAIL else f
                  for f in findings]
        after = secure_score(healed, RULES, controls=CONTROLS)
        assert rec.potential_increase == pytest.approx(after.current - base.current)


def test_percent_is_of_the_score_maximum_and_a_given_score_is_reused() -> None:
    findings = [finding("enc.at_rest", ref("a"), FAIL), finding("enc.at_rest", ref("b"), PASS),
                finding("net.flow_logs", ref("c"), PASS)]
    (own,) = recs(findings)
    assert own.potential_increase == pytest.approx(3.0)
    assert own.potential_increase_percent == pytest.approx(30.0)  # of 6 + 4 points
    score = secure_score(findings, RULES, controls=CONTROLS)
    assert recs(findings, score=score) == [own]


def test_ties_in_points_and_risk_go_to_more_affected_resources_then_rule_id() -> None:
    rules = {rid: rule(rid, "outside_the_catalog") for rid in ("x.b", "x.a", "x.c")}
    findings = [finding("x.a", ref("1"), FAIL),
                finding("x.c", ref("1"), FAIL), finding("x.c", ref("2"), FAIL),
                finding("x.b", ref("1"), FAIL), finding("x.b", ref("2"), FAIL)]
    result = recommendations(findings, rules, controls=CONTROLS)
    assert [r.rule_id for r in result] == ["x.b", "x.c", "x.a"]


def test_quick_fixes_carry_each_resource_identifiers() -> None:
    sg = ref("sg-0abc", asset_type="aws.ec2.security_group")
    bare = ref("sg-0def", asset_type="aws.ec2.security_group")
    assets = {sg.key: Asset(sg, "web", {"GroupId": "sg-0abc", "VpcId": "vpc-1"})}
    (rec,) = recs([finding("net.ssh_from_world", sg, FAIL),
                   finding("net.ssh_from_world", bare, FAIL)], assets=assets)
    first, second = rec.quick_fixes
    assert first.asset_key == sg.key
    assert first.cli == "aws ec2 revoke --group-id sg-0abc --region us-east-1"
    assert first.terraform == 'resource "aws_security_group" "web" {\n  vpc_id = "${var.vpc}"\n}'
    # without the asset, its own properties are unknown: the placeholder stays for a person
    assert second.cli == "aws ec2 revoke --group-id {GroupId} --region us-east-1"
    assert second.terraform.startswith('resource "aws_security_group" "sg-0def" {')


def test_no_quick_fixes_without_templates() -> None:
    (rec,) = recs([finding("net.flow_logs", ref("a"), FAIL)])
    assert rec.quick_fixes == ()


def test_risk_starts_at_severity_and_rises_with_context() -> None:
    plain, exposed, secret = ref("plain"), ref("exposed"), ref("secret")
    assets = {
        secret.key: Asset(secret, "s", {}, tags={"data-classification": "Confidential"}),
        plain.key: Asset(plain, "p", {}, tags={"data-classification": "public"}),
    }
    base = [finding("enc.at_rest", plain, FAIL)]
    assert by_rule(recs(base, assets=assets))["enc.at_rest"].risk_level == Severity.MEDIUM
    assert by_rule(recs(base, assets=assets))["enc.at_rest"].risk_factors == ()

    exposed_findings = [finding("enc.at_rest", exposed, FAIL),
                        finding("net.ssh_from_world", exposed, FAIL)]
    rec = by_rule(recs(exposed_findings))["enc.at_rest"]
    assert (rec.risk_level, rec.risk_factors) == (Severity.HIGH, ("internet_exposure",))
    # a rule's own failure is its severity, not context
    own = by_rule(recs(exposed_findings))["net.ssh_from_world"]
    assert (own.risk_level, own.risk_factors) == (Severity.HIGH, ())

    everything = [finding("enc.at_rest", secret, FAIL),
                  finding("enc.bucket_public_read", secret, FAIL),
                  finding("iam.full_admin", secret, FAIL)]
    rec = by_rule(recs(everything, assets=assets))["enc.at_rest"]
    assert rec.risk_level == Severity.CRITICAL  # medium + 3, capped
    assert rec.risk_factors == ("internet_exposure", "admin_permissions", "sensitive_data")


def test_risk_raise_is_that_of_the_riskiest_resource() -> None:
    a, b = ref("a"), ref("b")
    findings = [finding("net.flow_logs", a, FAIL), finding("net.flow_logs", b, FAIL),
                finding("net.ssh_from_world", a, FAIL), finding("iam.full_admin", b, FAIL)]
    rec = by_rule(recs(findings))["net.flow_logs"]
    assert rec.risk_factors == ("internet_exposure", "admin_permissions")
    assert rec.risk_level == Severity.MEDIUM  # low + 1: no single resource has both


def test_order_potential_then_risk_then_affected_then_id() -> None:
    findings = [
        # enc: 6 points over 4 resources; at_rest fixes 2 (3.0), public_read fixes 1 (1.5)
        finding("enc.at_rest", ref("e1"), FAIL), finding("enc.at_rest", ref("e2"), FAIL),
        finding("enc.bucket_public_read", ref("e3"), FAIL), finding("enc.at_rest", ref("e4"), PASS),
        # net: every resource fails two rules, so no net rule gains anything alone
        finding("net.ssh_from_world", ref("n1"), FAIL), finding("net.flow_logs", ref("n1"), FAIL),
        finding("iam.full_admin", ref("n2"), FAIL), finding("net.flow_logs", ref("n2"), FAIL),
        finding("iam.full_admin", ref("n3"), FAIL), finding("net.ssh_from_world", ref("n3"), FAIL),
    ]
    result = recs(findings)
    assert [r.rule_id for r in result] == [
        "enc.at_rest",             # 3.0 points
        "enc.bucket_public_read",  # 1.5 points
        "net.ssh_from_world",      # 0 points, high + admin context on n3 -> critical
        "iam.full_admin",          # 0, low + exposure on n3 -> medium, 2 affected
        "net.flow_logs",           # the same (exposure n1, admin n2), so by rule id
    ]
    assert [r.risk_level for r in result[2:]] == [Severity.CRITICAL, Severity.MEDIUM,
                                                  Severity.MEDIUM]


def test_accepts_a_one_shot_iterator() -> None:
    findings = [finding("enc.at_rest", ref("a"), FAIL), finding("enc.at_rest", ref("b"), PASS)]
    (rec,) = recommendations(iter(findings), RULES.values(), controls=CONTROLS)
    assert (rec.healthy_count, rec.potential_increase) == (1, pytest.approx(3.0))


def test_rule_with_a_control_outside_the_catalog_gains_nothing() -> None:
    rules = {"x.rule": rule("x.rule", "no_such_control")}
    (rec,) = recommendations([finding("x.rule", ref("a"), FAIL)], rules, controls=CONTROLS)
    assert (rec.control_name, rec.potential_increase, rec.potential_increase_percent) == (
        "no_such_control", 0.0, 0.0)


_RULE_IDS = sorted(RULES)

findings_strategy = st.lists(
    st.builds(
        lambda r, n, a, s: finding(r, ref(f"res-{n}", f"acct-{a}"), s),
        st.sampled_from(_RULE_IDS),
        st.integers(0, 8),
        st.integers(0, 2),
        st.sampled_from([PASS, FAIL, NA]),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(findings_strategy)
def test_potential_increase_matches_rescoring(findings: list[Finding]) -> None:
    base = secure_score(findings, RULES, controls=CONTROLS)
    result = recs(findings)
    assert {r.rule_id for r in result} == {f.rule_id for f in findings
                                           if f.status is FAIL and not RULES[f.rule_id].preview}
    for rec in result:
        healed = [f._replace(status=PASS)
                  if f.rule_id == rec.rule_id and f.status is FAIL else f
                  for f in findings]
        after = secure_score(healed, RULES, controls=CONTROLS)
        assert rec.potential_increase == pytest.approx(after.current - base.current, abs=1e-9)
    assert recs(list(reversed(findings))) == result


def test_quick_fixes_equal_the_quickfix_filler_for_every_catalog_rule() -> None:
    from cloudwarden.outputs.quickfix import fill_remediation
    from cloudwarden.service.scan import load_catalog

    catalog = {spec.meta.id: spec.meta for spec in load_catalog()}
    findings, assets = [], {}
    for meta in catalog.values():
        asset_ref = ref(f"{meta.id}-thing", asset_type=meta.asset_type)
        props = {"GroupId": "sg-1", "InstanceId": "i-1", "Name": "n", "VolumeId": "vol-1",
                 "ImageId": "ami-1", "KeyId": "k-1", "UserName": "alice"}
        assets[asset_ref.key] = Asset(asset_ref, "thing", props)
        findings.append(finding(meta.id, asset_ref, FAIL))
    checked = 0
    for rec in recommendations(findings, catalog, assets):
        meta = catalog[rec.rule_id]
        for fix in rec.quick_fixes:
            asset = assets[fix.asset_key]
            expected = fill_remediation(meta.remediation, asset.ref, asset)
            assert (fix.cli, fix.terraform) == (expected.cli, expected.terraform)
            checked += 1
    assert checked > 50
