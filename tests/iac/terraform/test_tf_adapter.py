"""The Terraform adapter: what it claims, options, plans, counts and errors."""

from __future__ import annotations

import json
from pathlib import Path

from cloudwarden.core.model import UNRESOLVED
from cloudwarden.iac.discover import AdapterOptions
from cloudwarden.iac.terraform.adapter import TerraformAdapter, is_plan_head

MAIN = """\
provider "aws" {
  region = "eu-west-1"
}

variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_route53_zone" "zone" {
  name = "example.com"
}
"""

PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.7.0",
    "planned_values": {"root_module": {"resources": [{
        "address": "aws_s3_bucket.planned", "mode": "managed", "type": "aws_s3_bucket",
        "name": "planned", "provider_name": "registry.terraform.io/hashicorp/aws",
        "values": {"bucket": "from-plan", "tags": {"team": "x"}}}]}},
}


def _claimed(adapter: TerraformAdapter, folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if adapter.claims(p, p.read_bytes()[:4096]))


def test_claims_sources_and_plans_by_content_not_tfvars_or_state(tmp_path: Path) -> None:
    adapter = TerraformAdapter()
    (tmp_path / "main.tf").write_text(MAIN)
    (tmp_path / "extra.tf.json").write_text('{"resource": {}}')
    (tmp_path / "prod.tfvars").write_text('name = "x"\n')
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    (tmp_path / "state.json").write_text(json.dumps({"format_version": "1.0",
                                                     "terraform_version": "1.7.0",
                                                     "values": {}}))
    (tmp_path / "package.json").write_text('{"name": "app"}')
    assert [p.name for p in _claimed(adapter, tmp_path)] == ["extra.tf.json", "main.tf",
                                                             "plan.json"]
    assert is_plan_head(b'{"format_version":"1.2","planned_values":{')
    assert not is_plan_head(b'{"planned_values": {}}')


def test_variables_from_options_and_counts(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MAIN)
    (tmp_path / "prod.tfvars").write_text('name = "acme-prod"\n')
    open_load = TerraformAdapter().load([tmp_path / "main.tf"])
    [bucket] = open_load.assets
    assert bucket.unknown["Name"].startswith(UNRESOLVED + "var.name")
    assert bucket.properties["Versioning"]["Status"] == "Enabled"
    assert (open_load.skipped, open_load.joined, open_load.unjoined) == (1, 1, 0)
    assert open_load.skipped_types == {"aws_route53_zone": 1}
    assert open_load.files == [str(tmp_path / "main.tf")]

    from_file = TerraformAdapter(AdapterOptions(var_files=(tmp_path / "prod.tfvars",)))
    [bucket] = from_file.load([tmp_path / "main.tf"]).assets
    assert bucket.name == "acme-prod" and bucket.properties["Arn"] == "arn:aws:s3:::acme-prod"
    assert bucket.ref.region == "eu-west-1"
    assert bucket.origin.endswith("main.tf:9-11")

    inline = TerraformAdapter(AdapterOptions(variables={"name": "acme-dev"}))
    [bucket] = inline.load([tmp_path / "main.tf"]).assets
    assert bucket.name == "acme-dev"


def test_plan_json_is_mapped(tmp_path: Path) -> None:
    (tmp_path / "tfplan.json").write_text(json.dumps(PLAN))
    loaded = TerraformAdapter().load([tmp_path / "tfplan.json"])
    assert loaded.errors == []
    [bucket] = loaded.assets
    assert bucket.name == "from-plan" and bucket.tags == {"team": "x"}


def test_bad_files_are_errors_and_the_others_still_load(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "ok"\n}\n')
    (bad / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    (tmp_path / "state.json").write_text(json.dumps({"format_version": "1.0",
                                                     "planned_values": "nope"}))
    loaded = TerraformAdapter().load([good / "main.tf", bad / "main.tf",
                                      tmp_path / "state.json"])
    assert [a.name for a in loaded.assets] == ["ok"]
    paths = {Path(e.path).name if e.path.endswith(".json") else Path(e.path).parent.name
             for e in loaded.errors}
    assert paths == {"bad", "state.json"}
    assert all(e.framework == "terraform" for e in loaded.errors)
