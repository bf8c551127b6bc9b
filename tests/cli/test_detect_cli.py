"""`detect`, `alerts`, `incidents` and `sigma check` over the real-format parser fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cloudwarden.cli.main import app

FIXTURES = Path(__file__).parent.parent / "detect" / "sources" / "fixtures"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item["id"]))


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
    assert code == 0 and by_id(json.loads(out)) == by_id(results["incidents"])

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


def detect_into(db: str, tmp_path: Path, *extra: str) -> list[dict[str, Any]]:
    code, out, err = run("detect", str(FIXTURES), "--state-dir", str(tmp_path / "state"),
                         "--db", db, "-o", "json", *extra)
    assert code == 0, err
    alerts: list[dict[str, Any]] = json.loads(out)["alerts"]
    return alerts


def test_detect_keeps_alerts_in_the_store_and_their_status_between_runs(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    detected = detect_into(db, tmp_path)
    code, out, err = run("alerts", "--db", db, "-o", "json")
    assert code == 0, err
    stored = json.loads(out)
    assert {a["id"] for a in stored} == {a["id"] for a in detected}
    # built-in Sigma rules give readable alert types
    assert "aws.cloudtrail.logging_disabled" in {a["type"] for a in stored}
    assert not any(a["type"].startswith("sigma.") for a in stored)
    code, out, _ = run("alerts", "list", "--db", db, "-o", "json",
                       "--type", "aws.cloudtrail.logging_disabled")
    assert code == 0 and {a["type"] for a in json.loads(out)} == {
        "aws.cloudtrail.logging_disabled"}

    target = next(a["id"] for a in stored if a["type"] == "aws.cloudtrail.logging_disabled")
    unique = next(target[:n] for n in range(1, len(target) + 1)
                  if sum(a["id"].startswith(target[:n]) for a in stored) == 1)
    code, out, err = run("alerts", "set-status", unique, "dismissed", "--reason",
                         "maintenance window", "--actor", "bob", "--db", db)
    assert code == 0, err
    assert f"alert {target} is dismissed" in out
    code, out, _ = run("alerts", "--db", db, "-o", "json", "--status", "dismissed")
    assert [a["id"] for a in json.loads(out)] == [target]

    # a dismissed alert stays dismissed when the next run sees it again
    detect_into(db, tmp_path)
    code, out, _ = run("alerts", "--db", db, "-o", "json", "--status", "dismissed")
    assert [a["id"] for a in json.loads(out)] == [target]

    code, out, _ = run("incidents", "--db", db, "-o", "json")
    assert code == 0 and json.loads(out)
    code, out, _ = run("alerts", "--db", db, "-o", "json")
    count = len(json.loads(out))
    code, out, _ = run("alerts", "--db", db)
    assert code == 0 and f"{count} alerts" in out


def test_set_status_errors_are_clear(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    stored = detect_into(db, tmp_path)
    first = stored[0]["id"]
    run("alerts", "set-status", first, "resolved", "--db", db, "--reason", "fixed")
    code, _, err = run("alerts", "set-status", first, "dismissed", "--db", db)
    assert code == 1 and "cannot go from resolved to dismissed" in err
    code, _, err = run("alerts", "set-status", "no-such-alert", "active", "--db", db)
    assert code == 1 and "no alert no-such-alert" in err
    shared = first[:1]
    if sum(a["id"].startswith(shared) for a in stored) > 1:
        code, _, err = run("alerts", "set-status", shared, "active", "--db", db)
        assert code == 1 and "ambiguous" in err
    code, _, err = run("alerts", "set-status", first, "closed", "--db", db)
    assert code == 1 and "unknown alert status 'closed'" in err
    code, _, err = run("alerts", "--status", "closed", "--db", db)
    assert code == 1 and "unknown alert status 'closed'" in err


def test_no_store_leaves_the_store_empty_and_alerts_fall_back_to_the_results_file(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    detected = detect_into(db, tmp_path, "--no-store")
    from cloudwarden.store import Store

    with Store.open(db) as store:
        assert store.alerts() == []
    code, out, _ = run("alerts", "--db", db, "-o", "json")
    assert code == 0 and {a["id"] for a in json.loads(out)} == {a["id"] for a in detected}
    code, out, _ = run("incidents", "--db", db, "-o", "json")
    assert code == 0 and json.loads(out)


def test_unopenable_store_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("alerts", "--db", "nosuchdriver://x")
    assert code == 1 and err.strip()


def test_detect_links_alerts_to_the_latest_scans_inventory(tmp_path: Path) -> None:
    from cloudwarden.core.model import Asset, AssetRef
    from cloudwarden.inventory.snapshot import Inventory
    from cloudwarden.store import Store

    url = f"sqlite:///{tmp_path / 'cw.db'}"
    trail = Asset(AssetRef("aws", "123456789012", "us-east-1", "aws.cloudtrail.trail",
                           "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"), "main",
                  {"Name": "main"})
    with Store.open(url) as store:
        scan_id = store.begin_scan("aws", {"accounts": ["123456789012"]})
        store.save_results(scan_id, Inventory([trail]), [])
        store.finish_scan(scan_id)
    code, out, err = run("detect", str(FIXTURES / "cloudtrail.jsonl"), "--state-dir",
                         str(tmp_path / "state"), "-o", "json", "--db", url)
    assert code == 0, err
    stopped = [a for a in json.loads(out)["alerts"]
               if a["type"] == "aws.cloudtrail.logging_disabled"]
    assert stopped and stopped[0]["assets"] == [trail.ref.key]
    code, out, _ = run("alerts", "-o", "json", "--db", url)
    stored = [a for a in json.loads(out) if a["type"] == "aws.cloudtrail.logging_disabled"]
    assert stored[0]["assets"] == [trail.ref.key]
