"""DNS (BIND query log), S3 server access logs and VPC flow logs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cloudwarden.detect.sources import (
    ParseStats,
    parse_bind_query_log,
    parse_s3_access_log,
    parse_vpc_flow_log,
)


def test_bind_query_log(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_bind_query_log(fixtures / "bind_query.log", stats))
    assert [(e.domain, e.action, e.source_ip) for e in events] == [
        ("example.com", "A", "192.0.2.10"),
        ("x7h2kq9z.evil.example", "TXT", "192.0.2.10"),
        ("www.example.org", "A", "192.0.2.12"),
    ]
    first, view, wrapped = events
    assert first.source == "dns.bind" and first.outcome == "unknown"
    assert first.time == datetime(2024, 3, 5, 14, 2, 1, 123000, tzinfo=UTC)
    assert first.get("flags") == "+E(0)K" and first.get("server_ip") == "192.0.2.1"
    assert first.get("query") == "Example.com" and first.get("client_port") == "53211"
    assert view.get("view") == "internal"
    assert wrapped.host == "ns1"
    # the zone line is skipped; the broken query and the line without a time are malformed
    assert (stats.records, stats.events, stats.skipped, stats.malformed) == (6, 3, 1, 2)


def test_s3_server_access_log(fixtures: Path) -> None:
    stats = ParseStats()
    versioning, download, denied = list(parse_s3_access_log(fixtures / "s3_access.log", stats))
    assert versioning.action == "REST.GET.VERSIONING" and versioning.outcome == "success"
    assert versioning.time == datetime(2019, 2, 6, 0, 0, 38, tzinfo=UTC)
    assert versioning.targets == ("arn:aws:s3:::awsexamplebucket1",)
    assert versioning.user_agent == "S3Console/0.4" and versioning.get("tls_version") == "TLSV1.2"
    assert download.actor == "arn:aws:iam::123456789012:user/exfil"
    assert download.targets == ("arn:aws:s3:::awsexamplebucket1/exports/customers%202024.csv",)
    assert download.get("bytes_sent") == "104857600" and download.get("acl_required") == "Yes"
    assert download.get("request_uri").startswith("GET /awsexamplebucket1/exports")
    assert denied.outcome == "failure" and denied.actor_type == "anonymous"
    assert denied.actor == "" and denied.get("error_code") == "AccessDenied"
    assert (stats.records, stats.events, stats.malformed) == (5, 3, 2)


def test_vpc_flow_default_format(fixtures: Path) -> None:
    stats = ParseStats()
    ssh, rdp = list(parse_vpc_flow_log(fixtures / "vpc_flow_default.log", stats))
    assert ssh.action == "network.flow" and ssh.outcome == "success"
    assert ssh.source_ip == "172.31.16.139" and ssh.targets == ("172.31.16.21:22",)
    assert ssh.account == "123456789010" and ssh.host == "eni-1235b8ca123456789"
    assert ssh.time == datetime.fromtimestamp(1418530010, UTC)
    assert ssh.get("bytes") == "4249" and ssh.get("log-status") == "OK"
    assert rdp.outcome == "failure" and rdp.targets == ("172.31.16.21:3389",)
    assert (stats.records, stats.events, stats.skipped, stats.malformed) == (4, 2, 1, 1)


def test_vpc_flow_custom_format_from_its_header_gzipped(fixtures: Path) -> None:
    stats = ParseStats()
    [flow] = parse_vpc_flow_log(fixtures / "vpc_flow_custom.log.gz", stats)
    assert flow.host == "i-0123456789abcdef0" and flow.region == "us-east-1"
    assert flow.targets == ("203.0.113.200:443",) and flow.get("flow-direction") == "egress"
    assert flow.get("vpc-id") == "vpc-0a1b2c3d"
    assert (stats.records, stats.malformed) == (2, 1)
    assert stats.examples[0].origin.endswith("vpc_flow_custom.log.gz:3")
