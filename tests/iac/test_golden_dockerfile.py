"""Golden Dockerfile cases (Checkov style): each directory of `golden/dockerfile/` holds
Dockerfiles and an `expected.yaml` naming, per rule, the stages (`<file>#<stage name or
index>`) that fail, pass or are not applicable when the real catalog judges what the adapter
made of them. `errors:` lists the files that must be refused, with the line and a part of the
message."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudwarden.core.loader import RuleSpec
from cloudwarden.core.model import Status
from cloudwarden.iac.dockerfile import DockerfileAdapter
from cloudwarden.iac.secrets import scan_text
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

GOLDEN = Path(__file__).parent / "golden" / "dockerfile"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.yaml").is_file())


@pytest.fixture(scope="module")
def catalog() -> list[RuleSpec]:
    return load_catalog()


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, catalog: list[RuleSpec]) -> None:
    folder = GOLDEN / case
    expected: dict[str, Any] = yaml.safe_load((folder / "expected.yaml").read_text()) or {}
    adapter = DockerfileAdapter()
    files = sorted(p for p in folder.iterdir() if adapter.claims(p, p.read_bytes()[:4096]))
    assert files, "the case holds no file the adapter claims"
    loaded = adapter.load(files)
    prefix = folder.as_posix() + "/"

    want_errors = expected.pop("errors", [])
    got_errors = {e.path.removeprefix(prefix): e for e in loaded.errors}
    assert sorted(got_errors) == sorted(e["file"] for e in want_errors), loaded.errors
    for want in want_errors:
        got = got_errors[want["file"]]
        assert want["message"] in got.message, got
        assert got.line == want.get("line", got.line), got
        assert got.to_finding().status is Status.ERROR

    wanted_rules = set(expected)
    specs = [s for s in catalog if s.id in wanted_rules]
    assert {s.id for s in specs} == wanted_rules, "unknown rule id in expected.yaml"
    results: dict[str, dict[Status, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in assess(Inventory(loaded.assets), specs):
        results[finding.rule_id][finding.status].add(finding.asset.id.removeprefix(prefix))
    wrong = [f"{rule_id} {status}: got {sorted(results[rule_id][Status(status)])}"
             for rule_id, outcome in expected.items()
             for status in ("fail", "pass", "not_applicable")
             if results[rule_id][Status(status)] != set(outcome.get(status, []))]
    assert not wrong, "\n".join(wrong)

    # secrets written in the Dockerfiles never reach the stored documents or the findings
    stored = json.dumps([a.to_dict() for a in loaded.assets]) + json.dumps(
        [f.to_dict() for f in assess(Inventory(loaded.assets), specs)])
    for path in files:
        if path.as_posix() in {e.path for e in loaded.errors}:
            continue
        text = path.read_text()
        for hit in scan_text(text, "dockerfile"):
            assert text[hit.start:hit.end] not in stored, f"{path.name}: {hit.kind} leaked"
