"""Loading trees: root modules, local and remote modules, count/for_each, variable sources."""

from __future__ import annotations

from pathlib import Path

from cloudwarden.iac.terraform import TfResource, Unknown, load_tree


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def by_address(module_resources: list[TfResource]) -> dict[str, TfResource]:
    return {r.address: r for r in module_resources}


def test_count_and_for_each_addresses(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": '''
resource "aws_s3_bucket" "c" {
  count  = 2
  bucket = "b-${count.index}"
}
resource "aws_s3_bucket" "f" {
  for_each = { logs = "x", "data set" = "y" }
  bucket   = "${each.key}-${each.value}"
}
resource "aws_s3_bucket" "s" {
  for_each = toset(["b", "a"])
  bucket   = each.value
}
resource "aws_s3_bucket" "none" {
  count = 0
}
resource "x_ref" "r" {
  first = aws_s3_bucket.c[0].bucket
  all   = aws_s3_bucket.c[*].bucket
  logs  = aws_s3_bucket.f["logs"].bucket
  arn   = aws_s3_bucket.c[1].arn
}
'''})
    [(module, errors)] = load_tree([tmp_path])
    assert errors == []
    found = by_address(module.resources)
    assert list(found) == ['aws_s3_bucket.c[0]', 'aws_s3_bucket.c[1]',
                           'aws_s3_bucket.f["data set"]', 'aws_s3_bucket.f["logs"]',
                           'aws_s3_bucket.s["a"]', 'aws_s3_bucket.s["b"]', "x_ref.r"]
    assert found['aws_s3_bucket.f["data set"]'].values["bucket"] == "data set-y"
    ref = found["x_ref.r"].values
    assert (ref["first"], ref["all"], ref["logs"]) == ("b-0", ["b-0", "b-1"], "logs-x")
    assert isinstance(ref["arn"], Unknown) and ref["arn"].refs == ("aws_s3_bucket.c[1]",)
    assert found["x_ref.r"].references["arn"] == ("aws_s3_bucket.c", "aws_s3_bucket.c[1]")


def test_unknown_count_is_one_representative_instance_and_a_note(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "n" {}\n'
                     'resource "aws_s3_bucket" "b" {\n  count = var.n\n  bucket = "x"\n}\n'})
    [(module, errors)] = load_tree([tmp_path])
    assert errors == []
    assert [r.address for r in module.resources] == ["aws_s3_bucket.b"]
    assert module.resources[0].values == {"bucket": "x"}
    assert any("count is not known" in note for note in module.notes)


def test_local_modules_with_inputs_outputs_and_instances(tmp_path: Path) -> None:
    write(tmp_path, {
        "main.tf": '''
provider "aws" { region = "eu-west-1" }
module "logs" {
  source = "./modules/bucket"
  name   = "logs"
}
module "many" {
  source   = "./modules/bucket"
  for_each = toset(["a", "b"])
  name     = each.key
}
resource "aws_s3_bucket_policy" "p" {
  bucket = module.logs.id
  name   = module.logs.name
  names  = [for m in module.many : m.name]
}
''',
        "modules/bucket/main.tf": '''
variable "name" { type = string }
variable "versioned" { default = true }
resource "aws_s3_bucket" "this" {
  bucket = "acme-${var.name}"
  versioning { enabled = var.versioned }
}
output "id" { value = aws_s3_bucket.this.id }
output "name" { value = aws_s3_bucket.this.bucket }
''',
    })
    results = load_tree([tmp_path])
    assert len(results) == 1, "the module directory is not a root of its own"
    module, errors = results[0]
    assert errors == []
    found = by_address(module.resources)
    inner = found["module.logs.aws_s3_bucket.this"]
    assert inner.values == {"bucket": "acme-logs", "versioning": [{"enabled": True}]}
    assert (inner.module, inner.region, inner.file) == (
        "module.logs", "eu-west-1", f"{tmp_path}/modules/bucket/main.tf")
    assert found['module.many["b"].aws_s3_bucket.this'].values["bucket"] == "acme-b"
    policy = found["aws_s3_bucket_policy.p"]
    assert policy.values["name"] == "acme-logs"
    assert policy.values["names"] == ["acme-a", "acme-b"]
    assert isinstance(policy.values["bucket"], Unknown)
    assert policy.values["bucket"].refs == ("module.logs.aws_s3_bucket.this",)
    assert policy.references["bucket"] == ("module.logs.aws_s3_bucket.this",)


def test_remote_modules_are_not_fetched(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": '''
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
resource "aws_security_group" "sg" { vpc_id = module.vpc.vpc_id }
'''})
    [(module, errors)] = load_tree([tmp_path])
    assert errors == []
    vpc_id = module.resources[0].values["vpc_id"]
    assert isinstance(vpc_id, Unknown) and "not fetched" in vpc_id.reason
    assert any("module.vpc" in note and "not fetched" in note for note in module.notes)


def test_module_cycle_is_an_error_not_a_hang(tmp_path: Path) -> None:
    write(tmp_path, {"a/main.tf": 'module "b" { source = "../b" }\n',
                     "b/main.tf": 'module "a" { source = "../a" }\n'})
    results = load_tree([tmp_path])
    messages = [e.message for _, errors in results for e in errors]
    assert any("module cycle" in m for m in messages)


def test_variable_precedence(tmp_path: Path) -> None:
    write(tmp_path, {
        "main.tf": '''
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "n" { type = number }
variable "l" { type = list(string) }
resource "x_thing" "t" {
  v = [var.a, var.b, var.c, var.d, var.e, var.n, var.l]
}
''',
        "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\n',
        "b.auto.tfvars": 'c = "auto-b"\nd = "auto-b"\n',
        "a.auto.tfvars.json": '{"c": "auto-a", "d": "auto-a", "e": "auto-a"}',
        "extra/prod.tfvars": 'd = "var-file"\n',
    })
    [(module, errors)] = load_tree([tmp_path / "main.tf"],
                                   var_files=[tmp_path / "extra/prod.tfvars"],
                                   variables={"e": "cli", "n": "5", "l": '["x", "y"]'})
    assert errors == []
    assert module.resources[0].values["v"] == [
        "default", "tfvars", "auto-b", "var-file", "cli", 5, ["x", "y"]]


def test_roots_skip_tool_directories_and_show_given_paths(tmp_path: Path) -> None:
    write(tmp_path, {"envs/prod/main.tf": 'resource "x_thing" "t" {}\n',
                     "envs/dev/main.tf": 'resource "x_thing" "t" {}\n',
                     "envs/prod/.terraform/modules/m/main.tf": 'resource "x_thing" "n" {}\n'})
    results = load_tree([tmp_path / "envs"])
    roots = sorted(m.root for m, _ in results)
    assert roots == [f"{tmp_path}/envs/dev", f"{tmp_path}/envs/prod"]
    files = sorted(r.file for m, _ in results for r in m.resources)
    assert files == [f"{tmp_path}/envs/dev/main.tf", f"{tmp_path}/envs/prod/main.tf"]


def test_tf_json_files(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf.json": '''{
  "variable": {"name": {"default": "acme"}},
  "resource": {
    "aws_s3_bucket": {
      "b": {
        "bucket": "${var.name}-logs",
        "tags": {"Team": "sec"},
        "versioning": {"enabled": true},
        "count": "${1 + 1}"
      }
    }
  }
}'''})
    [(module, errors)] = load_tree([tmp_path])
    assert errors == []
    found = by_address(module.resources)
    bucket = found["aws_s3_bucket.b[1]"]
    assert bucket.values == {"bucket": "acme-logs", "tags": {"Team": "sec"},
                             "versioning": [{"enabled": True}]}
    assert bucket.start_line == 5


def test_the_scanned_root_bounds_modules_and_files(tmp_path: Path) -> None:
    write(tmp_path, {
        "envs/prod/main.tf": '''
module "shared" { source = "../../modules/shared" }
resource "x_thing" "t" { v = file("../../policy.json") }
''',
        "modules/shared/main.tf": 'resource "x_thing" "m" {}\n',
        "policy.json": "{}",
    })
    [(narrow, _)] = load_tree([tmp_path / "envs/prod"])
    assert [r.address for r in narrow.resources] == ["x_thing.t"]
    assert isinstance(narrow.resources[0].values["v"], Unknown)
    assert any("outside the scanned path" in note for note in narrow.notes)
    [(wide, errors)] = load_tree([tmp_path / "envs/prod/main.tf"], root=tmp_path)
    assert errors == []
    assert [r.address for r in wide.resources] == ["x_thing.t", "module.shared.x_thing.m"]
    assert wide.resources[0].values["v"] == "{}"


def test_missing_or_empty_module_directories_are_errors(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'module "gone" { source = "./gone" }\n'
                                'module "empty" { source = "./empty" }\n',
                     "empty/README.md": "no terraform here\n"})
    [(_, errors)] = load_tree([tmp_path])
    messages = sorted(e.message for e in errors)
    assert messages == ["module.empty: no Terraform files in './empty'",
                        "module.gone: module directory './gone' not found"]
    assert all(e.line in (1, 2) for e in errors)


def test_notes_of_a_repeated_module_are_not_repeated(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "./m"\n  count = 3\n}\n',
                     "m/main.tf": 'module "vpc" { source = "terraform-aws-modules/vpc/aws" }\n'})
    [(module, errors)] = load_tree([tmp_path])
    assert errors == []
    assert len(module.notes) == 3  # one per instance address, each said once
    assert len(set(module.notes)) == 3


def test_a_missing_var_file_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'resource "x_thing" "t" {}\n'})
    [(module, errors)] = load_tree([tmp_path], var_files=[tmp_path / "nope.tfvars"])
    assert len(module.resources) == 1
    assert len(errors) == 1 and "cannot read" in errors[0].message
