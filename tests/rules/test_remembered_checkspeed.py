"""Every rule whose verdicts are remembered (`verdict_memo.remembered`) judges as its own check
asked afresh, on the fixture documents of its asset type.

Each document is judged in copies whose other top-level properties are replaced - text
(names, ids, ARNs) and some others by short random words that also occur in the messages,
some others by another document's value - as is the asset name, so that copies share the
values the memo keys on and differ in everything the rule must not read. The remembered
check and its undecorated one (`__wrapped__`, with a context of its own) must give the same
status, message, evidence and error for every copy.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.checks.outcomes import outcome as _outcome

from cloudwarden.assets import default_registry
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.fixtures import read_fixtures
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_WORDS = ("a", "e", "policy", "role", "group", "s", "sg-1", "Pod", "", "IAM", "no", "x y")


def _catalog() -> tuple[list[RuleSpec], dict[str, list[dict[str, Any]]]]:
    specs, _ = load_rules(known_types=default_registry().names())
    documents: dict[str, list[dict[str, Any]]] = {}
    for spec in specs:
        if not spec.fixtures_path.is_file():
            continue
        for fixture in read_fixtures(spec.id, spec.fixtures_path):
            documents.setdefault(spec.meta.asset_type, []).append(
                dict(fixture.data["properties"]))
    remembered = [s for s in specs
                  if hasattr(s.compile(now=NOW).check, "remembered_fields")]
    return remembered, documents


_REMEMBERED, _DOCUMENTS = _catalog()


def test_the_remembered_rules() -> None:
    ids = {s.id for s in _REMEMBERED}
    assert len(ids) >= 20
    assert {"aws.autoscaling.group_multiple_instance_types", "kubernetes.workload.run_as_non_root",
            "aws.ec2.security_group_no_ssh_from_world"} <= ids


@pytest.mark.parametrize("spec", _REMEMBERED, ids=lambda s: s.id)
def test_remembered_rule_judges_as_its_check(spec: RuleSpec) -> None:
    rule = spec.compile(now=NOW)
    check = rule.check
    fields = check.remembered_fields  # type: ignore[union-attr]
    rng = random.Random(spec.id)
    ours = CheckContext(Inventory(), NOW, rule.params)
    theirs = CheckContext(Inventory(), NOW, rule.params)
    documents = _DOCUMENTS[spec.meta.asset_type]
    assert documents
    for i in range(12 * len(documents)):
        doc = copy.deepcopy(documents[i % len(documents)])
        other = rng.choice(documents)
        for key, value in list(doc.items()):
            if key in fields:
                continue
            roll = rng.random()
            if isinstance(value, str) or roll < 0.3:
                doc[key] = rng.choice(_WORDS)
            elif roll < 0.6:  # another document's value: counts, lists, flags
                doc[key] = copy.deepcopy(other.get(key))
        asset = Asset(AssetRef("aws", "111122223333", "us-east-1", spec.meta.asset_type,
                               f"id{i}"), rng.choice(_WORDS), doc)
        got = _outcome(check, asset, ours)
        want = _outcome(check.__wrapped__, asset, theirs)  # type: ignore[union-attr]
        assert got == want, (spec.id, doc)
