"""Reading `terraform show -json` plans into the same model as the HCL evaluator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloudwarden.iac import IacInputError
from cloudwarden.iac.terraform import Unknown, load_plan

PLAN = Path(__file__).parent / "data" / "plan" / "basic.plan.json"


def test_resources_of_root_and_child_modules() -> None:
    module, errors = load_plan(PLAN)
    assert errors == []
    assert module.root == str(PLAN)
    assert [r.address for r in module.resources] == [
        "aws_s3_bucket.logs", "aws_s3_bucket_public_access_block.logs",
        "aws_security_group.web[0]", "data.aws_caller_identity.me",
        'module.archive["eu"].aws_s3_bucket.this', "data.aws_iam_policy_document.deny_http"]
    child = module.resources[4]
    assert (child.module, child.type, child.name, child.mode) == (
        'module.archive["eu"]', "aws_s3_bucket", "this", "managed")
    assert module.resources[3].mode == "data"
    assert all((r.file, r.start_line) == (str(PLAN), 0) for r in module.resources)


def test_known_values_and_after_unknown() -> None:
    module, _ = load_plan(PLAN)
    bucket, pab, sg = module.resources[:3]
    assert bucket.values["bucket"] == "acme-logs"
    assert bucket.values["tags"] == {"Team": "sec"}
    assert isinstance(bucket.values["arn"], Unknown)
    assert isinstance(bucket.values["versioning"], Unknown)
    joined = pab.values["bucket"]
    assert isinstance(joined, Unknown) and joined.refs == ("aws_s3_bucket.logs",)
    assert pab.values["block_public_acls"] is True
    assert sg.values["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]
    assert isinstance(sg.values["vpc_id"], Unknown)


def test_configuration_references_and_providers() -> None:
    module, _ = load_plan(PLAN)
    bucket, pab, sg, _, child, _ = module.resources
    assert pab.references == {"bucket": ("aws_s3_bucket.logs",)}
    assert sg.references == {}, "count.index and var references are not resources"
    assert child.references == {"tags": ('module.archive["eu"].data.aws_caller_identity.me',)}
    assert (bucket.provider, bucket.region) == ("aws", "eu-west-1")
    assert (sg.provider, sg.region) == ("aws.us", "us-east-1")
    assert (child.provider, child.region) == ("aws", "eu-west-1")


def test_data_sources_read_while_planning_come_from_the_prior_state() -> None:
    module, _ = load_plan(PLAN)
    policy = module.resources[-1]
    assert (policy.mode, policy.type) == ("data", "aws_iam_policy_document")
    assert json.loads(policy.values["json"])["Statement"][0]["Effect"] == "Deny"
    assert [r.address for r in module.resources].count("data.aws_caller_identity.me") == 1


def test_partially_unknown_nested_values(tmp_path: Path) -> None:
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [{
        "address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a",
        "values": {"ebs_block_device": [{"encrypted": True}], "tags": {"a": "1"}}}]}},
        "resource_changes": [{"address": "aws_instance.a", "change": {"after_unknown": {
            "ebs_block_device": [{"encrypted": False, "volume_id": True}, True],
            "tags": {}}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    module, errors = load_plan(path)
    assert errors == []
    devices = module.resources[0].values["ebs_block_device"]
    assert devices[0]["encrypted"] is True
    assert isinstance(devices[0]["volume_id"], Unknown)
    assert isinstance(devices[1], Unknown)
    assert module.resources[0].values["tags"] == {"a": "1"}


@pytest.mark.parametrize("text", ["[]", '{"format_version": "1.0", "values": {}}', "{not json"])
def test_a_file_that_is_not_a_plan_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(IacInputError):
        load_plan(path)
