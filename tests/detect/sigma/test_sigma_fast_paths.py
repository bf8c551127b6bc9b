"""The Sigma engine's fast paths answer exactly what the slow ones do: the candidate memo (per
distinct routing values) against `candidates` on a fresh context, `step` against `feed` and
`match`, and the dict walk of dotted getters against the general walk."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from cloudwarden.core.events import Event
from cloudwarden.detect.sigma import SigmaEngine, load_sigma, load_sigma_text
from cloudwarden.detect.sigma import _compile as compile_module
from cloudwarden.detect.sigma import _engine as engine_module
from cloudwarden.detect.sigma._values import Context, _walk, compile_getter, compile_lookup
from cloudwarden.service.detect import builtin_sigma_dir

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NAMES = ["StopLogging", "DeleteTrail", "ConsoleLogin", "CreateAccessKey", "GetObject",
         "stoplogging", "PutBucketPolicy", "RunInstances", "CreateUser"]
SOURCES = ["cloudtrail.amazonaws.com", "iam.amazonaws.com", "signin.amazonaws.com", "s3"]
IDENTITY_TYPES = ["Root", "IAMUser", "AssumedRole", "root", None]
ODD_VALUES: list[Any] = [None, 1, True, ["StopLogging", "x"], {"a": "Root"}, "", 1.5]


def _value(rng: random.Random, choices: list[Any]) -> Any:
    return rng.choice(ODD_VALUES) if rng.random() < 0.15 else rng.choice(choices)


def _record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventName": _value(rng, NAMES),
        "eventSource": _value(rng, SOURCES),
        "eventType": rng.choice(["AwsApiCall", "AwsServiceEvent"]),
        "requestParameters": rng.choice(
            [None, {}, {"userName": "bob"}, {"instanceType": "p4d.24xlarge"}]
        ),
        "additionalEventData": rng.choice([None, {"MFAUsed": "No"}, {"MFAUsed": "Yes"}]),
        "responseElements": rng.choice([None, {"ConsoleLogin": "Success"}]),
    }
    kind = rng.random()
    if kind < 0.1:
        record["userIdentity"] = [{"type": "Root"}, {"type": "IAMUser"}]  # a list on the path
    elif kind < 0.2:
        record["userIdentity.type"] = _value(rng, IDENTITY_TYPES)  # a key with the dots
    elif kind < 0.9:
        record["userIdentity"] = {"type": _value(rng, IDENTITY_TYPES)}
    return {k: v for k, v in record.items() if v is not None or rng.random() < 0.5}


def _events(count: int, seed: int) -> list[Event]:
    rng = random.Random(seed)
    events = []
    for i in range(count):
        fields = _record(rng)
        name = fields.get("eventName")
        record: Mapping[str, Any] = MappingProxyType(fields) if rng.random() < 0.05 else fields
        events.append(Event(T0 + timedelta(seconds=i), "aws.cloudtrail",
                            name if isinstance(name, str) else "", fields=record))
    return events


@pytest.fixture(scope="module")
def builtin() -> SigmaEngine:
    ruleset = load_sigma([builtin_sigma_dir()])
    return SigmaEngine(ruleset)


def test_memo_candidates_are_the_computed_ones(builtin: SigmaEngine) -> None:
    route = builtin._routes["aws.cloudtrail"]
    for event in _events(3000, seed=1) * 2:  # the second pass answers from the memo
        selected, _ctx = route.select(event)
        assert list(selected) == route.candidates(Context(event))
    assert route._memo  # it did remember


def test_routing_key_reads_what_the_getters_read(builtin: SigmaEngine) -> None:
    route = builtin._routes["aws.cloudtrail"]
    paths = ["eventName", "eventSource", "userIdentity.type"]
    getters = [compile_getter(p) for p in paths]
    for event in _events(2000, seed=3):
        key = route._key(event)
        assert [key[0], key[1], key[-1]] == [g(Context(event)) for g in getters]


def test_step_feed_and_match_agree(builtin: SigmaEngine) -> None:
    events = _events(2000, seed=2)
    fresh = SigmaEngine(builtin.ruleset)
    stepped = [(m.rule_id, m.event.fields is e.fields) for e in events for m in fresh.step(e)]
    fed = [(m.rule_id, True) for m in SigmaEngine(builtin.ruleset).feed(events)]
    matched = [(m.rule_id, True) for e in events for m in builtin.match(e)]
    assert stepped == fed == matched
    assert fed  # the corpus does match some rules


def test_memo_turns_itself_off_when_values_never_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "_MEMO_SIZE", 8)
    text = """title: t
