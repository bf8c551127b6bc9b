"""The built-in Sigma rules: valid for pySigma, complete metadata, and each rule's fixtures
(a matching and a near-miss event) run through our Sigma engine."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sigma.collection import SigmaCollection
from sigma.rule import SigmaRule
from sigma.validators.core import validators

from cloudwarden.core.events import Event
from cloudwarden.detect.anomaly import ANOMALY_TYPES
from cloudwarden.detect.rules import RULES_DIR, builtin_rule_paths
from cloudwarden.detect.rules.catalog import builtin_detectors
from cloudwarden.detect.sigma import SigmaEngine, load_sigma

PATHS = builtin_rule_paths()
LEVELS = {"informational", "low", "medium", "high", "critical"}
TACTICS = {
    "initial_access", "execution", "persistence", "privilege_escalation", "defense_evasion",
    "credential_access", "discovery", "lateral_movement", "collection", "command_and_control",
    "exfiltration", "impact",
}  # fmt: skip
#: pySigma validators that need ATT&CK/D3FEND data downloaded at run time
NETWORK_VALIDATORS = {"attacktag", "d3_fendtag"}
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def _rule(path: Path) -> SigmaRule:
    collection = SigmaCollection.from_yaml(path.read_text(encoding="utf-8"), collect_errors=True)
    assert not collection.errors, collection.errors
    (rule,) = collection.rules
    assert isinstance(rule, SigmaRule)
    return rule


def _doc(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_there_are_at_least_80_builtin_detections() -> None:
    stateful = [d.id for d in builtin_detectors(bad_domains=["evil.example"])]
    total = len(PATHS) + len(stateful) + len(ANOMALY_TYPES)
    assert len(PATHS) >= 70
    assert total >= 80


def test_ids_and_names_are_unique_across_sigma_and_stateful() -> None:
    docs = [_doc(p) for p in PATHS]
    ids = [d["id"] for d in docs]
    names = [d["name"] for d in docs]
    stateful = [d.id for d in builtin_detectors(bad_domains=["evil.example"])]
    assert len(set(ids)) == len(ids)
    everything = names + stateful + list(ANOMALY_TYPES)
    assert len(set(everything)) == len(everything)


@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_rule_is_valid_sigma_with_complete_metadata(path: Path) -> None:
    rule = _rule(path)
    for condition in rule.detection.parsed_condition:
        condition.parse()  # conditions are parsed lazily; make a bad one fail here
    doc = _doc(path)
    assert uuid.UUID(doc["id"])
    assert doc["name"] == path.stem
    family = doc["name"].split(".")[0]
    assert path.relative_to(RULES_DIR).parts[0] == doc["logsource"]["product"]
    assert family in {"aws", "azure", "gcp", "kubernetes", "linux"}
    assert doc["level"] in LEVELS
    tactics = [t.name for t in rule.tags if t.namespace == "attack" and t.name[0] != "t"]
    techniques = [t.name for t in rule.tags if t.namespace == "attack" and t.name[0] == "t"]
    assert tactics and set(tactics) <= TACTICS
    assert techniques and all(t[1:5].isdigit() for t in techniques)
    assert doc["falsepositives"] and doc["description"]
    assert len(rule.custom_attributes["remediation"]) > 20
    fixtures = rule.custom_attributes["fixtures"]
    assert fixtures["match"] and fixtures["no_match"]


def test_pysigma_validators_find_no_issue() -> None:
    rules = [_rule(p) for p in PATHS]
    issues = []
    for name, validator_class in sorted(validators.items()):
        if name in NETWORK_VALIDATORS:
            continue
        validator = validator_class()
        for rule in rules:
            issues += validator.validate(rule)
        issues += validator.finalize()
    assert issues == []


def _event(source: str, spec: dict[str, Any]) -> Event:
    fields = spec.get("fields", {})
    action = str(
        spec.get("action")
        or fields.get("eventName")
        or fields.get("operationName")
        or fields.get("verb")
        or (fields.get("protoPayload") or {}).get("methodName")
        or spec.get("process", "").rsplit("/", 1)[-1]
        or "event"
    )
    attributes = {k: v for k, v in spec.items() if k not in ("fields", "action")}
    return Event(time=NOW, source=source, action=action, fields=fields, **attributes)


def _fixture_cases() -> list[Any]:
    cases = []
    for path in PATHS:
        doc = _doc(path)
        fixtures = doc["fixtures"]
        for expected, key in ((True, "match"), (False, "no_match")):
            for index, spec in enumerate(fixtures[key]):
                case_id = f"{path.stem}-{key}-{index}"
                cases.append(pytest.param(doc, fixtures["source"], spec, expected, id=case_id))
    return cases


@pytest.fixture(scope="module")
def engine() -> Any:
    ruleset = load_sigma(RULES_DIR)
    assert not ruleset.errors, [str(e) for e in ruleset.errors]
    assert not ruleset.unsupported, [str(e) for e in ruleset.unsupported]
    assert len(ruleset.rules) == len(PATHS)
    return SigmaEngine(ruleset)


@pytest.mark.parametrize(("doc", "source", "spec", "expected"), _fixture_cases())
def test_rule_fixtures_through_the_engine(
    engine: Any, doc: dict[str, Any], source: str, spec: dict[str, Any], expected: bool
) -> None:
    matched = {m.rule_id for m in engine.match(_event(source, spec))}
    assert (doc["id"] in matched) is expected


def test_fixture_events_name_known_sources() -> None:
    known = {
        "aws.cloudtrail", "azure.activity", "azure.signin", "gcp.audit", "kubernetes.audit",
        "linux.process", "linux.auditd", "linux.auth",
    }  # fmt: skip
    assert {_doc(p)["fixtures"]["source"] for p in PATHS} <= known
