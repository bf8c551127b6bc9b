from __future__ import annotations

import io
import json
from typing import Any

from outputs_sample import BUCKET_EVIL, HOSTILE_NAME
from outputs_snapshot import assert_snapshot

from cloudwarden.outputs.json_format import render_json
from cloudwarden.outputs.report import Report


def _render(report: Report) -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    render_json(report, out)
    return out.getvalue(), json.loads(out.getvalue())


def test_json_snapshot(report: Report) -> None:
    text, _ = _render(report)
    assert_snapshot("report.json", text)


def test_json_document_shape(report: Report) -> None:
    text, doc = _render(report)
    assert list(doc) == ["scan", "generated_at", "summary", "findings"]
    assert doc["generated_at"] == "2024-05-01T12:30:00+00:00"
    assert doc["scan"]["started_at"] == "2024-05-01T12:25:00+00:00"
    assert doc["summary"] == {
        "total": 12,
        "resources": 8,
        "by_status": {"pass": 2, "fail": 6, "error": 2, "not_applicable": 1, "exempt": 1},
        "failed_by_severity": {"critical": 1, "high": 2, "medium": 1, "low": 1,
                               "informational": 1},
        "failed_rules": 5,
        "pass_rate": 25.0,
    }
    assert "naïve café" in text  # ensure_ascii=False
    ids = [(f["rule_id"], f["asset"]["id"]) for f in doc["findings"]]
    assert ids == sorted(ids)  # stable order


def test_json_finding_carries_rule_with_filled_quick_fix(report: Report) -> None:
    _, doc = _render(report)
    (evil,) = [f for f in doc["findings"] if f["asset"]["id"] == BUCKET_EVIL.id]
    assert list(evil)[:9] == ["rule_id", "asset", "status", "severity", "message", "evidence",
                              "first_seen", "last_seen", "asset_name"]
    assert evil["asset_name"] == HOSTILE_NAME
    rule = evil["rule"]
    assert list(rule) == ["title", "description", "risk", "remediation", "security_control",
                          "attack", "references", "compliance"]
    assert rule["compliance"] == [{"framework": "aws-fsbp", "control": "S3.8"}]
    assert rule["attack"] == ["T1530"]
    remediation = rule["remediation"]
    assert remediation["cli"].startswith(
        f"aws s3api put-public-access-block --bucket {HOSTILE_NAME} --region us-east-1 "
    )
    assert f'bucket                  = "{HOSTILE_NAME}"' in remediation["terraform"]
    assert "${var.strict}" in remediation["terraform"]
    assert '{ "Version": "2012-10-17", "Statement": [] }' in remediation["terraform"]


def test_json_collector_error_has_no_rule(report: Report) -> None:
    _, doc = _render(report)
    (err,) = [f for f in doc["findings"] if f["rule_id"] == "collector.aws.lambda"]
    assert err["rule"] is None
    assert err["status"] == "error"
    assert err["asset_name"] is None
