from __future__ import annotations

import io
import json

from cloudwarden.core.events import Alert
from cloudwarden.detect.export import write_jsonl
from cloudwarden.detect.fusion import Incident


def test_alerts_and_incidents_as_json_lines(alerts: list[Alert], incident: Incident) -> None:
    out = io.StringIO()
    assert write_jsonl([*alerts, incident], out) == 4
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [d["kind"] for d in docs] == ["alert", "alert", "alert", "incident"]
    first = docs[0]
    assert first["id"] == alerts[0].id and first["severity"] == "medium"
    assert first["tactic"] == "TA0006" and first["tactic_name"] == "Credential Access"
    assert first["technique_name"].endswith("Cloud Secrets Management Stores")
    assert first["count"] == 2 and len(first["evidence"]) == 2
    assert first["evidence"][0]["fields"]["when"] == "2024-05-01T09:00:00+00:00"
    inc = docs[3]
    assert inc["stages"] == ["persistence", "defense-evasion", "credential-access"]
    assert inc["severity"] == "critical" and len(inc["alerts"]) == 3
    assert "evidence" not in inc["alerts"][0]
