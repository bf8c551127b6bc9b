"""JSON sources read records through one fused loop (`_json_events`); it must give what the
spelled-out pipeline gives, `drive(iter_json_records(...))`: the same events, counts and
problems in the same order, over every kind of line the readers know."""

from __future__ import annotations

import io
import random
from collections.abc import Mapping
from typing import Any

import orjson
import pytest

from cloudwarden.core.events import Event
from cloudwarden.detect.sources import _input, _json
from cloudwarden.detect.sources._base import Malformed, ParseStats, drive
from cloudwarden.detect.sources.cloudtrail import cloudtrail_event


def _convert(record: Mapping[str, Any], origin: str) -> Event | None:
    if record.get("skip"):
        return None
    if record.get("boom"):
        raise Malformed("boom")
    return cloudtrail_event(record, origin)


def _record(rng: random.Random, i: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventName": rng.choice(["GetObject", "StopLogging", ""]),
        "eventTime": rng.choice(["2026-01-01T00:00:00Z", "bad", "2026-01-01T00:00:01+02:00"]),
        "userIdentity": {"arn": f"arn:u{i}"},
    }
    if rng.random() < 0.1:
        record["skip"] = True
    if rng.random() < 0.1:
        record["boom"] = True
    return record


def _line(rng: random.Random, i: int) -> bytes:
    kind = rng.random()
    if kind < 0.5:
        return orjson.dumps(_record(rng, i))
    choices = [b"", b"   ", b"\t", b"{not json", b"null", b"3", b'"text"', b"[1, 2]",
               b"[]", orjson.dumps([_record(rng, i), 5]),
               orjson.dumps({"Records": [_record(rng, i), "x"]}),
               orjson.dumps({"records": []}), orjson.dumps({"value": 7}),
               b"x" * rng.randrange(60, 200)]
    return rng.choice(choices)


def _stream(rng: random.Random) -> bytes:
    lines = [_line(rng, i) for i in range(rng.randrange(0, 40))]
    if lines and rng.random() < 0.15:
        lines[0] = rng.choice([b"[", b'{"Records": [', b"{", b"  [ "])
    ends = [rng.choice([b"\n", b"\r\n", b"\r\r\n"]) for _ in lines]
    data = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    if lines and rng.random() < 0.4:  # a last line without its newline
        data = data.rstrip(b"\r\n")
    return data


def _run(data: bytes, fused: bool) -> tuple[list[tuple[str, str, str]], tuple[Any, ...]]:
    stats = ParseStats(max_examples=1000)
    reader = io.BufferedReader(io.BytesIO(data))
    if fused:
        events = list(_json._json_events(reader, "f", stats, _convert))
    else:
        events = list(drive(_json.iter_json_records(reader, "f", stats), _convert, stats))
    problems = [(p.origin, p.reason) for p in stats.examples]
    seen = [(e.origin, e.action, e.time.isoformat()) for e in events]
    return seen, (stats.records, stats.events, stats.skipped, stats.malformed, problems)


@pytest.mark.parametrize("limit", [None, 96])
def test_fused_json_reader_is_the_spelled_out_pipeline(
    limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if limit is not None:  # lines longer than the limit are skipped and counted
        monkeypatch.setattr(_json, "MAX_RECORD_BYTES", limit)
        monkeypatch.setattr(_input.iter_lines, "__defaults__", (limit,))
    rng = random.Random(limit or 0)
    for _ in range(400):
        data = _stream(rng)
        assert _run(data, fused=True) == _run(data, fused=False), data
