"""Golden Kubernetes manifest cases (Checkov style): each directory of `golden/kubernetes/`
holds manifests and an `expected.yaml` naming, per rule, the objects (`Kind/namespace/name`)
that fail, pass or are not applicable when the real catalog judges what the adapter made of
them. `errors:` lists the files that must be refused, with the line and a part of the
message; `assets:` optionally pins the origin (`file:start-end`) of objects."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudwarden.core.loader import RuleSpec
from cloudwarden.core.model import Asset, Status
from cloudwarden.iac.kubernetes import KubernetesManifestAdapter
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

GOLDEN = Path(__file__).parent / "golden" / "kubernetes"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.yaml").is_file())


@pytest.fixture(scope="module")
def catalog() -> list[RuleSpec]:
    return load_catalog()


def _object_id(asset: Asset) -> str:
    """`Kind/namespace/name`: the asset id without its file prefix."""
    return asset.ref.id.split(":", 1)[1]


def test_every_case_directory_has_expectations() -> None:
    assert {"insecure_app", "hardened_app", "helm_rendered", "list", "malformed"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, catalog: list[RuleSpec]) -> None:
    folder = GOLDEN / case
    expected: dict[str, Any] = yaml.safe_load((folder / "expected.yaml").read_text()) or {}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "expected.yaml")
    adapter = KubernetesManifestAdapter(root=folder, kubectl=None)
    loaded = adapter.load([p for p in files if adapter.claims(p, p.read_bytes()[:4096])])

    want_errors = expected.pop("errors", [])
    got_errors = sorted((e.path, e.line, e.message) for e in loaded.errors)
    assert [(e[0], e[1]) for e in got_errors] == sorted(
        (w["file"], w["line"]) for w in want_errors), got_errors
    for (_, _, message), want in zip(got_errors, sorted(
            want_errors, key=lambda w: (w["file"], w["line"])), strict=True):
        assert want["message"] in message, message

    origins = expected.pop("assets", {})
    by_id = {_object_id(a): a for a in loaded.assets}
    for object_id, origin in origins.items():
        assert by_id[object_id].origin == origin, object_id

    wanted_rules = set(expected)
    specs = [s for s in catalog if s.id in wanted_rules]
    assert {s.id for s in specs} == wanted_rules, "unknown rule id in expected.yaml"
    results: dict[str, dict[Status, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in assess(Inventory(loaded.assets), specs):
        results[finding.rule_id][finding.status].add(finding.asset.id.split(":", 1)[1])
    for rule_id, outcome in expected.items():
        assert Status.ERROR not in results[rule_id], dict(results[rule_id])
        for status in ("fail", "pass", "not_applicable"):
            got = results[rule_id][Status(status)]
            assert got == set(outcome.get(status) or []), f"{rule_id} {status}: {sorted(got)}"
