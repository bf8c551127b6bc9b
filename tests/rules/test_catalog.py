"""Lint of the whole built-in catalog: ids, asset types, remediation, fixtures, frameworks."""

from __future__ import annotations

from collections import Counter

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.fixtures import read_fixtures
from cloudwarden.core.loader import UNWRITTEN, load_rules
from cloudwarden.core.model import Status

REGISTRY = default_registry()
SPECS, PROBLEMS = load_rules(known_types=REGISTRY.names(), collect_errors=True)


def test_every_rule_file_loads() -> None:
    assert PROBLEMS == []


def test_ids_are_unique_and_readable() -> None:
    counts = Counter(s.id for s in SPECS)
    assert [i for i, n in counts.items() if n > 1] == []
    for spec in SPECS:
        assert spec.id.startswith(spec.meta.asset_type.split(".")[0] + ".")
        assert spec.path.parent.name == spec.meta.service, spec.path


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_rule_is_complete(spec) -> None:  # type: ignore[no-untyped-def]
    meta = spec.meta
    assert meta.asset_type in REGISTRY
    assert len(meta.remediation.text) >= 20
    assert meta.remediation.cli or meta.remediation.terraform or meta.remediation.console
    assert meta.references, "cite at least one reference"
    written = (meta.title, meta.description, meta.risk, meta.remediation.text,
               meta.remediation.cli, meta.remediation.terraform, *meta.references)
    assert not any(UNWRITTEN in text for text in written), "a scaffold left half-written"
    assert spec.fixtures_path.is_file(), f"missing {spec.fixtures_path.name}"
    statuses = {f.expected for f in read_fixtures(spec.id, spec.fixtures_path)}
    assert Status.PASS in statuses and Status.FAIL in statuses


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_rule_reads_only_declared_fields(spec) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    compiled = spec.compile(now=datetime.now(UTC))
    asset_type = REGISTRY[spec.meta.asset_type]
    for cond in (compiled.applies, compiled.match):
        if cond is None:
            continue
        for path in cond.paths:
            assert asset_type.has_path(path), f"{spec.id} reads undeclared field {path}"


def test_declared_reads_are_top_level_fields() -> None:
    """A Python check's `reads:` names top-level fields its asset type declares (the engine
    does not judge the rule where one of them is unknown)."""
    undeclared = [(spec.id, name) for spec in SPECS for name in spec.reads
                  if name not in REGISTRY[spec.meta.asset_type].fields]
    assert undeclared == []
