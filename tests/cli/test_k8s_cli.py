"""`cloudwarden scan k8s` against the recorded API server: table, SARIF, fail-on, bad context."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.collectors.kubernetes.fake_apiserver import Behaviour, FakeApiServer, write_kubeconfig
from typer.testing import CliRunner

from cloudwarden.cli.main import app

runner = CliRunner()


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Iterator[Path]:
    server = FakeApiServer(Behaviour()).start()
    try:
        yield write_kubeconfig(tmp_path / "kubeconfig", server.url, context="lab")
    finally:
        server.stop()


def test_scan_k8s_reports_and_stores(kubeconfig: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    result = runner.invoke(app, ["scan", "k8s", "--kubeconfig", str(kubeconfig), "--db", db,
                                 "-o", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    rules = {f["rule_id"] for f in report["findings"] if f["status"] == "fail"}
    assert any(r.startswith("kubernetes.") for r in rules)
    assert "resources" in result.stderr and "scan" in result.stderr
    listed = runner.invoke(app, ["findings", "--db", db, "-o", "json"])
    assert listed.exit_code == 0
    assert {f["asset"]["provider"] for f in json.loads(listed.stdout)["findings"]} == {
        "kubernetes"}


def test_scan_k8s_sarif_and_fail_on(kubeconfig: Path) -> None:
    result = runner.invoke(app, ["scan", "k8s", "--kubeconfig", str(kubeconfig), "--no-store",
                                 "-o", "sarif", "--fail-on", "high"])
    assert result.exit_code == 3, result.stderr
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


def test_an_unknown_context_is_a_clear_error(kubeconfig: Path) -> None:
    result = runner.invoke(app, ["scan", "k8s", "--kubeconfig", str(kubeconfig), "--no-store",
                                 "--context", "nope"])
    assert result.exit_code == 1
    assert "nope" in result.stderr
