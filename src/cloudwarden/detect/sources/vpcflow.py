"""Amazon VPC flow logs: the default version 2 format (`version account-id interface-id
srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status`) and custom
formats, whose header line (as written to S3) names the fields in order. A header line
anywhere (files concatenated) switches the layout. `action` is `network.flow`, the outcome
`success` for ACCEPT and `failure` for REJECT; NODATA and SKIPDATA records are skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import RECORD_ERRORS, Malformed, ParseStats, from_epoch
from cloudwarden.detect.sources._input import Input, input_name, iter_lines, open_input

__all__ = ["DEFAULT_FIELDS", "SOURCE", "parse_vpc_flow_log"]

SOURCE = "aws.vpc.flow"
DEFAULT_FIELDS = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log-status",
)  # fmt: skip
_HEADER = re.compile(r"[a-z][a-z0-9-]*(?: [a-z][a-z0-9-]*)+")
_NO_FLOW = {"NODATA", "SKIPDATA"}


def parse_vpc_flow_log(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    origin_name = input_name(data, name)
    layout: tuple[str, ...] = DEFAULT_FIELDS
    with open_input(data) as reader:
        for number, raw in iter_lines(reader):
            origin = f"{origin_name}:{number}"
            text = raw.decode("utf-8", "replace").strip() if raw is not None else None
            if text == "":
                continue
            if text is not None and _HEADER.fullmatch(text):
                layout = tuple(text.split())
                continue
            stats.records += 1
            try:
                if text is None:
                    raise Malformed("line longer than the size limit")
                event = _event(layout, text, origin)
            except RECORD_ERRORS as exc:
                stats.problem(origin, f"{type(exc).__name__}: {exc}")
                continue
            if event is None:
                stats.skipped += 1
                continue
            stats.events += 1
            yield event


def _event(layout: tuple[str, ...], line: str, origin: str) -> Event | None:
    values = line.split()
    if len(values) != len(layout):
        raise Malformed(f"{len(values)} fields, {len(layout)} expected")
    fields = dict(zip(layout, values, strict=True))
    if fields.get("log-status") in _NO_FLOW:
        return None
    start = fields.get("start") or fields.get("end")
    if start is None:
        raise Malformed("no start or end time")
    verdict = fields.get("action", "-")
    dst = fields.get("dstaddr", "-")
    return Event(
        time=from_epoch(start),
        source=SOURCE,
        action="network.flow",
        outcome={"ACCEPT": "success", "REJECT": "failure"}.get(verdict, "unknown"),
        source_ip=_dash(fields.get("srcaddr", "-")),
        targets=(f"{dst}:{fields.get('dstport', '-')}",) if dst != "-" else (),
        account=_dash(fields.get("account-id", "-")),
        region=_dash(fields.get("region", "-")),
        host=_dash(fields.get("instance-id", "-")) or _dash(fields.get("interface-id", "-")),
        fields=fields,
        origin=origin,
    )


def _dash(value: str) -> str:
    return "" if value == "-" else value
