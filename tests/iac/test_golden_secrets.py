"""Golden secrets cases: each directory of `golden/secrets/` holds configuration, IaC and
script files and an `expected.yaml` giving every secret the scanner must find (`secrets:`,
file -> [[kind, line], ...]) and, per rule, the files that fail or pass when the real catalog
judges the `secrets.file` assets. A rule's files not listed under `pass` or `fail` must pass
(a secret reported where none is expected is a failure of the case). `errors:` lists the
files that must be refused. No secret value may appear in the findings or the assets."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudwarden.core.loader import RuleSpec
from cloudwarden.core.model import Status
from cloudwarden.iac.secrets import SecretsAdapter, file_format, scan_text
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

GOLDEN = Path(__file__).parent / "golden" / "secrets"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.yaml").is_file())


@pytest.fixture(scope="module")
def catalog() -> list[RuleSpec]:
    return [s for s in load_catalog() if s.id.startswith("secrets.")]


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, catalog: list[RuleSpec]) -> None:
    folder = GOLDEN / case
    expected: dict[str, Any] = yaml.safe_load((folder / "expected.yaml").read_text()) or {}
    adapter = SecretsAdapter()
    files = sorted(p for p in folder.iterdir()
                   if p.name != "expected.yaml" and adapter.claims(p, p.read_bytes()[:4096]))
    loaded = adapter.load(files)
    prefix = folder.as_posix() + "/"

    want_errors = expected.pop("errors", [])
    got_errors = {e.path.removeprefix(prefix): e for e in loaded.errors}
    assert sorted(got_errors) == sorted(e["file"] for e in want_errors), loaded.errors
    for want in want_errors:
        got = got_errors[want["file"]]
        assert want["message"] in got.message, got
        assert got.line == want.get("line", got.line), got

    found = {a.ref.id.removeprefix(prefix): [[s["Kind"], s["Line"]]
                                             for s in a.properties["Secrets"]]
             for a in loaded.assets}
    assert found == expected.pop("secrets", {}), found

    specs = [s for s in catalog if s.id in expected]
    assert {s.id for s in specs} == set(expected), "unknown rule id in expected.yaml"
    results: dict[str, dict[Status, set[str]]] = defaultdict(lambda: defaultdict(set))
    findings = assess(Inventory(loaded.assets), specs)
    for finding in findings:
        results[finding.rule_id][finding.status].add(finding.asset.id.removeprefix(prefix))
    for rule_id, outcome in expected.items():
        fail = set(outcome.get("fail", []))
        assert results[rule_id][Status.FAIL] == fail, (rule_id, dict(results[rule_id]))
        assert set(outcome.get("pass", [])) <= results[rule_id][Status.PASS], rule_id
        assert results[rule_id][Status.PASS] == set(found) - fail, rule_id

    # the secrets themselves are nowhere in what a scan stores or shows
    stored = json.dumps([f.to_dict() for f in findings], default=str) + json.dumps(
        [a.to_dict() for a in loaded.assets], default=str)
    scanned = {a.ref.id for a in loaded.assets}
    for path in files:
        if path.as_posix() not in scanned:
            continue
        text = path.read_text()
        for hit in scan_text(text, file_format(path) or "text"):
            value = text[hit.start:hit.end]
            if hit.kind == "private_key":  # the header is public: the key body follows it
                value = text[hit.end:].strip().split("\n", 1)[0]
            assert len(value) >= 6 and value not in stored, f"{path.name}: {hit.kind} leaked"
