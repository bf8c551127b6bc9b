"""Amazon S3 server access logs: space-separated lines with a bracketed time and quoted request
URI, referrer and user agent, fields named as AWS documents them (`bucket_owner`, `bucket`,
`time`, `remote_ip`, `requester`, `request_id`, `operation`, `key`, ...). Older lines have
fewer fields; only the first 18 are required. `action` is the operation (`REST.GET.OBJECT`),
targets the object (or bucket) ARN, the outcome from the HTTP status."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, drive
from cloudwarden.detect.sources._input import Input, input_name, iter_lines, open_input

__all__ = ["FIELDS", "SOURCE", "parse_s3_access_log", "s3_access_fields"]

SOURCE = "aws.s3.access"
FIELDS = (
    "bucket_owner", "bucket", "time", "remote_ip", "requester", "request_id", "operation",
    "key", "request_uri", "http_status", "error_code", "bytes_sent", "object_size",
    "total_time", "turn_around_time", "referer", "user_agent", "version_id", "host_id",
    "signature_version", "cipher_suite", "authentication_type", "host_header", "tls_version",
    "access_point_arn", "acl_required",
)  # fmt: skip
_REQUIRED = 18
_TOKEN = re.compile(r'\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+')


def parse_s3_access_log(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    origin_name = input_name(data, name)

    def convert(line: bytes | None, origin: str) -> Event | None:
        if line is None:
            raise Malformed("line longer than the size limit")
        if not line.strip():
            return None
        return _event(s3_access_fields(line.decode("utf-8", "replace")), origin)

    with open_input(data) as reader:
        lines = ((f"{origin_name}:{n}", line) for n, line in iter_lines(reader))
        yield from drive(lines, convert, stats)


def s3_access_fields(line: str) -> dict[str, str]:
    """The named fields of one line, brackets and quotes removed; `-` kept as written."""
    tokens = _TOKEN.findall(line)
    if len(tokens) < _REQUIRED:
        raise Malformed(f"{len(tokens)} fields, at least {_REQUIRED} expected")
    values = [t[1:-1] if t[:1] in '["' and len(t) > 1 else t for t in tokens]
    return dict(zip(FIELDS, values, strict=False))


def _event(fields: dict[str, str], origin: str) -> Event:
    time = datetime.strptime(fields["time"], "%d/%b/%Y:%H:%M:%S %z").astimezone(UTC)
    status = fields["http_status"]
    key = "" if fields["key"] == "-" else fields["key"]
    arn = f"arn:aws:s3:::{fields['bucket']}" + (f"/{key}" if key else "")
    return Event(
        time=time,
        source=SOURCE,
        action=fields["operation"],
        outcome=("success" if int(status) < 400 else "failure") if status.isdigit() else "unknown",
        actor=_dash(fields["requester"]),
        actor_type="anonymous" if fields["requester"] == "-" else "",
        source_ip=_dash(fields["remote_ip"]),
        user_agent=_dash(fields["user_agent"]),
        targets=(arn,),
        fields=fields,
        origin=origin,
    )


def _dash(value: str) -> str:
    return "" if value == "-" else value
