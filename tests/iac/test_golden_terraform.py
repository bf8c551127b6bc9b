"""Golden Terraform cases (Checkov style): each directory of `golden/terraform/` holds `.tf`
files and an `expected.yaml` naming, per rule, the resource addresses that fail, pass or are
not applicable when the real catalog judges what the adapter made of them. An asset split off
a resource (an instance's root volume, the account settings) is named `address#part`."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudwarden.core.loader import RuleSpec
from cloudwarden.core.model import Status
from cloudwarden.iac.terraform.adapter import TerraformAdapter
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

GOLDEN = Path(__file__).parent / "golden" / "terraform"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.yaml").is_file())


@pytest.fixture(scope="module")
def catalog() -> list[RuleSpec]:
    return load_catalog()


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, catalog: list[RuleSpec]) -> None:
    folder = GOLDEN / case
    expected: dict[str, Any] = yaml.safe_load((folder / "expected.yaml").read_text()) or {}
    adapter = TerraformAdapter()
    files = sorted(p for p in folder.iterdir() if adapter.claims(p, p.read_bytes()[:4096]))
    loaded = adapter.load(files)
    assert loaded.errors == []
    assert loaded.assets

    wanted_rules = set(expected)
    specs = [s for s in catalog if s.id in wanted_rules]
    assert {s.id for s in specs} == wanted_rules, "unknown rule id in expected.yaml"
    results: dict[str, dict[Status, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in assess(Inventory(loaded.assets), specs):
        results[finding.rule_id][finding.status].add(finding.asset.id.split(":", 1)[1])
    for rule_id, outcome in expected.items():
        for status in ("fail", "pass", "not_applicable"):
            if status in outcome:
                assert results[rule_id][Status(status)] == set(outcome[status]), (
                    f"{rule_id} {status}: {dict(results[rule_id])}")
