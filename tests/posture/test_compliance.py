"""Regulatory compliance: control states from findings, framework counts, hidden standards."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cloudwarden.core.model import AssetRef, Finding, Severity, Status
from cloudwarden.frameworks import Control, Framework, FrameworkLoadError
from cloudwarden.posture.compliance import (
    ControlState,
    FrameworkCompliance,
    compliance,
    load_compliance_frameworks,
)

A, B, C = "aws.test.rule_a", "aws.test.rule_b", "aws.test.rule_c"


def ref(name: str) -> AssetRef:
    return AssetRef("aws", "111122223333", "eu-west-1", "aws.s3.bucket", f"arn:aws:s3:::{name}")


def finding(rule: str, asset: str, status: Status) -> Finding:
    return Finding(rule, ref(asset), status, Severity.MEDIUM, "")


def framework(fid: str, *controls: Control) -> Framework:
    return Framework(fid, f"{fid} name", "1", "aws", "test framework", controls, "<test>")


def auto(cid: str, *rules: str) -> Control:
    return Control(cid, f"control {cid}", "Section", rules)


def manual(cid: str) -> Control:
    return Control(cid, f"control {cid}", "Process", (), manual=True)


def unsupported(cid: str) -> Control:
    return Control(cid, f"control {cid}", "Section", (), unsupported=True)


def state_of(findings: list[Finding], control: Control) -> ControlState:
    [result] = compliance(findings, [framework("f", control)], include_irrelevant=True)
    [state] = result.controls
    return state


# -- the vectors --------------------------------------------------------------------

def test_passed_and_skipped_rules_make_a_passed_control() -> None:
    findings = [finding(A, "x", Status.PASS), finding(B, "x", Status.NOT_APPLICABLE)]
    state = state_of(findings, auto("1", A, B))
    assert state.state == "passed"
    assert (state.passed_resources, state.failed_resources, state.failing_rules) == (1, 0, ())


def test_a_passed_and_a_failed_rule_make_a_failed_control() -> None:
    findings = [finding(A, "x", Status.PASS), finding(B, "y", Status.FAIL)]
    state = state_of(findings, auto("1", A, B))
    assert state.state == "failed"
    assert state.failing_rules == (B,)
    assert (state.passed_resources, state.failed_resources) == (1, 1)


def test_a_control_without_rules_is_unsupported() -> None:
    findings = [finding(A, "x", Status.FAIL)]
    assert state_of(findings, manual("1")).state == "unsupported"
    assert state_of(findings, unsupported("1")).state == "unsupported"
    assert state_of([], manual("1")).rules == ()


def test_a_control_whose_rules_are_all_skipped_is_skipped() -> None:
    findings = [finding(A, "x", Status.NOT_APPLICABLE), finding(B, "x", Status.EXEMPT),
                finding(C, "x", Status.ERROR)]
    assert state_of(findings, auto("1", A, B, C)).state == "skipped"
    # a rule with no findings at all is skipped too
    assert state_of([], auto("1", A)).state == "skipped"


# -- rule and resource semantics -------------------------------------------------------------

def test_a_rule_fails_when_any_of_its_resources_fails() -> None:
    findings = [finding(A, "x", Status.PASS), finding(A, "y", Status.FAIL),
                finding(A, "z", Status.PASS)]
    state = state_of(findings, auto("1", A))
    assert state.state == "failed"
    assert (state.passed_resources, state.failed_resources) == (2, 1)


def test_resources_are_counted_once_per_control() -> None:
    # x passes A and fails B: it counts as failed only; y passes both: passed once
    findings = [finding(A, "x", Status.PASS), finding(B, "x", Status.FAIL),
                finding(A, "y", Status.PASS), finding(B, "y", Status.PASS),
                finding(A, "y", Status.PASS), finding(C, "w", Status.FAIL),
                finding(C, "x", Status.FAIL)]
    state = state_of(findings, auto("1", A, B, C))
    assert state.state == "failed"
    assert state.failing_rules == (B, C)  # in the control's order
    assert (state.passed_resources, state.failed_resources) == (1, 2)


def test_exempt_and_error_results_do_not_count_as_resources() -> None:
    findings = [finding(A, "x", Status.PASS), finding(A, "y", Status.EXEMPT),
                finding(A, "z", Status.ERROR), finding(A, "w", Status.NOT_APPLICABLE)]
    state = state_of(findings, auto("1", A))
    assert (state.state, state.passed_resources, state.failed_resources) == ("passed", 1, 0)


def test_findings_of_unmapped_rules_are_ignored() -> None:
    findings = [finding("aws.test.other_rule", "x", Status.FAIL), finding(A, "x", Status.PASS)]
    assert state_of(findings, auto("1", A)).state == "passed"


# -- frameworks ------------------------------------------------------------------------------

def test_counts_per_framework() -> None:
    f = framework("f", auto("1", A), auto("2", B), auto("3", A, B), auto("4", C),
                  manual("5"), unsupported("6"))
    findings = [finding(A, "x", Status.PASS), finding(B, "x", Status.FAIL)]
    [result] = compliance(findings, [f])
    assert isinstance(result, FrameworkCompliance)
    assert (result.framework_id, result.name, result.version) == ("f", "f name", "1")
    assert [c.state for c in result.controls] == [
        "passed", "failed", "failed", "skipped", "unsupported", "unsupported"]
    assert [c.control_id for c in result.controls] == ["1", "2", "3", "4", "5", "6"]
    assert (result.passed, result.failed, result.skipped, result.unsupported) == (1, 2, 1, 2)
    assert result.relevant
    assert all(c.framework_id == "f" for c in result.controls)


def test_a_standard_without_relevant_resources_is_hidden_unless_asked_for() -> None:
    relevant = framework("relevant", auto("1", A))
    idle = framework("idle", auto("1", B), manual("2"), unsupported("3"))
    findings = [finding(A, "x", Status.FAIL), finding(B, "x", Status.NOT_APPLICABLE)]
    assert [r.framework_id for r in compliance(findings, [idle, relevant])] == ["relevant"]
    shown = compliance(findings, [idle, relevant], include_irrelevant=True)
    assert [(r.framework_id, r.relevant) for r in shown] == [("idle", False), ("relevant", True)]
    assert (shown[0].skipped, shown[0].unsupported) == (1, 2)


def test_a_standard_with_only_passing_controls_is_relevant() -> None:
    [result] = compliance([finding(A, "x", Status.PASS)], [framework("f", auto("1", A))])
    assert result.relevant and result.passed == 1 and result.failed == 0


def test_no_findings_hides_every_standard() -> None:
    assert compliance([], [framework("f", auto("1", A))]) == []


def test_the_result_does_not_depend_on_the_order_of_findings() -> None:
    f = framework("f", auto("1", A), auto("2", A, B), auto("3", B, C))
    statuses = list(Status)
    rng = random.Random(7)
    findings = [finding(rng.choice([A, B, C]), f"r{rng.randrange(20)}", rng.choice(statuses))
                for _ in range(300)]
    expected = compliance(findings, [f], include_irrelevant=True)
    for _ in range(5):
        rng.shuffle(findings)
        assert compliance(iter(findings), [f], include_irrelevant=True) == expected


def test_controls_sharing_rules_across_frameworks_agree() -> None:
    one = framework("one", auto("1.1", A, B))
    two = framework("two", auto("X-1", A, B), auto("X-2", B))
    findings = [finding(A, "x", Status.PASS), finding(B, "y", Status.FAIL)]
    results = {r.framework_id: r for r in compliance(findings, [one, two])}
    a, b = results["one"].controls[0], results["two"].controls[0]
    assert (a.state, a.passed_resources, a.failed_resources, a.failing_rules) == (
        b.state, b.passed_resources, b.failed_resources, b.failing_rules)
    assert (a.control_id, b.control_id) == ("1.1", "X-1")


def test_to_dict() -> None:
    [result] = compliance([finding(A, "x", Status.FAIL)], [framework("f", auto("1", A))])
    data = result.to_dict()
    assert data["framework_id"] == "f" and data["failed"] == 1 and data["relevant"] is True
    assert data["controls"] == [{
        "framework_id": "f", "control_id": "1", "title": "control 1", "section": "Section",
        "state": "failed", "rules": [A], "passed_resources": 0, "failed_resources": 1,
        "failing_rules": [A]}]


# -- built-in and user frameworks ------------------------------------------------------------

def test_built_in_frameworks_are_judged() -> None:
    frameworks = load_compliance_frameworks()
    assert {f.id for f in frameworks} >= {"cis-aws-foundations-3.0", "aws-fsbp", "pci-dss-4.0",
                                          "mcsb-v1", "nist-800-53-r5", "iso-27001-2022"}
    account = AssetRef("aws", "111122223333", "global", "aws.account", "111122223333")
    findings = [Finding("aws.iam.root_mfa_enabled", account, Status.FAIL, Severity.CRITICAL, "")]
    results = {r.framework_id: r for r in compliance(findings, frameworks)}
    # FSBP maps only the hardware-MFA rule for root: nothing of it was assessed
    assert "aws-fsbp" not in results
    cis = {c.control_id: c for c in results["cis-aws-foundations-3.0"].controls}
    assert cis["1.5"].state == "failed" and cis["1.5"].failed_resources == 1
    assert cis["1.4"].state == "skipped" and cis["1.1"].state == "unsupported"
    assert results["nist-800-53-r5"].failed >= 2  # IA-2 and IA-2(1)
    for result in results.values():
        assert result.passed + result.failed + result.skipped + result.unsupported == len(
            result.controls)


USER_FRAMEWORK = """\
id: acme-baseline
name: ACME internal baseline
version: "1"
provider: aws
description: What ACME asks of every account.
controls:
  - id: ACME-1
    section: Identity
    title: Root signs in with MFA
    rules: [aws.iam.root_mfa_enabled]
  - id: ACME-2
    section: Process
    title: Someone reviews access every quarter
    manual: true
