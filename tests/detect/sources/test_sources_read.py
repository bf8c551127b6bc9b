"""`read_source`: content-based detection of every fixture, gzip, directories, S3 prefixes
through moto, and flat memory on a large JSON-lines file."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path

import boto3
import orjson
import pytest

from cloudwarden.detect.sources import (
    PARSERS,
    ParseStats,
    UnknownSource,
    detect_source,
    parse_cloudtrail,
    read_source,
)

EXPECTED = {
    "audit.log": "linux.auditd",
    "auth.log": "linux.auth",
    "azure_activity.jsonl": "azure.activity",
    "azure_activity_rest.json": "azure.activity",
    "bind_query.log": "dns.bind",
    "cloudtrail.jsonl": "aws.cloudtrail",
    "cloudtrail_delivered.json.gz": "aws.cloudtrail",
    "cloudtrail_pretty.json": "aws.cloudtrail",
    "entra_audit.json": "azure.audit",
    "entra_signin_diag.jsonl": "azure.signin",
    "entra_signin_graph.json": "azure.signin",
    "gcp_audit.jsonl": "gcp.audit",
    "k8s_audit.jsonl": "kubernetes.audit",
    "route53_resolver.jsonl": "aws.route53.resolver",
    "s3_access.log": "aws.s3.access",
    "syslog": "linux.syslog",
    "vpc_flow_custom.log": "aws.vpc.flow",
    "vpc_flow_custom.log.gz": "aws.vpc.flow",
    "vpc_flow_default.log": "aws.vpc.flow",
}


def test_every_fixture_is_listed(fixtures: Path) -> None:
    assert sorted(p.name for p in fixtures.iterdir()) == sorted(EXPECTED)
    assert set(EXPECTED.values()) == set(PARSERS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_source_detected_from_content(fixtures: Path, name: str) -> None:
    stats = ParseStats()
    events = list(read_source([fixtures / name], stats=stats))
    assert events, stats.summary()
    sources = {e.source for e in events}
    expected = EXPECTED[name]
    if expected == "linux.auditd":
        assert sources == {"linux.auditd", "linux.process"}
    else:
        assert sources == {expected}
    direct = ParseStats()
    assert len(list(PARSERS[expected](fixtures / name, direct))) == len(events)
    assert direct.malformed == stats.malformed


def test_detection_sees_through_gzip_and_names(tmp_path: Path, fixtures: Path) -> None:
    disguised = tmp_path / "k8s.txt"
    disguised.write_bytes(gzip.compress((fixtures / "k8s_audit.jsonl").read_bytes()))
    assert {e.source for e in read_source([disguised])} == {"kubernetes.audit"}
    assert detect_source(b"hello world\n") is None
    assert detect_source(b'{"foo": 1}\n') is None


def test_directory_unknown_and_unreadable_files_are_reported(
    tmp_path: Path, fixtures: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "auth.log").write_bytes((fixtures / "auth.log").read_bytes())
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02 nothing we know")
    (tmp_path / "c.gz").write_bytes(gzip.compress((fixtures / "syslog").read_bytes())[:40])
    (tmp_path / ".hidden").write_text("ignored")
    stats = ParseStats()
    events = list(read_source([tmp_path, tmp_path / "missing.log"], stats=stats))
    assert {e.source for e in events} == {"linux.auth"}
    reasons = {p.origin.rsplit("/", 1)[1]: p.reason for p in stats.examples}
    assert reasons["b.bin"] == "log format not recognised"
    assert reasons["c.gz"].startswith("cannot read: EOFError")
    assert reasons["missing.log"].startswith("cannot read")


def test_forced_source_and_unknown_source(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(read_source([fixtures / "syslog"], "linux.auth", stats))
    assert {e.source for e in events} == {"linux.auth"}
    with pytest.raises(UnknownSource):
        list(read_source([fixtures / "syslog"], "nope"))


def test_s3_prefix_through_an_injected_session(aws_endpoint: str, fixtures: Path) -> None:
    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=aws_endpoint)
    s3.create_bucket(Bucket="trail-logs")
    prefix = "AWSLogs/123456789012/CloudTrail/us-east-1/2024/03/05/"
    delivered = (fixtures / "cloudtrail_delivered.json.gz").read_bytes()
    s3.put_object(Bucket="trail-logs", Key=prefix + "a.json.gz", Body=delivered)
    s3.put_object(Bucket="trail-logs", Key=prefix + "b.json.gz", Body=delivered)
    s3.put_object(Bucket="trail-logs", Key="AWSLogs/elsewhere.json.gz", Body=delivered)
    s3.put_object(Bucket="trail-logs", Key=prefix + "sub/", Body=b"")
    stats = ParseStats()
    events = list(
        read_source(
            [f"s3://trail-logs/{prefix}"],
            stats=stats,
            session=session,
            endpoint_url=aws_endpoint,
        )
    )
    assert [e.action for e in events] == ["StopLogging", "PutBucketPolicy"] * 2
    assert events[0].origin == f"s3://trail-logs/{prefix}a.json.gz:1[0]"
    assert (stats.files, stats.events, stats.malformed) == (2, 4, 2)
    with pytest.raises(ValueError, match="session"):
        list(read_source(["s3://trail-logs/x"]))


def test_a_stream_without_peek_is_read_and_gunzipped(fixtures: Path) -> None:
    class Body:  # like botocore's StreamingBody: read(n) only
        def __init__(self, data: bytes) -> None:
            self._io = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._io.read(min(size, 7) if size > 0 else size)

    data = (fixtures / "cloudtrail_delivered.json.gz").read_bytes()
    assert len(list(parse_cloudtrail(Body(data)))) == 2


def test_large_json_lines_file_parses_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    record = {
        "eventVersion": "1.08",
        "eventTime": "2024-03-05T14:02:01Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"},
        "requestParameters": {"bucketName": "data", "key": "x" * 64},
        "recipientAccountId": "123456789012",
    }
    line = orjson.dumps(record) + b"\n"
    lines = 200_000
    with path.open("wb") as out:
        for i in range(lines):
            out.write(line if i % 50_000 else b"{broken\n")
    size = path.stat().st_size
    stats = ParseStats()
    tracemalloc.start()
    try:
        count = sum(1 for _ in parse_cloudtrail(path, stats))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == lines - 4 and stats.malformed == 4
    assert size > 60_000_000
    assert peak < 2_000_000, f"peak {peak} bytes for a {size} byte file"
