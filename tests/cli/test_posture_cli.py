"""`score`, `recommendations` and `compliance` on a stored demo-lab scan, end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwarden.cli.main import app
from cloudwarden.demo.lab import LAB_REGIONS, LAB_SERVICES, seed_lab

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(aws_endpoint: str, tmp_path: Path) -> str:
    seed_lab(aws_endpoint)
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    code, _, err = run("scan", "aws", "--endpoint-url", aws_endpoint, "--regions",
                       ",".join(LAB_REGIONS), "--services", ",".join(LAB_SERVICES),
                       "--db", url, "-o", "json")
    assert code == 0, err
    return url


def test_score_recommendations_and_compliance(db: str) -> None:
    code, out, _ = run("score", "--db", db, "-o", "json")
    assert code == 0
    score = json.loads(out)
    assert 0 < score["percentage"] < 100
    assert round(sum(c["current"] for c in score["controls"]) / score["maximum"] * 100, 2) == \
        pytest.approx(score["percentage"], abs=0.01)
    assert {c["control_id"] for c in score["controls"]} >= {"enable_mfa",
                                                              "secure_management_ports"}

    code, out, _ = run("recommendations", "--db", db, "-o", "json", "--limit", "200")
    assert code == 0
    recs = json.loads(out)
    by_rule = {r["rule_id"]: r for r in recs}
    public = by_rule["aws.s3.bucket_no_public_read"]
    assert any("cw-demo-public-assets" in key for key in public["affected"])
    assert all("cw-demo-audit-logs" not in key for key in public["affected"])
    gains = [r["potential_increase_percent"] for r in recs]
    assert gains == sorted(gains, reverse=True)
    imds = by_rule["aws.ec2.instance_imdsv2_required"]
    assert imds["quick_fixes"] and "--http-tokens required" in imds["quick_fixes"][0]["cli"]
    assert "i-" in imds["quick_fixes"][0]["cli"]  # the instance's own id is filled in

    code, out, _ = run("recommendations", "--db", db, "-o", "csv", "--severity", "high")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows
    assert {r["risk_level"] for r in rows} <= {"high", "critical"}

    code, out, _ = run("compliance", "cis-aws-foundations-3.0", "--db", db, "-o", "json")
    assert code == 0
    (cis,) = json.loads(out)
    states = {c["control_id"]: c["state"] for c in cis["controls"]}
    assert states["5.2"] == "failed"  # SSH open to the world on web-frontend
    assert states["2.1.4"] == "failed"  # public buckets, no account-level block
    assert states["3.1"] == "passed"  # the multi-region org-audit trail
    assert states["1.1"] == "unsupported"  # manual

    code, out, _ = run("compliance", "--db", db)
    assert code == 0 and "CIS Amazon Web Services Foundations Benchmark" in out

    code, _, err = run("compliance", "nope", "--db", db)
    assert code == 1 and "no standard 'nope'" in err


def test_views_without_a_scan_say_so(tmp_path: Path) -> None:
    for command in ("score", "recommendations", "compliance"):
        code, _, err = run(command, "--db", f"sqlite:///{tmp_path / 'empty.db'}")
        assert code == 1 and "no completed scan" in err


def test_exemptions_apply_at_read_time_with_an_audit_trail(db: str) -> None:
    code, out, _ = run("findings", "--db", db, "--rule", "aws.s3.bucket_no_public_read",
                       "-o", "json")
    failing = json.loads(out)["findings"]
    public = next(f for f in failing if "cw-demo-public-assets" in f["asset"]["id"])
    key = "|".join(public["asset"][k] for k in ("provider", "account", "region", "type", "id"))

    code, out, _ = run("score", "--db", db, "-o", "json")
    before = json.loads(out)["percentage"]
    code, out, err = run("exemptions", "add", "--db", db, "--resource", key,
                         "--rule", "aws.s3.bucket_no_public_read", "--category", "mitigated",
                         "--reason", "static website behind CloudFront", "--author", "alice",
                         "--expires", "30d")
    assert code == 0, err
    exemption_id = out.split()[1]

    code, out, _ = run("findings", "--db", db, "--rule", "aws.s3.bucket_no_public_read",
                       "--status", "exempt", "-o", "json")
    (exempted,) = json.loads(out)["findings"]
    assert exempted["asset"]["id"] == public["asset"]["id"]
    assert "static website behind CloudFront" in exempted["message"]
    code, out, _ = run("score", "--db", db, "-o", "json")
    assert json.loads(out)["percentage"] >= before

    code, out, _ = run("exemptions", "list", "--db", db, "-o", "json")
    (listed,) = json.loads(out)
    assert listed["active"] is True and listed["author"] == "alice"
    code, _, _ = run("exemptions", "update", exemption_id[:8], "--db", db, "--expires",
                     "never", "--author", "bob")
    assert code == 0
    code, _, _ = run("exemptions", "remove", exemption_id[:8], "--db", db, "--author", "carol")
    assert code == 0
    code, out, _ = run("exemptions", "history", "--db", db)
    assert code == 0 and all(word in out for word in ("created", "updated", "deleted", "carol"))
    code, out, _ = run("findings", "--db", db, "--rule", "aws.s3.bucket_no_public_read",
                       "--status", "exempt", "-o", "json")
    assert json.loads(out)["findings"] == []

    code, _, err = run("exemptions", "add", "--db", db, "--reason", "x", "--author", "a")
    assert code == 1 and "rule" in err  # a rule-scope exemption needs a rule id
    code, _, err = run("exemptions", "remove", "nope", "--db", db)
    assert code == 1 and "no exemption" in err


POLICY = """\
rules:
  disabled: [aws.s3.bucket_object_lock_enabled]
governance:
  default_owner: secops@example.com
  account_owners: {"123456789012": platform@example.com}
  rules:
    - {name: critical first, severities: [critical], due_days: 7}
    - {name: identity, rules: ["aws.iam.*"], due_days: 14, grace_period: true}
"""


def test_policy_governance_and_history(db: str, tmp_path: Path, aws_endpoint: str) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    code, out, err = run("scan", "aws", "--endpoint-url", aws_endpoint, "--regions",
                         ",".join(LAB_REGIONS), "--services", ",".join(LAB_SERVICES),
                         "--db", db, "--policy", str(policy),
                         "-o", "json")
    assert code == 0, err
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["rule_id"] == "aws.s3.bucket_object_lock_enabled"]
    graced = [f for f in findings if f["status"] == "exempt"]
    assert graced and all(f["rule_id"].startswith("aws.iam.") for f in graced)
    assert all("grace period" in f["message"] for f in graced)

    code, out, _ = run("score", "--history", "--db", db, "-o", "json")
    points = json.loads(out)
    assert code == 0 and len(points) == 2  # the fixture's scan, then this one
    assert points[1]["percentage"] >= points[0]["percentage"]  # grace lifts the score
    code, out, _ = run("score", "--history", "--db", db)
    assert code == 0 and "Secure score trend" in out

    code, out, _ = run("governance", "--policy", str(policy), "--db", db, "-o", "json")
    assignments = json.loads(out)
    assert code == 0 and assignments
    states = {a["state"] for a in assignments}
    assert states <= {"on_time", "overdue", "unassigned", "completed"}
    assert any(a["owner"] == "platform@example.com" for a in assignments)
    assert any(a["state"] == "unassigned" and a["owner"] is None for a in assignments)

    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: {disabled: [aws.nope.rule]}\nfoo: 1\n")
    code, _, err = run("scan", "aws", "--endpoint-url", aws_endpoint, "--db", db,
                       "--policy", str(bad))
    assert code == 1 and "foo" in err
