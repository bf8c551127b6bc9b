"""What every parser shares: the run statistics, the record-to-event driver and time parsing.

A parser is two pieces: a reader that yields `(origin, record)` pairs from a stream (JSON
records or text lines) and a pure `convert(record, origin) -> Event | None`. The driver between
them counts records, turns any conversion error into a counted malformed record and never
raises on bad input, so one broken line costs one line, not the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import TypeVar

from cloudwarden.core.events import Event

__all__ = ["Malformed", "ParseProblem", "ParseStats"]

R = TypeVar("R")

#: errors a conversion may raise on a record of the wrong shape
RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError)


class Malformed(ValueError):
    """A record the parser cannot read; becomes a counted problem, never a crash."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    origin: str  # `path:line`
    reason: str


@dataclass(slots=True)
class ParseStats:
    """What a parse run read: filled by every parser, reported at the end.

    `records` counts records read (lines or JSON records), `events` the events produced,
    `skipped` the well-formed records that make no event (headers, comments, intermediate audit
    stages, NODATA flows), `malformed` the records that could not be read; `examples` keeps the
    first `max_examples` problems with their origin.
    """

    records: int = 0
    events: int = 0
    skipped: int = 0
    malformed: int = 0
    files: int = 0
    examples: list[ParseProblem] = field(default_factory=list)
    max_examples: int = 10

    def problem(self, origin: str, reason: str) -> None:
        self.malformed += 1
        if len(self.examples) < self.max_examples:
            self.examples.append(ParseProblem(origin, reason[:200]))

    def summary(self) -> str:
        text = (
            f"{self.files} file(s), {self.records} record(s), {self.events} event(s), "
            f"{self.skipped} skipped, {self.malformed} malformed"
        )
        lines = [text] + [f"  {p.origin}: {p.reason}" for p in self.examples]
        if self.malformed > len(self.examples):
            lines.append(f"  ... and {self.malformed - len(self.examples)} more")
        return "\n".join(lines)


def drive(
    records: Iterator[tuple[str, R]],
    convert: Callable[[R, str], Event | None],
    stats: ParseStats,
) -> Iterator[Event]:
    """Convert each record; count it; a conversion error is a malformed record."""
    for origin, record in records:
        stats.records += 1
        try:
            event = convert(record, origin)
        except RECORD_ERRORS as exc:
            stats.problem(origin, f"{type(exc).__name__}: {exc}")
            continue
        if event is None:
            stats.skipped += 1
            continue
        stats.events += 1
        yield event


def parse_iso(text: object) -> datetime:
    """An ISO 8601 / RFC 3339 time as aware UTC; a time without offset is taken as UTC."""
    if not isinstance(text, str) or not text:
        raise Malformed(f"bad timestamp {text!r}")
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def from_epoch(value: float | str) -> datetime:
    return datetime.fromtimestamp(float(value), tz=UTC)


def to_utc(value: datetime, tz: tzinfo) -> datetime:
    """A naive local time in `tz` as aware UTC."""
    return value.replace(tzinfo=tz).astimezone(UTC)


def text_of(value: object) -> str:
    """A field value as text: `None` and containers become the empty string."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)
