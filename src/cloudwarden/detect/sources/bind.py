"""BIND query logs (the `queries` category): `05-Mar-2024 14:02:01.123 queries: info: client
@0x7f8a4c0a1b20 192.0.2.10#53211 (example.com): query: example.com IN A +E(0)K (192.0.2.1)`,
with or without the `print-time`/`print-category` prefixes, or wrapped in a syslog line by
`named`. `action` is the query type, `domain` the queried name. The query log does not record
the response code, so the outcome is `unknown`; lines of other categories are skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, drive, to_utc
from cloudwarden.detect.sources._input import Input, input_name, iter_lines, open_input
from cloudwarden.detect.sources.linux import parse_syslog_line

__all__ = ["SOURCE", "parse_bind_query_log"]

SOURCE = "dns.bind"

_TIME = re.compile(r"(?P<ts>\d{2}-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d(?:\.\d+)?) ")
_QUERY = re.compile(
    r"client (?:@0x[0-9a-fA-F]+ )?(?P<client_ip>[0-9a-fA-F.:]+)#(?P<client_port>\d+)"
    r"(?: \([^)]*\))?: (?:view (?P<view>[^:]+): )?query: (?P<query>\S+) (?P<query_class>\S+) "
    r"(?P<query_type>\S+) (?P<flags>\S*) ?\((?P<server_ip>[^)]*)\)"
)


def parse_bind_query_log(
    data: Input,
    stats: ParseStats | None = None,
    *,
    name: str | None = None,
    tz: tzinfo = UTC,
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    origin_name = input_name(data, name)
    reference = datetime.now(UTC)

    def convert(line: bytes | None, origin: str) -> Event | None:
        if line is None:
            raise Malformed("line longer than the size limit")
        if not line.strip():
            return None
        return _event(line.decode("utf-8", "replace"), origin, tz, reference)

    with open_input(data) as reader:
        lines = ((f"{origin_name}:{n}", line) for n, line in iter_lines(reader))
        yield from drive(lines, convert, stats)


def _event(line: str, origin: str, tz: tzinfo, reference: datetime) -> Event | None:
    fields: dict[str, Any] = {}
    if m := _TIME.match(line):
        time = to_utc(datetime.strptime(m["ts"].split(".")[0], "%d-%b-%Y %H:%M:%S"), tz)
        if "." in m["ts"]:
            time = time.replace(microsecond=int(m["ts"].split(".")[1].ljust(6, "0")[:6]))
        message = line[m.end() :]
    else:
        syslog = parse_syslog_line(line, reference, tz)
        time, message = syslog["timestamp"], syslog["message"]
        fields["hostname"] = syslog["hostname"]
    query = _QUERY.search(message)
    if query is None:
        if "query:" in message:
            raise Malformed("unreadable query line")
        return None
    fields.update({k: v for k, v in query.groupdict().items() if v is not None})
    fields["timestamp"] = time
    return Event(
        time=time,
        source=SOURCE,
        action=query["query_type"],
        source_ip=query["client_ip"],
        host=str(fields.get("hostname", "")),
        domain=query["query"].rstrip(".").lower(),
        fields=fields,
        origin=origin,
    )