id: 5b7a4b0e-1f1e-4c1e-9e1e-000000000001
status: test
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    requestParameters.name|contains: secret
  condition: sel
"""
    engine = SigmaEngine(load_sigma_text(text))
    route = engine._routes["aws.cloudtrail"]
    hits = 0
    for i in range(100):
        name = f"secret-{i}" if i % 3 == 0 else f"plain-{i}"
        event = Event(T0, "aws.cloudtrail", "Run",
                      fields={"eventName": "Run", "requestParameters": {"name": name}})
        assert list(route.select(event)[0]) == route.candidates(Context(event))
        hits += len(engine.step(event))
    assert hits == 34
    assert route._memo is None  # every value new: no memo past the first checks


def test_process_route_reads_event_attributes(tmp_path: Path) -> None:
    (tmp_path / "r.yml").write_text("""title: t
id: 5b7a4b0e-1f1e-4c1e-9e1e-000000000002
status: test
level: high
logsource: {product: linux, category: process_creation}
detection:
  sel:
    Image|endswith: /curl
    CommandLine|contains: evil
  condition: sel
""")
    engine = SigmaEngine(load_sigma([tmp_path]))
    route = engine._routes["linux.process"]
    for image, cmd in [("/usr/bin/curl", "curl evil"), ("/usr/bin/curl", "curl ok"),
                       ("/bin/ls", "ls evil"), ("", "evil")] * 2:
        event = Event(T0, "linux.process", image, process=image, command_line=cmd,
                      fields={"Image": image, "CommandLine": cmd})
        assert list(route.select(event)[0]) == route.candidates(Context(event))
        assert [m.rule_id for m in engine.step(event)] == [m.rule_id for m in engine.match(event)]


@pytest.mark.parametrize("path", ["a.b", "a.b.c", "x.y", "a.list.c"])
def test_dotted_lookup_is_the_general_walk(path: str) -> None:
    rng = random.Random(path)
    parts = tuple(path.split("."))
    leaves: list[Any] = [None, "v", 3, {"c": "deep"}, [{"c": "in-list"}, {"c": None}], []]
    for _ in range(500):
        record: dict[str, Any] = {}
        if rng.random() < 0.3:
            record[path] = rng.choice(leaves)
        if rng.random() < 0.8:
            node: Any = rng.choice(leaves)
            for part in reversed(parts[1:]):
                node = rng.choice([{part: node}, [{part: node}], "scalar", None])
            record[parts[0]] = node
        expected = record.get(path)
        if expected is None:
            expected = _walk(record, parts)
        assert compile_lookup(path)(record) == expected
        event = Event(T0, "aws.cloudtrail", "x", fields=record)
        assert compile_getter(path)(Context(event)) == expected


LIST_RULE = """title: t
id: 5b7a4b0e-1f1e-4c1e-9e1e-000000000003
status: test
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  names:
    eventName:
    - StopLogging
    - DeleteTrail
    - ΣΑΣ
    - ''
    - 'true'
    - '7'
  mixed:
    userAgent:
    - aws-cli*
    - Boto3
  cased:
    awsRegion|cased:
    - us-east-1
    - EU-West-1
  condition: names or mixed or cased
"""


def test_one_of_literals_is_the_or_of_its_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = SigmaEngine(load_sigma_text(LIST_RULE))
    monkeypatch.setattr(compile_module, "_one_of_literals", lambda node: None)
    plain = SigmaEngine(load_sigma_text(LIST_RULE))
    sigmas = ["\u03c3\u03b1\u03c2", "\u03a3\u0391\u03a3", "\u03c3\u03b1\u03c3"]  # final sigma
    values: list[Any] = ["StopLogging", "stoplogging", "DELETETRAIL", *sigmas, "",
                         "true", True, False, 7, 7.0, "7", None, ["x", "deletetrail"], [],
                         {"a": "StopLogging"}, "aws-cli/2", "boto3", "us-east-1", "US-EAST-1",
                         "EU-West-1"]
    rng = random.Random(4)
    for _ in range(2000):
        fields = {k: rng.choice(values) for k in ("eventName", "userAgent", "awsRegion")
                  if rng.random() < 0.8}
        event = Event(T0, "aws.cloudtrail", "x", fields=fields)
        assert [m.rule_id for m in fast.match(event)] == [m.rule_id for m in plain.match(event)]
