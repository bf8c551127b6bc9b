"""Amazon Route 53 Resolver query logs (JSON, one query a line, as delivered to S3, CloudWatch
Logs or Firehose). `action` is the query type, `domain` the queried name without its final
dot, the outcome `failure` for any rcode but NOERROR."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, parse_iso, text_of
from cloudwarden.detect.sources._input import Input
from cloudwarden.detect.sources._json import parse_json_source

__all__ = ["SOURCE", "parse_route53_resolver", "route53_event"]

SOURCE = "aws.route53.resolver"


def parse_route53_resolver(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, route53_event)


def route53_event(record: Mapping[str, Any], origin: str) -> Event:
    query = record.get("query_name")
    if not isinstance(query, str) or not query:
        raise Malformed("no query_name")
    rcode = text_of(record.get("rcode"))
    srcids = record.get("srcids") or {}
    return Event(
        time=parse_iso(record["query_timestamp"]),
        source=SOURCE,
        action=text_of(record.get("query_type")) or "QUERY",
        outcome="success" if rcode == "NOERROR" else ("failure" if rcode else "unknown"),
        source_ip=text_of(record.get("srcaddr")),
        account=text_of(record.get("account_id")),
        region=text_of(record.get("region")),
        host=text_of(srcids.get("instance") or srcids.get("resolver_endpoint")),
        domain=query.rstrip(".").lower(),
        fields=record,
        origin=origin,
    )
