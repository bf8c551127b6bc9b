"""`cloudwarden scan iac` end to end through Typer's runner: real adapters (Kubernetes
manifests, and the others as they are registered), the real catalog, and the `.kv` test
double of `tests/iac/iac_double.py` where a tiny, fully controlled format is clearer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwarden.cli.main import app
from cloudwarden.iac.discover import ADAPTERS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "iac"))
from iac_double import kv_spec

runner = CliRunner()
RULE = "aws.s3.bucket_versioning_enabled"
PRIVILEGED = "kubernetes.workload.privileged_containers_disallowed"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.25
          securityContext:
            privileged: true
---
# cloudwarden:ignore kubernetes.workload.privileged_containers_disallowed node agent needs it
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ops
spec:
  template:
    spec:
      containers:
        - name: agent
          image: agent:1
          securityContext:
            privileged: true
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"CLOUDWARDEN_DB": None})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def kv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ADAPTERS, "kv", kv_spec())


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_clean_code_exits_0(tmp_path: Path, kv: None) -> None:
    _write(tmp_path, {"a.kv": "bucket ok {\n  versioning Enabled\n}\n"})
    code, out, err = run("scan", "iac", str(tmp_path), "--framework", "kv",
                         "--fail-on", "critical")
    assert code == 0, err
    assert "1 resources" in out
    assert "files read: kv 1" in err


def test_table_shows_file_and_line_and_fail_on_gives_3(tmp_path: Path, kv: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"infra/a.kv": "\n\nbucket bad {\n}\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("scan", "iac", ".", "--framework", "kv")
    assert code == 0
    (row,) = [line for line in out.splitlines() if RULE in line]
    assert row.split()[:4] == ["low", RULE, "infra/a.kv:3", "bad"]
    code, _, err = run("scan", "iac", str(tmp_path), "--framework", "kv", "--fail-on", "low")
    assert code == 3
    assert "at or above low" in err


def test_a_broken_file_exits_1_with_its_error_shown(tmp_path: Path, kv: None) -> None:
    _write(tmp_path, {"bad.kv": "bucket x {\n  nonsense here\n}\n", "ok.kv": "bucket y {\n}\n"})
    code, out, err = run("scan", "iac", str(tmp_path), "--framework", "kv")
    assert code == 1
    assert f"error: {tmp_path / 'bad.kv'}:2: kv: unexpected 'nonsense here'" in \
        " ".join(err.split())
    assert RULE in out  # the readable file was still judged


def test_suppressions_and_no_inline_suppressions(tmp_path: Path, kv: None) -> None:
    _write(tmp_path, {"a.kv": f"# cloudwarden:ignore {RULE} scratch bucket\nbucket t {{\n}}\n"
                              "# cloudwarden:ignore aws.s3.bucket_default_encryption\n"})
    code, out, err = run("scan", "iac", str(tmp_path), "--framework", "kv", "--fail-on", "low",
                         "-o", "json")
    assert code == 3  # the bucket fails other rules than the suppressed one
    doc = json.loads(out)
    statuses = {f["rule_id"]: f["status"] for f in doc["findings"]}
    assert statuses[RULE] == "exempt"
    assert "has no reason; not applied" in err
    assert doc["scan"]["suppressions"] == {"enabled": True, "found": 2, "applied": 1}
    code, out, err = run("scan", "iac", str(tmp_path), "--framework", "kv", "-o", "json",
                         "--no-inline-suppressions")
    assert code == 0
    statuses = {f["rule_id"]: f["status"] for f in json.loads(out)["findings"]}
    assert statuses[RULE] == "fail"
    assert "inline suppressions are turned off" in err


def test_kubernetes_manifests_end_to_end_in_sarif(tmp_path: Path) -> None:
    _write(tmp_path, {"k8s/app.yaml": DEPLOYMENT, "README.md": "# not a manifest\n"})
    report = tmp_path / "out.sarif"
    code, _, err = run("scan", "iac", str(tmp_path / "k8s"), "--framework", "kubernetes",
                       "-o", "sarif", "--output-file", str(report))
    assert code == 0, err
    run_ = json.loads(report.read_text("utf-8"))["runs"][0]
    results = [r for r in run_["results"] if r["ruleId"] == PRIVILEGED]
    by_name = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in results}
    web = next(r for name, r in by_name.items() if "web" in name)
    agent = next(r for name, r in by_name.items() if "agent" in name)
    assert "suppressions" not in web
    assert agent["suppressions"][0] == {"kind": "inSource", "status": "accepted",
                                        "justification": "node agent needs it"}
    region = web["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 1 and region["endLine"] >= 13


def test_a_broken_manifest_exits_1(tmp_path: Path) -> None:
    _write(tmp_path, {"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                                  "spec: [unclosed\n"})
    code, _, err = run("scan", "iac", str(tmp_path), "--framework", "kubernetes")
    assert code == 1
    assert "pod.yaml" in err and "error:" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("scan", "iac", str(tmp_path), "--framework", "helm")
    assert code == 2 and "unknown framework 'helm'" in err
    code, _, err = run("scan", "iac", str(tmp_path / "missing"))
    assert code == 2
    code, _, err = run("scan", "iac", str(tmp_path), "--var", "novalue")
    assert code == 2 and "NAME=VALUE" in err
    code, _, err = run("scan", "iac", str(tmp_path), "-o", "xml")
    assert code == 2 and "sarif" in err


def test_an_empty_directory_is_clean_and_starts_fast(tmp_path: Path) -> None:
    code, out, _ = run("scan", "iac", str(tmp_path))
    assert code == 0 and "No failing findings." in out
    probe = (
        "import sys; sys.argv = ['cloudwarden', 'scan', 'iac', sys.argv[1]]\n"
        "from cloudwarden.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = [m for m in sys.modules if m.startswith(('tree_sitter', 'kubernetes', "
        "'cloudwarden.rules', 'cloudwarden.checks', 'boto3'))]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", probe, str(tmp_path)], check=True,
                   capture_output=True)


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  # cloudwarden:ignore aws.s3.bucket_versioning_enabled scratch data, rebuilt nightly
  Scratch:
    Type: AWS::S3::Bucket
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: acme-logs
      VersioningConfiguration:
        Status: Enabled
"""


