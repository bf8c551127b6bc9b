"""OCSF events validated against the real OCSF JSON schema (package `ocsf-json-schema`)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from outputs_sample import BUCKET_EVIL, HOSTILE_NAME, SG
from outputs_snapshot import assert_snapshot

from cloudwarden.core.model import Status
from cloudwarden.outputs.ocsf import (
    OCSF_VERSION,
    finding_uid,
    render_ocsf,
    render_ocsf_lines,
    to_ocsf,
)
from cloudwarden.outputs.report import Report


@cache
def _validator() -> Any:
    from jsonschema import validators
    from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema, get_packaged_versions

    assert OCSF_VERSION in get_packaged_versions()
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(OCSF_VERSION)).get_class_schema(
        "compliance_finding", ["cloud"]
    )
    cls = validators.validator_for(schema)  # the draft its $schema declares (2020-12)
    cls.check_schema(schema)
    return cls(schema)


def _errors(event: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator().iter_errors(event)]


def _events(report: Report) -> list[dict[str, Any]]:
    out = io.StringIO()
    render_ocsf(report, out)
    events = json.loads(out.getvalue())
    assert isinstance(events, list)
    return events


def test_every_event_is_a_valid_ocsf_compliance_finding(report: Report) -> None:
    events = _events(report)
    assert len(events) == len(report.findings)
    for event in events:
        assert _errors(event) == [], event["finding_info"]["title"]


def test_ocsf_snapshot(report: Report) -> None:
    out = io.StringIO()
    render_ocsf(report, out)
    assert_snapshot("report.ocsf.json", out.getvalue())


def test_ocsf_lines_are_the_same_events(report: Report) -> None:
    out = io.StringIO()
    render_ocsf_lines(report, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == _events(report)


def _event_for(report: Report, rule_id: str, asset_id: str) -> dict[str, Any]:
    (finding,) = [f for f in report.findings if f.rule_id == rule_id and f.asset.id == asset_id]
    event: dict[str, Any] = to_ocsf(report, finding)
    return event


def test_ocsf_mapping_of_a_failed_finding(report: Report) -> None:
    event = _event_for(report, "aws.s3.bucket_public_access_blocked", BUCKET_EVIL.id)
    assert (event["class_uid"], event["category_uid"], event["activity_id"], event["type_uid"]) \
        == (2003, 2, 1, 200301)
    assert event["metadata"]["version"] == OCSF_VERSION
    assert event["metadata"]["product"] == {"name": "Cloudwarden", "vendor_name": "Cloudwarden",
                                            "version": "0.1.0"}
    assert event["time"] == 1714566600000
    assert (event["severity_id"], event["severity"]) == (4, "High")
    assert (event["status_id"], event["status"]) == (1, "New")
    assert event["compliance"]["status_id"] == 3
    assert event["compliance"]["control"] == "Data protection"
    info = event["finding_info"]
    assert info["title"] == "S3 bucket blocks public access"
    assert info["first_seen_time"] == 1712044800000
    assert info["attacks"] == [{"technique": {"uid": "T1530"}}]
    (resource,) = event["resources"]
    assert resource == {
        "uid": BUCKET_EVIL.id, "type": "aws.s3.bucket", "region": "us-east-1",
        "name": HOSTILE_NAME, "labels": ["env:prod", "formula:=1+1", "owner:<b>team</b>"],
        "cloud_partition": "aws",
    }
    assert event["cloud"] == {"provider": "AWS", "account": {"uid": "123456789012"},
                              "region": "us-east-1"}
    assert event["remediation"]["desc"].endswith(f"on bucket {HOSTILE_NAME}.")
    assert event["unmapped"]["evidence"] == [
        {"path": "PublicAccessBlock.BlockPublicAcls", "value": False, "expected": "true"}
    ]
    assert HOSTILE_NAME in event["unmapped"]["quick_fix"]["cli"]


def test_ocsf_sub_techniques(report: Report) -> None:
    event = _event_for(report, "aws.ec2.security_group_no_open_ssh", SG.id)
    assert event["severity_id"] == 5
    assert event["finding_info"]["attacks"] == [
        {"technique": {"uid": "T1190"}},
        {"technique": {"uid": "T1078"}, "sub_technique": {"uid": "T1078.004"}},
    ]


@pytest.mark.parametrize(
    ("status", "compliance_id", "compliance_text", "status_id"),
    [(Status.PASS, 1, "Pass", 1), (Status.FAIL, 3, "Fail", 1), (Status.ERROR, 99, "Error", 1),
     (Status.NOT_APPLICABLE, 99, "Not Applicable", 1), (Status.EXEMPT, 99, "Exempt", 3)],
)
def test_ocsf_status_mapping(report: Report, status: Status, compliance_id: int,
                             compliance_text: str, status_id: int) -> None:
    finding = next(f for f in report.findings if f.status is status)
    event = to_ocsf(report, finding)
    assert event["compliance"]["status_id"] == compliance_id
    assert event["compliance"]["status"] == compliance_text
    assert event["status_id"] == status_id
    assert _errors(event) == []


def test_ocsf_collector_error_without_rule_metadata(report: Report) -> None:
    finding = next(f for f in report.findings if f.rule_id == "collector.aws.lambda")
    event = to_ocsf(report, finding)
    assert "remediation" not in event
    assert event["finding_info"]["title"] == "Collection error: collector.aws.lambda"
    assert event["unmapped"]["collection_error"] is True
    assert _errors(event) == []


def test_finding_uid_is_stable_and_distinct(report: Report) -> None:
    uids = [finding_uid(f) for f in report.findings]
    assert uids == [finding_uid(f) for f in report.findings]
    assert len({(f.rule_id, f.asset.key) for f in report.findings}) == len(set(uids))


Breaker = Callable[[dict[str, Any]], None]


@pytest.mark.parametrize(
    "breaker",
    [
        lambda e: e.pop("finding_info"),
        lambda e: e["finding_info"].pop("uid"),
        lambda e: e["metadata"]["product"].pop("vendor_name"),
        lambda e: e["compliance"].pop("standards"),
        lambda e: e.pop("cloud"),
        lambda e: e.update(severity_id=7),
        lambda e: e.update(type_uid=200304),
        lambda e: e["compliance"].update(status_id=4),
        lambda e: e.update(class_uid=2004),
        lambda e: e["resources"][0].update(tags={"not": "in the schema"}),
    ],
    ids=["no finding_info", "no uid", "no vendor", "no standards", "no cloud", "bad severity",
         "bad type_uid", "bad compliance status", "wrong class", "unknown attribute"],
)
def test_validation_catches_broken_events(report: Report, breaker: Breaker) -> None:
    event = _event_for(report, "aws.s3.bucket_public_access_blocked", BUCKET_EVIL.id)
    assert _errors(event) == []
    breaker(event)
    assert _errors(event) != []
