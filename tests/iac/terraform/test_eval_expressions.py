"""The HCL expression language evaluated over real configuration text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloudwarden.iac.terraform import TfResource, Unknown, load_tree


def resources(tmp_path: Path, text: str, **kwargs: Any) -> dict[str, TfResource]:
    (tmp_path / "main.tf").write_text(text)
    [(module, errors)] = load_tree([tmp_path], **kwargs)
    assert errors == []
    return {r.address: r for r in module.resources}


def value(tmp_path: Path, expr: str, prelude: str = "") -> Any:
    found = resources(tmp_path, f'{prelude}\nresource "x_thing" "t" {{\n  v = {expr}\n}}\n')
    return found["x_thing.t"].values["v"]


@pytest.mark.parametrize(("expr", "expected"), [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("7 / 2", 3.5),
    ("8 / 2", 4),
    ("7 % 3", 1),
    ("-(3)", -3),
    ('"5" + 1', 6),
    ("1 == 1.0", True),
    ('1 == "1"', False),
    ("[1, 2] == [1, 2]", True),
    ("2 >= 3 || !false", True),
    ("true && false", False),
    ('3 > 2 ? "big" : "small"', "big"),
    ("[for s in [\"a\", \"b\"] : upper(s)]", ["A", "B"]),
    ("[for i, s in [\"a\", \"b\"] : \"${i}${s}\" if s != \"a\"]", ["1b"]),
    ("{for k, v in {a = 1, b = 2} : v => k}", {"1": "a", "2": "b"}),
    ("{for s in [\"x\", \"y\", \"x\"] : s => s...}", {"x": ["x", "x"], "y": ["y"]}),
    ("[{id = 1}, {id = 2}][*].id", [1, 2]),
    ("[{id = 1}, {id = 2}].*.id", [1, 2]),
    ("[[1, 2], [3]][1][0]", 3),
    ("{a = {b = [5]}}.a.b[0]", 5),
    ('{a = 1}["a"]', 1),
    ("tolist([1, 2]).0", 1),
    ('{ "quoted key" = 1, bare = 2 }', {"quoted key": 1, "bare": 2}),
])
def test_expressions(tmp_path: Path, expr: str, expected: Any) -> None:
    assert value(tmp_path, expr) == expected


def test_variables_locals_and_lazy_order(tmp_path: Path) -> None:
    prelude = ('variable "env" { default = "prod" }\n'
               'locals {\n  name = "${local.prefix}-app"\n  prefix = "acme-${var.env}"\n}\n')
    assert value(tmp_path, "local.name", prelude) == "acme-prod-app"


def test_a_variable_without_value_is_unknown_and_propagates(tmp_path: Path) -> None:
    prelude = 'variable "kms" {}\n'
    got = value(tmp_path, '{ key = var.kms, alias = "alias/${var.kms}", n = 1 }', prelude)
    assert got["n"] == 1
    assert isinstance(got["key"], Unknown) and "var.kms has no value" in got["key"].reason
    assert isinstance(got["alias"], Unknown)


def test_operators_and_functions_over_unknowns_stay_unknown(tmp_path: Path) -> None:
    prelude = 'variable "n" {}\n'
    got = value(tmp_path, "[var.n + 1, upper(var.n), var.n ? 1 : 2, length([var.n]), "
                "false && var.n, true || var.n]", prelude)
    assert [isinstance(v, Unknown) for v in got] == [True, True, True, False, False, False]
    assert got[3:] == [1, False, True]


def test_references_to_resource_attributes(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
resource "aws_s3_bucket" "b" {
  bucket = "my-bucket"
  tags   = { team = "x" }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.bucket
  team   = aws_s3_bucket.b.tags.team
  arn    = aws_s3_bucket.b.arn
}
resource "aws_s3_bucket_public_access_block" "pab" {
  bucket = aws_s3_bucket.b.id
}
''')
    policy = found["aws_s3_bucket_policy.p"]
    assert policy.values["bucket"] == "my-bucket"
    assert policy.values["team"] == "x"
    arn = policy.values["arn"]
    assert isinstance(arn, Unknown) and arn.refs == ("aws_s3_bucket.b",)
    assert policy.references == {"bucket": ("aws_s3_bucket.b",), "team": ("aws_s3_bucket.b",),
                                 "arn": ("aws_s3_bucket.b",)}
    pab = found["aws_s3_bucket_public_access_block.pab"]
    assert pab.references == {"bucket": ("aws_s3_bucket.b",)}


def test_references_through_locals_and_nested_blocks(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
resource "aws_kms_key" "k" {}
locals { key = aws_kms_key.k.arn }
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = "b"
  rule {
    apply_server_side_encryption_by_default {
      kms_master_key_id = local.key
      sse_algorithm     = "aws:kms"
    }
  }
}
''')
    enc = found["aws_s3_bucket_server_side_encryption_configuration.e"]
    assert enc.references == {"rule": ("aws_kms_key.k",)}
    inner = enc.values["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert inner["sse_algorithm"] == "aws:kms"
    assert isinstance(inner["kms_master_key_id"], Unknown)


def test_data_sources_are_resources_with_computed_attributes(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
data "aws_caller_identity" "me" {}
resource "x_thing" "t" { account = data.aws_caller_identity.me.account_id }
''')
    assert found["data.aws_caller_identity.me"].mode == "data"
    account = found["x_thing.t"].values["account"]
    assert isinstance(account, Unknown) and account.refs == ("data.aws_caller_identity.me",)
    assert found["x_thing.t"].references == {"account": ("data.aws_caller_identity.me",)}


def test_path_and_workspace(tmp_path: Path) -> None:
    assert value(tmp_path, '"${path.module}|${path.root}|${terraform.workspace}"') == ".|.|default"


def test_a_bad_expression_is_unknown_with_its_reason(tmp_path: Path) -> None:
    got = value(tmp_path, "{a = 1}.b")
    assert isinstance(got, Unknown) and "no attribute or element 'b'" in got.reason


def test_provider_region_and_alias(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
variable "region" { default = "eu-central-1" }
provider "aws" { region = var.region }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
resource "aws_s3_bucket" "a" {}
resource "aws_s3_bucket" "b" { provider = aws.us }
''')
    assert (found["aws_s3_bucket.a"].provider, found["aws_s3_bucket.a"].region) == (
        "aws", "eu-central-1")
    assert (found["aws_s3_bucket.b"].provider, found["aws_s3_bucket.b"].region) == (
        "aws.us", "us-east-1")
    assert "provider" not in found["aws_s3_bucket.b"].values


def test_locals_cycle_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('locals {\n  a = local.b\n  b = local.a\n}\n'
                                      'resource "x_thing" "t" { v = local.a }\n')
    [(module, errors)] = load_tree([tmp_path])
    assert len(errors) == 1 and "cycle" in errors[0].message
    assert errors[0].line in (2, 3)
    assert isinstance(module.resources[0].values["v"], Unknown)


def test_long_local_chains_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    chain = "\n".join(f"  l{i} = local.l{i - 1} + 1" for i in range(1, 3000))
    prelude = f"locals {{\n  l0 = 0\n{chain}\n}}\n"
    assert value(tmp_path, "local.l2999", prelude) == 2999


def test_an_open_argument_read_through_a_resource_names_it(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
variable "name" {}
resource "aws_s3_bucket" "b" { bucket = var.name }
resource "aws_s3_bucket_policy" "p" { bucket = aws_s3_bucket.b.bucket }
''')
    bucket = found["aws_s3_bucket_policy.p"].values["bucket"]
    assert isinstance(bucket, Unknown) and "var.name has no value" in bucket.reason
    assert bucket.refs == ("aws_s3_bucket.b",)
