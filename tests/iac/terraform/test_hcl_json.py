"""Terraform's JSON syntax (`.tf.json`) read into the same model as native syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwarden.iac import IacInputError
from cloudwarden.iac.terraform import TfResource, Unknown, load_tree
from cloudwarden.iac.terraform.jsonsyntax import parse_tf_json


def load(root: Path, text: str) -> dict[str, TfResource]:
    (root / "main.tf.json").write_text(text)
    [(module, errors)] = load_tree([root])
    assert errors == []
    return {r.address: r for r in module.resources}


def test_blocks_arguments_and_templates(tmp_path: Path) -> None:
    found = load(tmp_path, '''{
  "//": "a comment",
  "variable": {"env": {"default": "prod"}},
  "locals": {"name": "app-${var.env}"},
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
  "resource": {
    "aws_security_group": {
      "sg": {
        "provider": "aws.us",
        "name": "${local.name}",
        "ingress": [
          {"from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]},
          {"from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}
        ],
        "tags": {"Name": "${local.name}"},
        "depends_on": ["aws_s3_bucket.b"]
      }
    },
    "aws_s3_bucket": {"b": {"bucket": "x", "versioning": {"enabled": true}}}
  },
  "data": {"aws_caller_identity": {"me": {}}},
  "output": {"id": {"value": "${aws_s3_bucket.b.id}"}}
}''')
    sg = found["aws_security_group.sg"]
    assert sg.values == {
        "name": "app-prod",
        "ingress": [{"from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]},
                    {"from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}],
        "tags": {"Name": "app-prod"},
    }
    assert (sg.provider, sg.region) == ("aws.us", "us-east-1")
    assert found["aws_s3_bucket.b"].values["versioning"] == [{"enabled": True}]
    assert found["data.aws_caller_identity.me"].mode == "data"


def test_json_references_resolve_like_native_ones(tmp_path: Path) -> None:
    found = load(tmp_path, '''{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "logs"}},
  "aws_s3_bucket_public_access_block": {"p": {"bucket": "${aws_s3_bucket.b.id}"}}
}}''')
    pab = found["aws_s3_bucket_public_access_block.p"]
    assert isinstance(pab.values["bucket"], Unknown)
    assert pab.references == {"bucket": ("aws_s3_bucket.b",)}


@pytest.mark.parametrize(("text", "line"), [
    ('{\n  "resource": {\n    "a": 1,\n  }\n}', 4),
    ("[1, 2]", 0),
    ('{"resource": {"aws_s3_bucket": {"b": "not an object"}}}', 0),
])
def test_malformed_json_is_an_error(text: str, line: int) -> None:
    with pytest.raises(IacInputError) as err:
        parse_tf_json(text)
    assert err.value.line == line


def test_a_variables_json_file_and_an_unrelated_file_given(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "x" {}\nresource "x_thing" "t" { v = var.x }\n')
    (tmp_path / "terraform.tfvars.json").write_text('{"x": [1, 2]}')
    (tmp_path / "README.md").write_text("# not terraform\n")
    results = load_tree([tmp_path / "main.tf", tmp_path / "README.md"])
    assert len(results) == 1
    module, errors = results[0]
    assert errors == []
    assert module.resources[0].values["v"] == [1, 2]
    assert module.resources[0].file == f"{tmp_path}/main.tf"
