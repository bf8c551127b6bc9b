"""JSON records from a stream: JSON lines (one record per line, streamed), or one JSON document
per file (`{"Records": [...]}` as CloudTrail delivers, `{"records": [...]}` from Azure
diagnostic settings, `{"value": [...]}` from Microsoft Graph, or a bare array as portals
export). A line that holds a whole container document is expanded, so CloudTrail's single-line
files and JSON lines of them both work. A multi-line document is parsed per file: delivered
files are of moderate size (tens of MB), and `MAX_RECORD_BYTES` caps it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import RECORD_ERRORS, ParseStats, drive
from cloudwarden.detect.sources._input import (
    MAX_RECORD_BYTES,
    Input,
    input_name,
    iter_lines,
    open_input,
)

__all__ = ["iter_json_records"]

CONTAINER_KEYS = ("Records", "records", "value")
_DOCUMENT_LINE_ENDS = (b"{", b"[", b",", b":")


def iter_json_records(
    reader: io.BufferedReader, name: str, stats: ParseStats
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """`(origin, record)` for each JSON object; unreadable lines are counted as malformed."""
    for number, line in iter_lines(reader):
        origin = f"{name}:{number}"
        if line is None:
            stats.records += 1
            stats.problem(origin, "record longer than the size limit")
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if number == 1 and _starts_document(stripped):
            yield from _document(line + b"\n" + reader.read(MAX_RECORD_BYTES), origin, stats)
            return
        try:
            value = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            stats.records += 1
            stats.problem(origin, f"invalid JSON: {exc}")
            continue
        if type(value) is dict and value.keys().isdisjoint(CONTAINER_KEYS):
            yield origin, value  # a plain record, as `_expand` yields it, without its generator
        else:
            yield from _expand(value, origin, stats)


def _starts_document(first_line: bytes) -> bool:
    """A multi-line JSON document rather than JSON lines: an array, or an object whose first
    line is left open (`{`, `{"Records": [`)."""
    return first_line.startswith(b"[") or (
        first_line.startswith(b"{") and first_line.endswith(_DOCUMENT_LINE_ENDS)
    )


def _document(
    data: bytes, origin: str, stats: ParseStats
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if len(data) > MAX_RECORD_BYTES:
        stats.records += 1
        stats.problem(origin, "JSON document larger than the size limit")
        return
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        stats.records += 1
        stats.problem(origin, f"invalid JSON document: {exc}")
        return
    yield from _expand(value, origin, stats)


def _expand(value: Any, origin: str, stats: ParseStats) -> Iterator[tuple[str, Mapping[str, Any]]]:
    items: Any = value
    if isinstance(value, dict):
        container = next((value[k] for k in CONTAINER_KEYS if isinstance(value.get(k), list)), None)
        if container is None:
            yield origin, value
            return
        items = container
    if not isinstance(items, list):
        stats.records += 1
        stats.problem(origin, f"expected a JSON object, got {type(items).__name__}")
        return
    for index, item in enumerate(items):
        where = f"{origin}[{index}]"
        if isinstance(item, dict):
            yield where, item
        else:
            stats.records += 1
            stats.problem(where, f"expected a JSON object, got {type(item).__name__}")


def parse_json_source(
    data: Input,
    stats: ParseStats | None,
    name: str | None,
    convert: Callable[[Mapping[str, Any], str], Event | None],
) -> Iterator[Event]:
    """The body every JSON source parser shares: open the input (gzip or not), read its records
    (JSON lines or one document), convert each with `convert`, count everything in `stats`."""
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    with open_input(data) as reader:
        yield from _json_events(reader, input_name(data, name), stats, convert)


def _json_events(
    reader: io.BufferedReader,
    name: str,
    stats: ParseStats,
    convert: Callable[[Mapping[str, Any], str], Event | None],
) -> Iterator[Event]:
    """`drive(iter_json_records(reader, name, stats), convert, stats)` as one loop: the same
    events, counts and problems in the same order, without two generators and a tuple between
    each line and its event (JSON lines run this per record). `iter_lines`, `iter_json_records`
    and `drive` spell out what each step means; a change to them changes this too."""
    readline = reader.readline
    loads = orjson.loads
    number = 0
    while True:
        raw = readline(MAX_RECORD_BYTES)
        if not raw:
            return
        number += 1
        last = raw[-1] != 0x0A  # no b"\n" at its end (an index, not a call to `endswith`)
        if last and len(raw) >= MAX_RECORD_BYTES:  # longer than the limit: skip its rest
            skipped = raw
            while skipped and not skipped.endswith(b"\n"):
                skipped = readline(MAX_RECORD_BYTES)
            stats.records += 1
            stats.problem(f"{name}:{number}", "record longer than the size limit")
            continue
        stripped = raw.strip()  # what `iter_lines` strips of the line ends, and the rest
        if stripped:
            origin = f"{name}:{number}"
            if number == 1 and _starts_document(stripped):
                line = raw.rstrip(b"\r") if last else raw.rstrip(b"\r\n")
                document = _document(line + b"\n" + reader.read(MAX_RECORD_BYTES), origin, stats)
                yield from drive(document, convert, stats)
                return
            try:
                value = loads(stripped)
            except orjson.JSONDecodeError as exc:
                stats.records += 1
                stats.problem(origin, f"invalid JSON: {exc}")
            else:
                if type(value) is dict and not (
                    "Records" in value or "records" in value or "value" in value
                ):  # a plain record (no CONTAINER_KEYS): `drive`'s body, inline
                    stats.records += 1
                    try:
                        event = convert(value, origin)
                    except RECORD_ERRORS as exc:
                        stats.problem(origin, f"{type(exc).__name__}: {exc}")
                    else:
                        if event is None:
                            stats.skipped += 1
                        else:
                            stats.events += 1
                            yield event
                else:
                    yield from drive(_expand(value, origin, stats), convert, stats)
        if last:  # a last line without its newline ends the stream, as in `iter_lines`
            return