"""


@pytest.mark.parametrize("as_text", [False, True])
def test_a_user_framework_file_is_judged_with_the_built_ins(tmp_path: Path,
                                                           as_text: bool) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(USER_FRAMEWORK)
    frameworks = load_compliance_frameworks([str(path) if as_text else tmp_path])
    assert "cis-aws-foundations-3.0" in {f.id for f in frameworks}
    account = AssetRef("aws", "111122223333", "global", "aws.account", "111122223333")
    findings = [Finding("aws.iam.root_mfa_enabled", account, Status.PASS, Severity.CRITICAL, "")]
    results = {r.framework_id: r for r in compliance(findings, frameworks)}
    acme = results["acme-baseline"]
    assert [(c.control_id, c.state) for c in acme.controls] == [
        ("ACME-1", "passed"), ("ACME-2", "unsupported")]
    assert (acme.passed, acme.unsupported) == (1, 1)


def test_a_user_framework_naming_an_unknown_rule_is_refused(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        USER_FRAMEWORK.replace("aws.iam.root_mfa_enabled", "aws.iam.no_such_rule"))
    with pytest.raises(FrameworkLoadError, match=r"aws\.iam\.no_such_rule"):
        load_compliance_frameworks([tmp_path], known_rules={"aws.iam.root_mfa_enabled"})
