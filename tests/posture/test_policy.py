"""Policy files: validation reports every problem with its location; scopes resolve narrowest
first; the documented example is a valid policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.posture.policy import PolicyConfig, PolicyError

ROTATED = "aws.iam.user_access_keys_rotated"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


@pytest.fixture(scope="module")
def catalog() -> list[RuleSpec]:
    specs, _ = load_rules(known_types=default_registry().names())
    return specs


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


def _problems(exc: pytest.ExceptionInfo[PolicyError]) -> dict[str, str]:
    return dict(exc.value.problems)


def test_load_a_policy_file(tmp_path: Path, catalog: list[RuleSpec]) -> None:
    path = _write(tmp_path, f"""
rules:
  disabled: ["aws.s3.*"]
parameters:
  {ROTATED}: {{max_age_days: 60}}
frameworks:
  disabled: [iso-27001-2022]
scopes:
  - account: "111122223333"
    parameters:
      {ROTATED}: {{max_age_days: 45}}
  - account: "111122223333"
    region: eu-west-1
    rules: {{enabled: [aws.s3.bucket_versioning_enabled]}}
    parameters:
      {ROTATED}: {{max_age_days: 30}}
""")
    policy = PolicyConfig.load(path, rules=catalog)
    assert policy.parameters(ROTATED) == {"max_age_days": 60}
    assert policy.parameters(ROTATED, "111122223333") == {"max_age_days": 45}
    assert policy.parameters(ROTATED, "111122223333", "us-east-1") == {"max_age_days": 45}
    assert policy.parameters(ROTATED, "111122223333", "eu-west-1") == {"max_age_days": 30}
    assert policy.parameters(ROTATED, "999999999999", "eu-west-1") == {"max_age_days": 60}
    assert policy.overrides("aws.iam.root_mfa_enabled", "111122223333") == {}
    assert not policy.rule_enabled("aws.s3.bucket_versioning_enabled")
    assert not policy.rule_enabled("aws.s3.bucket_versioning_enabled", "111122223333", "us-east-1")
    assert policy.rule_enabled("aws.s3.bucket_versioning_enabled", "111122223333", "eu-west-1")
    assert not policy.rule_enabled("aws.s3.bucket_acls_disabled", "111122223333", "eu-west-1")
    assert policy.rule_enabled(ROTATED, "111122223333", "eu-west-1")
    assert not policy.framework_enabled("iso-27001-2022")
    assert policy.framework_enabled("cis-aws-foundations-3.0")
    assert policy.changes_assessment


def test_every_problem_is_reported_with_its_location(tmp_path: Path,
                                                    catalog: list[RuleSpec]) -> None:
    path = _write(tmp_path, f"""
rules:
  disabled: [aws.s3.no_such_rule, "aws.s4.*"]
  enabled: [{ROTATED}]
parameters:
  aws.nope.missing_rule: {{x: 1}}
frameworks: {{disabled: [no-such-framework]}}
scopes:
  - account: "111122223333"
    parameters:
      {ROTATED}: {{max_age: 45, max_age_days: "45"}}
governance:
  rules:
    - rules: [aws.iam.no_such_rule]
""")
    with pytest.raises(PolicyError) as exc:
        PolicyConfig.load(path, rules=catalog)
    where = f"{path}: "
    assert _problems(exc) == {
        where + "rules.disabled[0]": "unknown rule 'aws.s3.no_such_rule'",
        where + "rules.disabled[1]": "pattern 'aws.s4.*' matches no rule",
        where + "parameters.aws.nope.missing_rule": "unknown rule 'aws.nope.missing_rule'",
        where + "frameworks.disabled[0]": "unknown framework 'no-such-framework'",
        where + f"scopes[0] (account 111122223333).parameters.{ROTATED}.max_age":
            "unknown parameter 'max_age' (the rule's parameters: max_age_days)",
        where + f"scopes[0] (account 111122223333).parameters.{ROTATED}.max_age_days":
            "expected a number like the default 90, got a string",
        where + "governance.rules[0].rules[0]": "unknown rule 'aws.iam.no_such_rule'",
    }
    assert str(path) in str(exc.value)


def test_unknown_keys_and_bad_values_are_rejected(tmp_path: Path,
                                                 catalog: list[RuleSpec]) -> None:
    path = _write(tmp_path, """
colour: blue
rules: {disabled: [], only: []}
scopes:
  - account: 111122223333
  - {account: "1", region: eu-west-1, regions: [x]}
governance:
  rules: [{due_days: 10, severities: [urgent]}]
