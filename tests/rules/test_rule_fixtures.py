"""Every rule's pass, fail and not-applicable fixtures, run through the real engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.fixtures import Fixture, fixture_assets, read_fixtures
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SPECS, _ = load_rules(known_types=default_registry().names())
BY_ID = {s.id: s for s in SPECS}


def _cases() -> list[Fixture]:
    cases: list[Fixture] = []
    for spec in SPECS:
        if spec.fixtures_path.is_file():
            cases.extend(read_fixtures(spec.id, spec.fixtures_path))
    return cases


@pytest.mark.parametrize("fixture", _cases(), ids=lambda f: f"{f.rule_id}:{f.name}")
def test_fixture(fixture: Fixture) -> None:
    spec: RuleSpec = BY_ID[fixture.rule_id]
    subject, related = fixture_assets(spec.meta.asset_type, fixture)
    engine = Engine([spec], now=NOW)
    inventory = Inventory([subject, *related])
    (finding,) = engine.assess_asset(subject, inventory)
    assert finding.status is fixture.expected, finding.message
    if finding.status in (Status.PASS, Status.FAIL):
        assert finding.evidence, "a decided result must carry the evidence that decided it"
