"""The scanned directory bounds what Terraform code may read: a policy file beside the
environments is read when the user scans their parent, and nothing outside it ever is."""

from __future__ import annotations

import json
from pathlib import Path

from cloudwarden.service.iac import run_iac_scan

POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::cw-root-demo/*"}]}
MAIN = """\
resource "aws_s3_bucket" "b" {
  bucket = "cw-root-demo"
}

resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = file("${path.module}/../../policies/public.json")
}
"""


def layout(root: Path) -> Path:
    env = root / "envs" / "prod"
    env.mkdir(parents=True)
    (env / "main.tf").write_text(MAIN)
    (root / "policies").mkdir()
    (root / "policies" / "public.json").write_text(json.dumps(POLICY))
    return env


def bucket_policy(paths: list[Path]) -> tuple[object, dict[str, str]]:
    outcome = run_iac_scan(paths, frameworks=["terraform"])
    [bucket] = [a for a in outcome.inventory if a.type == "aws.s3.bucket"]
    return bucket.properties.get("Policy"), dict(bucket.unknown)


def test_a_file_inside_the_scanned_directory_is_read(tmp_path: Path) -> None:
    layout(tmp_path)
    policy, unknown = bucket_policy([tmp_path])
    assert "Policy" not in unknown
    assert policy == POLICY


def test_a_file_outside_the_scanned_directory_is_never_read(tmp_path: Path) -> None:
    env = layout(tmp_path)
    _, unknown = bucket_policy([env])
    assert "Policy" in unknown
    assert "outside" in unknown["Policy"]


def test_two_unrelated_scanned_trees_do_not_open_their_common_parent(tmp_path: Path) -> None:
    """Scanning /a and /b must not let code in /a read /etc or anything above /a."""
    outside = tmp_path / "secret.txt"
    outside.write_text("top secret")
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "cw-two-trees"\n'
        '  tags   = { leaked = file("${path.module}/../secret.txt") }\n}\n')
    (second / "main.tf").write_text('resource "aws_s3_bucket" "c" {\n  bucket = "other"\n}\n')
    outcome = run_iac_scan([first, second], frameworks=["terraform"])
    [bucket] = [a for a in outcome.inventory if a.name == "cw-two-trees"]
    assert "top secret" not in repr(bucket.to_dict())
    assert "Tags" in bucket.unknown


def test_a_syntax_error_never_echoes_the_broken_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "x" {}\napi_token = "LocalTokenLeak77" "oops"\n')
    outcome = run_iac_scan([tmp_path], frameworks=["terraform"])
    [error] = outcome.errors
    assert error.line == 2
    assert "LocalTokenLeak77" not in error.message
    assert all("LocalTokenLeak77" not in f.message for f in outcome.findings)
