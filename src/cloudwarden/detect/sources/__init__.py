"""Log sources: files, streams and S3 prefixes -> normalized `Event`s.

Each source has one module and one streaming parser `parse_<source>(data, stats=None, *,
name=None) -> Iterator[Event]`; `data` is a path, a binary file or any object with
`read(n)`, gunzipped when it starts with the gzip magic. Parsers never load a whole file (JSON
documents such as CloudTrail's delivered `{"Records": [...]}` files excepted: those are parsed
per file, tens of MB at most) and count malformed records in a `ParseStats` instead of raising.

`read_source(paths, source=None, stats=...)` is the entry point: files, directories (walked in
name order) and `s3://bucket/prefix` URIs; the source type, when not given, is detected from
each file's first kilobyte. `PARSERS` is the explicit registry of source name -> parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import ParseProblem, ParseStats
from cloudwarden.detect.sources._detect import detect_source
from cloudwarden.detect.sources._input import Input, Readable, open_input, sniff
from cloudwarden.detect.sources.auditd import parse_auditd
from cloudwarden.detect.sources.azure import (
    parse_azure_activity,
    parse_entra_audit,
    parse_entra_signin,
)
from cloudwarden.detect.sources.bind import parse_bind_query_log
from cloudwarden.detect.sources.cloudtrail import parse_cloudtrail
from cloudwarden.detect.sources.gcp import parse_gcp_audit
from cloudwarden.detect.sources.kubernetes import parse_kubernetes_audit
from cloudwarden.detect.sources.linux import parse_auth_log, parse_syslog
from cloudwarden.detect.sources.route53 import parse_route53_resolver
from cloudwarden.detect.sources.s3 import SessionLike, iter_s3_objects
from cloudwarden.detect.sources.s3access import parse_s3_access_log
from cloudwarden.detect.sources.vpcflow import parse_vpc_flow_log

__all__ = [
    "PARSERS",
    "Input",
    "ParseProblem",
    "ParseStats",
    "Parser",
    "Readable",
    "UnknownSource",
    "detect_source",
    "parse_auditd",
    "parse_auth_log",
    "parse_azure_activity",
    "parse_bind_query_log",
    "parse_cloudtrail",
    "parse_entra_audit",
    "parse_entra_signin",
    "parse_gcp_audit",
    "parse_kubernetes_audit",
    "parse_route53_resolver",
    "parse_s3_access_log",
    "parse_syslog",
    "parse_vpc_flow_log",
    "read_source",
]


class Parser(Protocol):
    def __call__(
        self, data: Input, stats: ParseStats | None = None, *, name: str | None = None
    ) -> Iterator[Event]: ...


#: source name (the `Event.source` its events carry) -> parser
PARSERS: dict[str, Parser] = {
    "aws.cloudtrail": parse_cloudtrail,
    "aws.route53.resolver": parse_route53_resolver,
    "aws.s3.access": parse_s3_access_log,
    "aws.vpc.flow": parse_vpc_flow_log,
    "azure.activity": parse_azure_activity,
    "azure.audit": parse_entra_audit,
    "azure.signin": parse_entra_signin,
    "dns.bind": parse_bind_query_log,
    "gcp.audit": parse_gcp_audit,
    "kubernetes.audit": parse_kubernetes_audit,
    "linux.auditd": parse_auditd,
    "linux.auth": parse_auth_log,
    "linux.syslog": parse_syslog,
}


class UnknownSource(ValueError):
    """A source name not in `PARSERS`."""


def read_source(
    paths: Iterable[str | os.PathLike[str]],
    source: str | None = None,
    stats: ParseStats | None = None,
    *,
    session: SessionLike | None = None,
    endpoint_url: str | None = None,
) -> Iterator[Event]:
    """Events from every file under `paths` (files, directories, `s3://` prefixes read through
    the injected boto3 `session`). A file whose type cannot be detected, or that cannot be read
    (missing, truncated gzip), is reported in `stats` and skipped; the run goes on."""
    if source is not None and source not in PARSERS:
        raise UnknownSource(f"unknown log source {source!r}; known: {', '.join(sorted(PARSERS))}")
    stats = stats if stats is not None else ParseStats()
    for path in paths:
        text = os.fspath(path)
        if text.startswith("s3://"):
            if session is None:
                raise ValueError("reading s3:// needs a boto3 session")
            for obj in iter_s3_objects(text, session=session, endpoint_url=endpoint_url):
                with obj.open() as body:
                    yield from _read_one(body, obj.uri, source, stats)
        elif os.path.isdir(text):
            for file in _walk(Path(text)):
                yield from _read_path(file, source, stats)
        else:
            yield from _read_path(Path(text), source, stats)


def _walk(root: Path) -> Iterator[Path]:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory, name)


def _read_path(path: Path, source: str | None, stats: ParseStats) -> Iterator[Event]:
    try:
        with open(path, "rb") as handle:
            yield from _read_one(handle, str(path), source, stats)
    except OSError as exc:
        stats.problem(str(path), f"cannot read: {exc}")


def _read_one(data: Readable, name: str, source: str | None, stats: ParseStats) -> Iterator[Event]:
    try:
        with open_input(data) as reader:
            kind = source or detect_source(sniff(reader))
            if kind is None:
                stats.problem(name, "log format not recognised")
                return
            yield from PARSERS[kind](reader, stats, name=name)
    except (OSError, EOFError) as exc:  # truncated or corrupt gzip, read errors
        stats.problem(name, f"cannot read: {type(exc).__name__}: {exc}")
