"""Module features: provider passing, counted modules, override files, nested dynamic blocks."""

from __future__ import annotations

from pathlib import Path

from cloudwarden.iac.terraform import TfResource, Unknown, load_tree


def load(root: Path, files: dict[str, str]) -> dict[str, TfResource]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    [(module, errors)] = load_tree([root])
    assert errors == []
    return {r.address: r for r in module.resources}


def test_providers_pass_to_modules(tmp_path: Path) -> None:
    found = load(tmp_path, {
        "main.tf": '''
provider "aws" { region = "eu-west-1" }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
module "default" { source = "./m" }
module "mapped" {
  source    = "./m"
  providers = { aws = aws.us }
}
''',
        "m/main.tf": 'resource "aws_s3_bucket" "b" { bucket = "x" }\n',
    })
    assert found["module.default.aws_s3_bucket.b"].region == "eu-west-1"
    mapped = found["module.mapped.aws_s3_bucket.b"]
    assert (mapped.provider, mapped.region) == ("aws.us", "us-east-1")


def test_counted_modules_and_nested_modules(tmp_path: Path) -> None:
    found = load(tmp_path, {
        "main.tf": '''
module "net" {
  count = 2
  source = "./net"
  cidr   = cidrsubnet("10.0.0.0/16", 4, count.index)
}
resource "x_out" "o" { cidrs = module.net[*].subnet }
''',
        "net/main.tf": '''
variable "cidr" {}
module "sub" {
  source = "./sub"
  cidr   = var.cidr
}
output "subnet" { value = module.sub.first }
''',
        "net/sub/main.tf": '''
variable "cidr" {}
resource "aws_subnet" "s" { cidr_block = cidrsubnet(var.cidr, 4, 0) }
output "first" { value = aws_subnet.s.cidr_block }
''',
    })
    assert found["module.net[1].module.sub.aws_subnet.s"].values == {
        "cidr_block": "10.0.16.0/24"}
    assert found["module.net[1].module.sub.aws_subnet.s"].module == "module.net[1].module.sub"
    assert found["x_out.o"].values["cidrs"] == ["10.0.0.0/24", "10.0.16.0/24"]


def test_module_input_defaults_types_and_missing_inputs(tmp_path: Path) -> None:
    found = load(tmp_path, {
        "main.tf": 'module "m" {\n  source = "./m"\n  port = "8080"\n'
                   '  conf = { name = "x" }\n}\n',
        "m/main.tf": '''
variable "port" { type = number }
variable "required" {}
variable "conf" {
  type = object({ name = string, retries = optional(number, 3), tags = optional(map(string)) })
}
resource "x_thing" "t" {
  port     = var.port + 1
  conf     = var.conf
  required = var.required
}
''',
    })
    values = found["module.m.x_thing.t"].values
    assert values["port"] == 8081
    assert values["conf"] == {"name": "x", "retries": 3, "tags": None}
    assert isinstance(values["required"], Unknown)


def test_override_files_merge(tmp_path: Path) -> None:
    found = load(tmp_path, {
        "main.tf": '''
resource "aws_s3_bucket" "b" {
  bucket = "original"
  acl    = "private"
  versioning { enabled = false }
}
''',
        "override.tf": '''
resource "aws_s3_bucket" "b" {
  bucket = "overridden"
  versioning { enabled = true }
}
''',
    })
    assert found["aws_s3_bucket.b"].values == {
        "bucket": "overridden", "acl": "private", "versioning": [{"enabled": True}]}


def test_nested_dynamic_blocks_with_iterators(tmp_path: Path) -> None:
    found = load(tmp_path, {"main.tf": '''
locals {
  rules = {
    web = { ports = [80, 443] }
    ssh = { ports = [22] }
  }
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      description = rule.key
      dynamic "port" {
        for_each = rule.value.ports
        content { number = port.value }
      }
    }
  }
}
'''})
    assert found["aws_security_group.sg"].values["ingress"] == [
        {"description": "ssh", "port": [{"number": 22}]},
        {"description": "web", "port": [{"number": 80}, {"number": 443}]},
    ]


def test_dynamic_over_an_unknown_is_unknown(tmp_path: Path) -> None:
    found = load(tmp_path, {"main.tf": '''
variable "rules" {}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.rules
    content { from_port = ingress.value }
  }
}
'''})
    assert isinstance(found["aws_security_group.sg"].values["ingress"], Unknown)


def test_splat_over_counted_resources_keeps_per_instance_refs(tmp_path: Path) -> None:
    found = load(tmp_path, {"main.tf": '''
resource "aws_instance" "web" {
  count = 2
  ami   = "ami-1"
}
resource "aws_lb_target_group_attachment" "a" { targets = aws_instance.web[*].id }
'''})
    targets = found["aws_lb_target_group_attachment.a"].values["targets"]
    assert [t.refs for t in targets] == [("aws_instance.web[0]",), ("aws_instance.web[1]",)]


def test_a_module_fed_by_a_resource_that_reads_another_output(tmp_path: Path) -> None:
    found = load(tmp_path, {
        "main.tf": '''
module "m" {
  source = "./m"
  role   = aws_iam_role.r.name
}
resource "aws_iam_role" "r" { name = module.m.prefix }
''',
        "m/main.tf": '''
variable "role" {}
output "prefix" { value = "app" }
resource "aws_iam_role_policy_attachment" "a" { role = var.role }
''',
    })
    assert found["aws_iam_role.r"].values["name"] == "app"
    assert "role" in found["module.m.aws_iam_role_policy_attachment.a"].values


def test_ephemeral_values_are_unknown(tmp_path: Path) -> None:
    secret = "ephemeral.aws_secretsmanager_secret_version.s.secret_string"
    found = load(tmp_path, {"main.tf": f'resource "aws_db_instance" "d" {{ password = {secret} }}'})
    assert isinstance(found["aws_db_instance.d"].values["password"], Unknown)
