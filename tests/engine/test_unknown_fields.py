"""Unknown is never judged: a rule reading a field whose collection failed yields an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import UNRESOLVED, Asset, AssetRef, Evidence, Finding, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

HEADER = """\
id: {id}
title: A test rule about buckets
severity: high
asset_type: aws.s3.bucket
description: Something a bucket should have.
risk: Something bad happens otherwise.
remediation:
  text: Do the right thing to the bucket.
  cli: aws s3api do-it --bucket {{Name}}
security_control: implement_security_best_practices
references: [https://example.invalid/doc]
"""

RULES = {
    # a match on a nested path of the unknown field
    "aws.s3.policy_rule": "match: {path: Policy.Statement, exists: true}\n",
    "aws.s3.grants_rule": "match: {path: Acl.Grants, any: {path: Permission, eq: READ}}\n",
    "aws.s3.versioning_rule": "match: {path: Versioning.Status, eq: Enabled}\n",
    # applies_if on a known field that says "not applicable" wins over an unknown match field
    "aws.s3.scoped_rule": ("applies_if: {path: Name, eq: only-this}\n"
                           "match: {path: Policy.Statement, exists: true}\n"),
    "aws.s3.check_rule": "reads: [Policy]\n",
    "aws.s3.check_without_reads": "",
}

CHECK = """\
from cloudwarden.core.checks import CheckResult


def check(asset, ctx):
    if asset.properties.get("Policy") is None:
        return CheckResult.failed("no policy")
    return CheckResult.passed()
"""

REASON = "GetBucketPolicy: AccessDenied"


def bucket(name: str, policy: Any, unknown: dict[str, str] | None = None) -> Asset:
    ref = AssetRef("aws", "123456789012", "us-east-1", "aws.s3.bucket", f"arn:aws:s3:::{name}")
    props = {"Name": name, "Policy": policy, "Versioning": {"Status": "Enabled"},
             "Acl": {"Grants": [{"Permission": "READ"}]}}
    return Asset(ref, name, props, unknown=unknown or {})


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> list[RuleSpec]:
    root: Path = tmp_path_factory.mktemp("rules")
    folder = root / "aws" / "s3"
    folder.mkdir(parents=True)
    for rule_id, body in RULES.items():
        (folder / f"{rule_id}.yaml").write_text(HEADER.format(id=rule_id) + body)
        if "check" in rule_id:
            (folder / f"{rule_id}.py").write_text(CHECK)
    loaded, _ = load_rules([root], known_types=["aws.s3.bucket"])
    return loaded


def assess(specs: list[RuleSpec], *assets: Asset, evidence: bool = True
           ) -> dict[tuple[str, str], Finding]:
    engine = Engine(specs, evidence=evidence)
    findings = engine.assess(Inventory(list(assets)))
    return {(f.rule_id, f.asset.id.rsplit(":", 1)[-1]): f for f in findings}


def test_a_rule_reading_an_unknown_field_is_an_error_with_the_reason(
        specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("denied", None, {"Policy": REASON}))
    finding = found[("aws.s3.policy_rule", "denied")]
    assert finding.status is Status.ERROR
    assert finding.message == f"could not assess: Policy was not collected ({REASON})"
    assert finding.evidence == (Evidence("Policy", None, "collected"),)


def test_the_same_rule_is_judged_on_a_fully_collected_asset(specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("denied", None, {"Policy": REASON}), bucket("open", None))
    assert found[("aws.s3.policy_rule", "open")].status is Status.FAIL
    assert found[("aws.s3.check_rule", "open")].status is Status.FAIL


def test_rules_reading_other_fields_are_judged(specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("denied", None, {"Policy": REASON}))
    assert found[("aws.s3.versioning_rule", "denied")].status is Status.PASS
    assert found[("aws.s3.grants_rule", "denied")].status is Status.PASS
    # a quantifier's inner paths (Acl.Grants[].Permission) also read Acl
    acl = assess(specs, bucket("acl", {"Statement": []}, {"Acl": "GetBucketAcl: AccessDenied"}))
    assert acl[("aws.s3.grants_rule", "acl")].status is Status.ERROR
    assert acl[("aws.s3.policy_rule", "acl")].status is Status.PASS


def test_a_python_check_declaring_reads_is_an_error(specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("denied", None, {"Policy": REASON}))
    finding = found[("aws.s3.check_rule", "denied")]
    assert finding.status is Status.ERROR
    assert REASON in finding.message
    # without `reads` the engine cannot know what the check reads: it judges
    assert found[("aws.s3.check_without_reads", "denied")].status is Status.FAIL


def test_applies_if_on_known_fields_still_says_not_applicable(specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("denied", None, {"Policy": REASON}),
                   bucket("only-this", None, {"Policy": REASON}))
    assert found[("aws.s3.scoped_rule", "denied")].status is Status.NOT_APPLICABLE
    assert found[("aws.s3.scoped_rule", "only-this")].status is Status.ERROR


def test_without_evidence_it_is_still_an_error(specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("denied", None, {"Policy": REASON}), evidence=False)
    for rule_id in ("aws.s3.policy_rule", "aws.s3.check_rule"):
        finding = found[(rule_id, "denied")]
        assert finding.status is Status.ERROR
        assert finding.message == f"could not assess: Policy was not collected ({REASON})"
        assert finding.evidence == ()


def test_assess_asset_applies_the_same_test(specs: list[RuleSpec]) -> None:
    asset = bucket("denied", None, {"Policy": REASON})
    findings = Engine(specs).assess_asset(asset, Inventory([asset]))
    statuses = {f.rule_id: f.status for f in findings}
    assert statuses["aws.s3.policy_rule"] is Status.ERROR
    assert statuses["aws.s3.versioning_rule"] is Status.PASS


def test_reads_is_only_for_python_checks(tmp_path: Path) -> None:
    folder = tmp_path / "aws" / "s3"
    folder.mkdir(parents=True)
    (folder / "aws.s3.bad_reads.yaml").write_text(
        HEADER.format(id="aws.s3.bad_reads") + "reads: [Policy]\nmatch: {path: Name, eq: x}\n")
    (folder / "aws.s3.dotted_reads.yaml").write_text(
        HEADER.format(id="aws.s3.dotted_reads") + "reads: [Policy.Statement]\n")
    (folder / "aws.s3.dotted_reads.py").write_text(CHECK)
    _, problems = load_rules([tmp_path], known_types=["aws.s3.bucket"], collect_errors=True)
    reasons = {Path(p).name: r for p, r in problems}
    assert "`reads` is for a Python check" in reasons["aws.s3.bad_reads.yaml"]
    assert "not top-level field names" in reasons["aws.s3.dotted_reads.yaml"]


UNRESOLVED_REASON = UNRESOLVED + "var.policy has no value"


def test_a_value_the_source_leaves_open_is_not_applicable_with_the_reason(
        specs: list[RuleSpec]) -> None:
    found = assess(specs, bucket("code", None, {"Policy": UNRESOLVED_REASON}))
    for rule_id in ("aws.s3.policy_rule", "aws.s3.check_rule"):
        finding = found[(rule_id, "code")]
        assert finding.status is Status.NOT_APPLICABLE
        assert finding.message == ("not assessed: Policy is not known from the source "
                                   "(var.policy has no value)")
    assert found[("aws.s3.versioning_rule", "code")].status is Status.PASS


def test_a_failed_collection_among_open_values_is_still_an_error(
        specs: list[RuleSpec]) -> None:
    asset = bucket("mixed", None, {"Policy": UNRESOLVED_REASON, "Acl": REASON})
    found = assess(specs, asset)
    assert found[("aws.s3.grants_rule", "mixed")].status is Status.ERROR
    assert found[("aws.s3.policy_rule", "mixed")].status is Status.NOT_APPLICABLE
