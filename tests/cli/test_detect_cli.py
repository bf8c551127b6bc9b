"""`detect`, `alerts`, `incidents` and `sigma check` over the real-format parser fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwarden.cli.main import app

FIXTURES = Path(__file__).parent.parent / "detect" / "sources" / "fixtures"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def test_detect_alerts_and_incidents(tmp_path: Path) -> None:
    code, out, err = run("detect", str(FIXTURES), "--state-dir", str(tmp_path / "state"),
                         "-o", "json")
    assert code == 0, err
    results = json.loads(out)
    titles = {a["title"] for a in results["alerts"]}
    assert "CloudTrail logging stopped or trail deleted" in titles
    assert any(a["technique"] == "T1562.008" for a in results["alerts"])
    assert results["incidents"] and all(len(i["stages"]) >= 2 for i in results["incidents"])
    assert "malformed records were counted" in err
    assert (tmp_path / "state" / "anomaly.json").is_file()

    code, out, _ = run("alerts", "--severity", "high", "-o", "json")
    assert code == 0
    assert {a["severity"] for a in json.loads(out)} <= {"high", "critical"}
    code, out, _ = run("incidents", "-o", "json")
    assert code == 0 and json.loads(out) == results["incidents"]

    code, out, _ = run("detect", str(FIXTURES / "cloudtrail.jsonl"), "--state-dir",
                       str(tmp_path / "state"), "-o", "ocsf")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert events and all(e["class_uid"] == 2004 for e in events)

    code, _, _ = run("detect", str(FIXTURES / "cloudtrail.jsonl"), "--state-dir",
                     str(tmp_path / "state"), "--fail-on", "high")
    assert code == 3


def test_sigma_check_reports_bad_rules(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "good.yml").write_text(
        "title: Trail stopped\nid: 6b7c9a5e-3f0b-4a4e-9d3c-0f1e2d3c4b5a\nstatus: test\n"
        "logsource: {product: aws, service: cloudtrail}\n"
        "detection:\n  sel: {eventName: StopLogging}\n  condition: sel\nlevel: high\n")
    (rules / "bad.yml").write_text("title: [broken\n")
    code, out, _ = run("sigma", "check", str(rules))
    assert code == 1 and "bad.yml" in out


def test_no_results_yet() -> None:
    code, _, err = run("alerts")
    assert code == 1 and "no detection results yet" in err


def test_unreadable_input_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("detect", str(tmp_path / "missing.log"), "--state-dir",
                       str(tmp_path / "state"))
    assert code in (0, 1)
    assert "missing.log" in err or "0 event" in err