def test_cloudformation_end_to_end_with_a_broken_template(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"cfn/stack.yaml": TEMPLATE,
                      "cfn/broken.yaml": 'AWSTemplateFormatVersion: "2010-09-09"\n'
                                         "Resources:\n  X:\n    Type: [oops\n"})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("scan", "iac", "cfn", "--framework", "cloudformation", "-o", "sarif")
    assert code == 1
    assert "error:" in err and "broken.yaml" in err
    doc = json.loads(out)
    results = doc["runs"][0]["results"]
    versioning = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r
                  for r in results if r["ruleId"] == RULE}
    # Logs is versioned (no result); Scratch is suppressed with its reason, at its lines
    assert list(versioning) == [4]
    assert versioning[4]["suppressions"][0]["justification"] == "scratch data, rebuilt nightly"
    assert versioning[4]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "cfn/stack.yaml", "uriBaseId": "%SRCROOT%"}
    (parse,) = [r for r in results if r["ruleId"] == "iac.parse_error"]
    assert parse["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "cfn/broken.yaml"
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_dockerfile_suppression_and_an_unknown_rule_warning(tmp_path: Path) -> None:
    _write(tmp_path, {"app/Dockerfile": (
        "FROM python:3.12-slim@sha256:" + "a" * 64 + "\n"
        "# cloudwarden:ignore dockerfile.user.non_root_final_stage binds port 80 in a sandbox\n"
        "# cloudwarden:ignore dockerfile.user_not_root a misspelt rule id\n"
        "RUN pip install flask\n")})
    code, out, err = run("scan", "iac", str(tmp_path), "--framework", "dockerfile", "-o", "json",
                         "--fail-on", "medium")
    root_user = [f for f in json.loads(out)["findings"]
                 if f["rule_id"] == "dockerfile.user.non_root_final_stage"]
    assert [f["status"] for f in root_user] == ["exempt"]
    assert "binds port 80 in a sandbox" in root_user[0]["message"]
    assert "there is no rule 'dockerfile.user_not_root'" in err
    assert code == 0  # the pinned image passes; the suppressed failure does not count


def test_var_gives_cloudformation_parameters_their_values(tmp_path: Path) -> None:
    _write(tmp_path, {"stack.yaml": (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Parameters:\n  Name:\n    Type: String\n"
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      BucketName: !Ref Name\n")})
    args = ("scan", "iac", str(tmp_path), "--framework", "cloudformation", "-o", "json")
    code, out, err = run(*args, "--var", "Name=acme-data")
    assert code == 0, err
    names = {f["asset_name"] for f in json.loads(out)["findings"]}
    assert names == {"acme-data"}
    code, out, _ = run(*args)
    assert "acme-data" not in out


TERRAFORM = """\
variable "env" {
  type = string
}

# cloudwarden:ignore aws.s3.bucket_versioning_enabled build cache, rebuilt on every run
resource "aws_s3_bucket" "cache" {
  bucket = "cache-${var.env}"
}

resource "aws_s3_bucket" "data" {
  bucket = "data-${var.env}"
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""


def test_terraform_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"infra/main.tf": TERRAFORM, "prod.tfvars": 'env = "prod"\n'})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("scan", "iac", "infra", "--framework", "terraform", "-o", "json",
                         "--var-file", "prod.tfvars", "--fail-on", "critical")
    assert code == 3, err  # SSH open to the world
    doc = json.loads(out)
    versioning = {f["asset_name"]: f["status"] for f in doc["findings"] if f["rule_id"] == RULE}
    assert versioning == {"cache-prod": "exempt", "data-prod": "fail"}
    assert doc["scan"]["frameworks"] == {"terraform": 1}
    code, out, _ = run("scan", "iac", "infra", "--framework", "terraform", "--var", "env=dev")
    assert code == 0
    assert "infra/main.tf:10" in out and "data-dev" in out


def test_terraform_syntax_error_exits_1_and_sarif_names_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"bad/main.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = \n'})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("scan", "iac", "bad", "--framework", "terraform", "-o", "sarif")
    assert code == 1
    assert "error: bad/main.tf" in err and "terraform" in err
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "iac.parse_error" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "bad/main.tf"


def test_notes_of_the_adapters_are_shown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = module.vpc.name\n}\n')
    result = CliRunner().invoke(app, ["scan", "iac", str(tmp_path), "--framework",
                                      "terraform"])
    assert result.exit_code == 0, result.stderr
    assert "note:" in result.stderr and "not fetched" in result.stderr
