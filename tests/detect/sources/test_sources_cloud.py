"""The cloud JSON sources: CloudTrail, Azure activity / Entra, GCP audit, Kubernetes audit and
Route 53 Resolver, each from fixtures in the exported formats, malformed records included."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from cloudwarden.detect.sources import (
    ParseStats,
    parse_azure_activity,
    parse_cloudtrail,
    parse_entra_audit,
    parse_entra_signin,
    parse_gcp_audit,
    parse_kubernetes_audit,
    parse_route53_resolver,
)


def test_cloudtrail_delivered_gzip_file(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_cloudtrail(fixtures / "cloudtrail_delivered.json.gz", stats))
    assert [e.action for e in events] == ["StopLogging", "PutBucketPolicy"]
    stop, policy = events
    assert stop.time == datetime(2024, 3, 5, 14, 2, 1, tzinfo=UTC)
    assert stop.source == "aws.cloudtrail" and stop.outcome == "success"
    assert stop.actor == "arn:aws:iam::123456789012:user/alice" and stop.actor_type == "IAMUser"
    assert stop.source_ip == "203.0.113.10" and stop.user_agent == "aws-cli/2.15.0"
    assert stop.account == "123456789012" and stop.region == "us-east-1"
    assert stop.targets == ("arn:aws:cloudtrail:us-east-1:123456789012:trail/main",)
    assert stop.get("userIdentity.userName") == "alice"
    assert stop.origin.endswith("cloudtrail_delivered.json.gz:1[0]")
    assert policy.outcome == "failure" and policy.targets == ("arn:aws:s3:::data-bucket",)
    assert policy.actor_type == "AssumedRole"
    # the third record has no eventName
    assert (stats.records, stats.events, stats.malformed) == (3, 2, 1)
    assert stats.examples[0].origin.endswith(":1[2]")
    assert "eventName" in stats.examples[0].reason


def test_cloudtrail_pretty_printed_document(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_cloudtrail(fixtures / "cloudtrail_pretty.json", stats))
    assert [e.action for e in events] == ["StopLogging", "PutBucketPolicy"]
    assert stats.malformed == 1


def test_cloudtrail_json_lines_counts_malformed_lines(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_cloudtrail(fixtures / "cloudtrail.jsonl", stats))
    assert [e.action for e in events] == ["StopLogging", "PutBucketPolicy"]
    assert [e.origin.rsplit(":", 1)[1] for e in events] == ["1", "3"]
    assert (stats.records, stats.events, stats.malformed) == (4, 2, 2)
    reasons = [p.reason for p in stats.examples]
    assert reasons[0].startswith("invalid JSON") and "timestamp" not in reasons[0]
    assert stats.examples[1].origin.endswith(":5")
    assert "2 malformed" in stats.summary()


def test_cloudtrail_from_a_stream_names_the_origin() -> None:
    data = b'{"eventVersion":"1.08","eventTime":"2024-01-01T00:00:00Z","eventName":"X"}\n'
    [event] = parse_cloudtrail(io.BytesIO(data), name="s3://b/k.json")
    assert event.origin == "s3://b/k.json:1" and event.account == ""


def test_kubernetes_audit(fixtures: Path) -> None:
    stats = ParseStats()
    events = list(parse_kubernetes_audit(fixtures / "k8s_audit.jsonl", stats))
    exec_, secrets = events
    assert exec_.action == "create.pods/exec" and exec_.targets == ("prod/web-1",)
    assert exec_.actor == "alice@example.com" and exec_.actor_type == "user"
    assert exec_.outcome == "success" and exec_.source_ip == "10.0.0.5"
    assert exec_.user_agent == "kubectl/v1.29.0"
    assert exec_.time == datetime(2024, 3, 5, 14, 2, 1, 512345, tzinfo=UTC)
    assert secrets.action == "list.secrets" and secrets.targets == ()
    assert secrets.actor_type == "anonymous" and secrets.outcome == "failure"
    # RequestReceived skipped, one event without a verb, one line not JSON
    assert (stats.records, stats.events, stats.skipped, stats.malformed) == (5, 2, 1, 2)


def test_gcp_audit(fixtures: Path) -> None:
    stats = ParseStats()
    key, iam = list(parse_gcp_audit(fixtures / "gcp_audit.jsonl", stats))
    assert key.action == "google.iam.admin.v1.CreateServiceAccountKey"
    assert key.actor == "alice@example.com" and key.actor_type == "user"
    assert key.source_ip == "203.0.113.10" and key.account == "prod-project"
    assert key.targets == ("projects/-/serviceAccounts/123456789",)
    assert key.time == datetime(2024, 3, 5, 14, 2, 1, 123456, tzinfo=UTC)
    assert key.get("protoPayload.serviceName") == "iam.googleapis.com"
    assert iam.outcome == "failure" and iam.actor_type == "serviceAccount"
    assert iam.region == "us-central1"
    assert (stats.records, stats.events, stats.malformed) == (4, 2, 2)


def test_route53_resolver(fixtures: Path) -> None:
    stats = ParseStats()
    ok, tunnel = list(parse_route53_resolver(fixtures / "route53_resolver.jsonl", stats))
    assert ok.domain == "example.com" and ok.action == "A" and ok.outcome == "success"
    assert ok.host == "i-0123456789abcdef0" and ok.source_ip == "10.0.1.15"
    assert ok.account == "123456789012" and ok.region == "us-east-1"
    assert tunnel.domain == "agvsbg8gd29ybgq.tunnel.evil.example"
    assert tunnel.action == "TXT" and tunnel.outcome == "failure"
    assert (stats.records, stats.events, stats.malformed) == (4, 2, 2)


def test_azure_activity_diagnostic_settings_lines(fixtures: Path) -> None:
    stats = ParseStats()
    keys, delete = list(parse_azure_activity(fixtures / "azure_activity.jsonl", stats))
    assert keys.action == "microsoft.storage/storageaccounts/listkeys/action"
    assert keys.actor == "alice@contoso.com" and keys.actor_type == "user"
    assert keys.outcome == "success" and keys.source_ip == "203.0.113.10"
    assert keys.account == "11111111-2222-3333-4444-555555555555"
    assert keys.time == datetime(2024, 3, 5, 14, 2, 1, 123456, tzinfo=UTC)
    assert delete.outcome == "failure" and delete.actor == "app-123"
    assert delete.actor_type == "servicePrincipal"
    assert (stats.records, stats.events, stats.malformed) == (4, 2, 2)


def test_azure_activity_rest_export(fixtures: Path) -> None:
    stats = ParseStats()
    [event] = parse_azure_activity(fixtures / "azure_activity_rest.json", stats)
    assert event.action == "Microsoft.Authorization/roleAssignments/write"
    assert event.actor == "bob@contoso.com" and event.source_ip == "198.51.100.20"
    assert event.outcome == "success" and event.account.startswith("11111111")
    assert stats.malformed == 1 and "got str" in stats.examples[0].reason


def test_entra_signin_graph_and_diagnostic_exports(fixtures: Path) -> None:
    stats = ParseStats()
    ok, failed = list(parse_entra_signin(fixtures / "entra_signin_graph.json", stats))
    assert ok.action == "signin" and ok.outcome == "success"
    assert ok.actor == "alice@contoso.com" and ok.targets == ("Azure Portal",)
    assert ok.region == "FR" and ok.source_ip == "203.0.113.10"
    assert failed.outcome == "failure" and failed.get("status.errorCode") == 50126
    assert stats.malformed == 1
    [diag] = parse_entra_signin(fixtures / "entra_signin_diag.jsonl")
    assert diag.actor == "alice@contoso.com" and diag.targets == ("Azure CLI",)
    assert diag.account == "t1"


def test_entra_audit(fixtures: Path) -> None:
    stats = ParseStats()
    role, creds = list(parse_entra_audit(fixtures / "entra_audit.json", stats))
    assert role.action == "Add member to role" and role.outcome == "success"
    assert role.actor == "alice@contoso.com" and role.source_ip == "203.0.113.10"
    assert role.targets == ("mallory@contoso.com", "Global Administrator")
    assert creds.actor == "automation-app" and creds.actor_type == "servicePrincipal"
    assert creds.outcome == "failure"
    assert stats.malformed == 1


def test_cloudtrail_targets_from_request_parameters_in_declared_order() -> None:
    from cloudwarden.detect.sources.cloudtrail import cloudtrail_event

    def targets(params: object) -> tuple[str, ...]:
        record = {"eventName": "X", "eventTime": "2025-06-01T12:00Z", "requestParameters": params}
        return cloudtrail_event(record, "t:1").targets

    assert targets({"name": "n", "bucketName": "b", "other": "o", "roleName": ""}) == ("b", "n")
    assert targets({"instanceId": "i-1", "userName": 5}) == ("i-1",)
    assert targets({"other": "o"}) == ()
    many = {f"k{i}": "v" for i in range(20)} | {"keyId": "k", "bucketName": "b"}
    assert targets(many) == ("b", "k")
    assert targets(None) == ()
