"""Alerts as OCSF Detection Findings, validated against the real OCSF 1.3.0 schema."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from functools import cache
from typing import Any

from cloudwarden.core.events import Alert, AlertStatus
from cloudwarden.detect.export import OCSF_VERSION, alert_to_ocsf, write_ocsf_lines


@cache
def _validator() -> Any:
    from jsonschema import validators
    from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema, get_packaged_versions

    assert OCSF_VERSION in get_packaged_versions()
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(OCSF_VERSION)).get_class_schema(
        "detection_finding", []
    )
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(event: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator().iter_errors(event)]


def test_every_alert_is_a_valid_detection_finding(alerts: list[Alert], host_alert: Alert) -> None:
    for alert in [*alerts, host_alert]:
        for status in AlertStatus:
            event = alert_to_ocsf(replace(alert, status=status))
            assert _errors(event) == [], alert.type


def test_detection_finding_mapping(alerts: list[Alert]) -> None:
    event = alert_to_ocsf(alerts[1])
    assert event["class_uid"] == 2004 and event["type_uid"] == 200401
    assert event["severity_id"] == 3 and event["status_id"] == 1
    (attack,) = event["finding_info"]["attacks"]
    assert attack["tactic"]["uid"] == "TA0003"
    assert attack["technique"] == {"uid": "T1098", "name": "Account Manipulation"}
    assert attack["sub_technique"]["uid"] == "T1098.001"
    assert attack["version"].startswith("15")
    assert {"name": "actor.user.name", "type_id": 4,
            "value": "arn:aws:iam::111122223333:user/dev-ci"} in event["observables"]
    assert event["evidences"][0]["api"]["operation"] == "CreateAccessKey"
    assert event["finding_info"]["uid"] == alerts[1].id


def test_ocsf_lines(alerts: list[Alert]) -> None:
    out = io.StringIO()
    assert write_ocsf_lines(alerts, out) == 3
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        alert_to_ocsf(a) for a in alerts
    ]