""")
    with pytest.raises(PolicyError) as exc:
        PolicyConfig.load(path, rules=catalog)
    problems = {k.removeprefix(f"{path}: "): v for k, v in _problems(exc).items()}
    assert set(problems) == {"colour", "rules.only", "scopes[0].account", "scopes[1].regions",
                             "governance.rules[0].severities", "governance.rules[0].due_days"}
    assert "quoted" in problems["scopes[0].account"]
    assert "urgent" in problems["governance.rules[0].severities"]


def test_duplicate_scopes_and_contradictions(catalog: list[RuleSpec]) -> None:
    with pytest.raises(PolicyError) as exc:
        PolicyConfig.from_dict({
            "rules": {"enabled": [ROTATED, "aws.iam.*"], "disabled": [ROTATED, "aws.iam.*"]},
            "scopes": [{"account": "1", "region": "r"}, {"account": "1", "region": "r"}],
        }, rules=catalog, source="inline")
    assert _problems(exc) == {
        "inline: rules": f"both enabled and disabled: {ROTATED}",
        "inline: scopes[1] (account 1, region r)": "the same scope as scopes[0]",
    }


def test_unreadable_and_malformed_files(tmp_path: Path, catalog: list[RuleSpec]) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        PolicyConfig.load(tmp_path / "missing.yaml", rules=catalog)
    with pytest.raises(PolicyError, match="YAML syntax error"):
        PolicyConfig.load(_write(tmp_path, "rules: [unclosed"), rules=catalog)
    with pytest.raises(PolicyError, match="not a mapping"):
        PolicyConfig.load(_write(tmp_path, "- a list\n"), rules=catalog)


def test_empty_file_is_the_empty_policy(tmp_path: Path, catalog: list[RuleSpec]) -> None:
    policy = PolicyConfig.load(_write(tmp_path, ""), rules=catalog)
    assert policy == PolicyConfig.empty()
    assert not policy.changes_assessment
    assert policy.rule_enabled(ROTATED, "1", "r")
    assert policy.parameters(ROTATED, "1", "r") == {"max_age_days": 90}  # the rule's default


def test_constructed_in_code_and_bound_to_a_catalog(catalog: list[RuleSpec]) -> None:
    policy = PolicyConfig.model_validate(
        {"scopes": [{"account": "1", "parameters": {ROTATED: {"max_age_days": 7}}}]})
    assert policy.parameters(ROTATED, "1") == {"max_age_days": 7}  # defaults not known yet
    assert policy.parameters(ROTATED, "2") == {}
    bound = policy.bind({s.id: s.meta for s in catalog}, frameworks=())
    assert bound.parameters(ROTATED, "2") == {"max_age_days": 90}
    assert bound == policy  # same configuration
    with pytest.raises(PolicyError):
        PolicyConfig.model_validate({"rules": {"disabled": ["x.y.z"]}}).bind(catalog)


def test_the_builtin_catalog_is_the_default(tmp_path: Path) -> None:
    policy = PolicyConfig.load(_write(tmp_path, f"parameters: {{{ROTATED}: {{max_age_days: 1}}}}"))
    assert policy.parameters(ROTATED) == {"max_age_days": 1}


def test_the_documented_example_is_valid(tmp_path: Path, catalog: list[RuleSpec]) -> None:
    text = DOCS.read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert example is not None
    policy = PolicyConfig.load(_write(tmp_path, example.group(1)), rules=catalog)
    assert policy.parameters(ROTATED, "111122223333", "eu-west-1") == {"max_age_days": 30}
    assert not policy.rule_enabled("aws.s3.bucket_acls_disabled", "444455556666", "us-east-1")
    assert policy.rule_enabled("aws.iam.root_mfa_enabled", "444455556666", "us-east-1")
    assert [r.due_days for r in policy.governance.rules] == [7, 14, 90]


def test_run_scan_and_assess_follow_the_policy(tmp_path: Path, catalog: list[RuleSpec]) -> None:
    from cloudwarden.core.model import Asset, AssetRef
    from cloudwarden.inventory.snapshot import Inventory
    from cloudwarden.service.scan import assess, run_scan

    inventory = Inventory()
    for account in ("111122223333", "444455556666"):
        arn = f"arn:aws:iam::{account}:user/ci"
        key = {"AccessKeyId": "AKIAEXAMPLE", "Status": "Active",
               "CreateDate": "2020-01-01T00:00:00Z"}
        doc = {"UserName": "ci", "Arn": arn, "AccessKeys": [key]}
        inventory.add(Asset(AssetRef("aws", account, "us-east-1", "aws.iam.user", arn), "ci", doc))
    snapshot = tmp_path / "snapshot.json"
    inventory.save(snapshot)
    policy = PolicyConfig.from_dict(
        {"scopes": [{"account": "444455556666", "rules": {"disabled": [ROTATED]}}]},
        rules=catalog, frameworks=())

    outcome = run_scan(from_snapshot=snapshot, store=False, policy=policy)
    assert outcome.policy == policy
    assert {f.asset.account for f in outcome.findings if f.rule_id == ROTATED} == {
        "111122223333"}
    plain = run_scan(from_snapshot=snapshot, store=False)
    assert plain.policy is None
    assert {f.asset.account for f in plain.findings if f.rule_id == ROTATED} == {
        "111122223333", "444455556666"}
    specs = [s for s in catalog if s.id == ROTATED]
    assert len(assess(inventory, specs, policy=policy)) == 1
    assert len(assess(inventory, specs)) == 2

    # checked against the scan's catalog before anything is read
    unknown = PolicyConfig.model_validate({"rules": {"disabled": ["aws.iam.not_a_rule"]}})
    with pytest.raises(PolicyError, match="not_a_rule"):
        run_scan(from_snapshot=tmp_path / "missing.json", store=False, policy=unknown)
