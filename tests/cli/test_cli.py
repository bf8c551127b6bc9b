"""The CLI through Typer's runner, against a real moto server and a real SQLite store."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwarden.cli.main import app
from cloudwarden.core.loader import load_rules
from cloudwarden.demo.lab import LAB_REGIONS, LAB_SERVICES, seed_lab

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def lab(aws_endpoint: str) -> str:
    seed_lab(aws_endpoint)
    return aws_endpoint


def test_help_and_version() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "scan" in out and "findings" in out
    code, out, _ = run("version")
    assert code == 0 and out.startswith("cloudwarden ")


def test_cli_start_imports_no_cloud_sdk_or_rules() -> None:
    code = ("import sys, cloudwarden.cli.main; "
            "bad = [m for m in ('boto3', 'botocore', 'sqlalchemy', 'moto', 'yaml', 'rich.table') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rules_list_and_show() -> None:
    code, out, _ = run("rules", "list", "--output", "json")
    assert code == 0
    rules = json.loads(out)
    assert len(rules) >= 60
    assert all({"id", "title", "severity", "remediation"} <= set(r) for r in rules)
    code, out, _ = run("rules", "list", "--service", "s3", "--output", "json")
    assert {r["service"] for r in json.loads(out)} == {"s3"}
    code, out, _ = run("rules", "show", "aws.s3.bucket_default_encryption", "-o", "json")
    assert code == 0 and json.loads(out)["match"]["path"] == "Encryption.Rules"
    code, out, _ = run("rules", "show", "aws.s3.bucket_default_encryption")
    assert code == 0 and "Remediation" in out
    code, _, err = run("rules", "show", "aws.s3.nope")
    assert code == 1 and "no rule 'aws.s3.nope'" in err


def test_rules_new_scaffolds_a_rule_that_loads(tmp_path: Path) -> None:
    code, out, _ = run("rules", "new", "aws.s3.bucket_tagged", "--asset-type", "aws.s3.bucket",
                       "--dir", str(tmp_path))
    assert code == 0 and "created" in out
    specs, problems = load_rules([tmp_path], collect_errors=True)
    assert problems == [] and specs[0].id == "aws.s3.bucket_tagged"
    assert specs[0].fixtures_path.is_file()
    code, _, err = run("rules", "new", "aws.s3.bucket_tagged", "--asset-type", "aws.s3.bucket",
                       "--dir", str(tmp_path))
    assert code == 1 and "already exists" in err
    code, _, err = run("rules", "new", "CW_1", "--asset-type", "aws.s3.bucket")
    assert code == 1
    code, _, _ = run("rules", "new", "aws.s3.py_rule", "--asset-type", "aws.s3.bucket",
                     "--dir", str(tmp_path), "--python")
    assert code == 0 and (tmp_path / "aws/s3/aws.s3.py_rule.py").is_file()
    specs, problems = load_rules([tmp_path], collect_errors=True)
    assert problems == [] and len(specs) == 2


def test_bad_rules_dir_lists_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "aws" / "s3").mkdir(parents=True)
    (tmp_path / "aws/s3/aws.s3.one.yaml").write_text("id: [broken\n")
    (tmp_path / "aws/s3/aws.s3.two.yaml").write_text("id: aws.s3.two\n")
    code, _, err = run("rules", "list", "--rules-dir", str(tmp_path))
    assert code == 1
    assert "aws.s3.one.yaml" in err and "aws.s3.two.yaml" in err


def test_scan_store_findings_and_snapshot(lab: str, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    snap = tmp_path / "lab.jsonl.gz"
    code, out, err = run("scan", "aws", "--endpoint-url", lab, "--regions", ",".join(LAB_REGIONS),
                         "--services", ",".join(LAB_SERVICES),
                         "--db", db, "--save-snapshot", str(snap), "-o", "json")
    assert code == 0, err
    live = json.loads(out)
    failed = [f for f in live["findings"] if f["status"] == "fail"]
    assert failed and snap.is_file()

    code, out, _ = run("findings", "--db", db, "--severity", "high+", "-o", "json")
    assert code == 0
    high = json.loads(out)["findings"]
    assert high and all(f["severity"] in ("high", "critical") for f in high)

    code, out, _ = run("findings", "--db", db, "--type", "aws.s3.bucket", "-o", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows
    assert {r["asset_type"] for r in rows} == {"aws.s3.bucket"}
    assert {r["status"] for r in rows} == {"fail"}

    code, _, _ = run("findings", "--db", db, "--fail-on", "high")
    assert code == 3

    code, out, _ = run("scan", "aws", "--from-snapshot", str(snap), "--no-store", "-o", "json")
    assert code == 0
    offline = json.loads(out)
    assert sorted((f["rule_id"], f["asset"]["id"], f["status"]) for f in offline["findings"]) == \
        sorted((f["rule_id"], f["asset"]["id"], f["status"]) for f in live["findings"])

    code, out, _ = run("scan", "aws", "--from-snapshot", str(snap), "--no-store", "-o", "ocsf")
    assert code == 0 and json.loads(out)[0]["class_uid"] == 2003

    report = tmp_path / "r.html"
    code, _, _ = run("scan", "aws", "--from-snapshot", str(snap), "--no-store", "-o", "html",
                     "--output-file", str(report))
    assert code == 0 and report.read_text().startswith("<!DOCTYPE html>")

    code, out, _ = run("scans", "--db", db)
    assert code == 0 and "completed" in out


def test_clear_errors(tmp_path: Path, aws_endpoint: str) -> None:
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(b"\x1f\x8b\x08\x00garbage")
    code, _, err = run("scan", "aws", "--from-snapshot", str(cut), "--no-store")
    assert code == 1 and "snapshot" in err
    code, _, err = run("scan", "aws", "--endpoint-url", aws_endpoint, "--services", "s3,nope",
                       "--no-store")
    assert code == 1 and "nope" in err
    code, _, err = run("findings", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1 and "no completed scan" in err
    code, _, err = run("findings", "--severity", "apocalyptic", "--db",
                       f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1 and "unknown severity" in err
    code, _, _ = run("scan", "aws", "-o", "pdf")
    assert code == 2
