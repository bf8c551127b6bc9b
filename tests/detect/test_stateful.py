"""Stateful detectors and the built-in catalog, on a fixed clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cloudwarden.core.events import Alert, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import AlertBuilder
from cloudwarden.detect.rules.catalog import builtin_detectors
from cloudwarden.detect.rules.dns import (
    dga_reason,
    known_bad_reason,
    load_domain_list,
    registered_domain,
    tunnel_reason,
)
from cloudwarden.detect.stateful import (
    Detector,
    Router,
    ThresholdDetector,
    VolumeDetector,
)

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BUILDER = AlertBuilder(
    type="test.threshold", title="t", severity=Severity.MEDIUM, description="Seen:",
    tactic="credential_access", technique="T1110", remediation="Block it.",
)  # fmt: skip


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ssh(seconds: float, outcome: str = "failure", ip: str = "203.0.113.7", user: str = "root"):
    return Event(
        time=at(seconds), source="linux.auth", action="ssh.login", outcome=outcome,
        actor=user, source_ip=ip, host="web-1",
    )  # fmt: skip


def ct(seconds: float, action: str, actor: str = "arn:aws:iam::1:user/eve", **fields: Any):
    outcome = "failure" if fields.get("errorCode") else "success"
    record = {"eventName": action, **fields}
    return Event(
        time=at(seconds), source="aws.cloudtrail", action=action, outcome=outcome,
        actor=actor, source_ip="198.51.100.4", fields=record,
    )  # fmt: skip


def run(detector: Detector, events: list[Event]) -> list[Alert]:
    return [alert for event in events for alert in detector.observe(event)]


def by_id(type_: str, bad: tuple[str, ...] = ()) -> Detector:
    return next(d for d in builtin_detectors(bad_domains=bad) if d.id == type_)


def threshold() -> ThresholdDetector:
    return ThresholdDetector(
        BUILDER, key=lambda e: e.source_ip, window=timedelta(minutes=5), threshold=3,
        match=lambda e: e.outcome == "failure",
    )  # fmt: skip


def test_threshold_fires_at_the_threshold_within_the_window() -> None:
    alerts = run(threshold(), [ssh(0), ssh(10), ssh(20)])
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.type == "test.threshold" and alert.count == 3 and len(alert.evidence) == 3
    assert alert.severity is Severity.MEDIUM and alert.technique == "T1110"
    assert alert.tactic == "TA0006" and alert.remediation == "Block it."
    assert any(e.kind is EntityKind.IP and e.value == "203.0.113.7" for e in alert.entities)


def test_threshold_ignores_events_spread_beyond_the_window() -> None:
    assert run(threshold(), [ssh(0), ssh(200), ssh(400), ssh(700)]) == []


def test_threshold_counts_per_key() -> None:
    events = [ssh(0, ip="192.0.2.1"), ssh(1, ip="192.0.2.2"), ssh(2, ip="192.0.2.1")]
    assert run(threshold(), events) == []


def test_threshold_alerts_once_per_cooldown_not_per_event() -> None:
    alerts = run(threshold(), [ssh(i) for i in range(30)])
    assert len(alerts) == 1
    later = run(threshold(), [ssh(i) for i in range(3)] + [ssh(400 + i) for i in range(3)])
    assert len(later) == 2


def test_threshold_distinct_counts_values_not_events() -> None:
    detector = ThresholdDetector(
        BUILDER, key=lambda e: e.source_ip, window=timedelta(minutes=5), threshold=3,
        distinct=lambda e: e.actor,
    )  # fmt: skip
    assert run(detector, [ssh(i, user="root") for i in range(10)]) == []
    assert len(run(detector, [ssh(20, user=u) for u in ("a", "b", "c")])) == 1


def test_threshold_state_round_trips_through_json() -> None:
    first = threshold()
    run(first, [ssh(0), ssh(10)])
    saved = json.loads(json.dumps(first.state()))
    second = threshold()
    second.restore(saved)
    assert len(run(second, [ssh(20)])) == 1
    with pytest.raises(ValueError, match="another detector"):
        by_id("linux.auth.ssh_brute_force").restore(saved)


def test_state_stays_bounded_with_many_keys() -> None:
    detector = ThresholdDetector(
        BUILDER, key=lambda e: e.source_ip, window=timedelta(minutes=5), threshold=3,
        max_keys=50,
    )  # fmt: skip
    run(detector, [ssh(i, ip=f"10.0.{i // 250}.{i % 250}") for i in range(1000)])
    assert len(detector.state()["seen"]) == 50


def test_flush_drops_expired_state() -> None:
    detector = threshold()
    run(detector, [ssh(0), ssh(1)])
    detector.flush(at(3600))
    assert detector.state()["seen"] == {}


def test_sequence_success_after_failures() -> None:
    detector = by_id("linux.auth.ssh_login_after_failures")
    alerts = run(detector, [*(ssh(i) for i in range(5)), ssh(30, outcome="success")])
    assert [a.type for a in alerts] == ["linux.auth.ssh_login_after_failures"]
    assert alerts[0].count == 6


def test_sequence_needs_enough_failures_and_the_same_key() -> None:
    detector = by_id("linux.auth.ssh_login_after_failures")
    assert run(detector, [*(ssh(i) for i in range(4)), ssh(30, outcome="success")]) == []
    fresh = by_id("linux.auth.ssh_login_after_failures")
    other_ip = ssh(30, outcome="success", ip="192.0.2.99")
    assert run(fresh, [*(ssh(i) for i in range(5)), other_ip]) == []


def test_sequence_expires_after_the_window() -> None:
    detector = by_id("linux.auth.ssh_login_after_failures")
    assert run(detector, [*(ssh(i) for i in range(5)), ssh(3600, outcome="success")]) == []


def test_sequence_state_round_trip() -> None:
    first = by_id("aws.secretsmanager.list_then_get")
    run(first, [ct(0, "ListSecrets"), ct(1, "GetSecretValue")])
    second = by_id("aws.secretsmanager.list_then_get")
    second.restore(json.loads(json.dumps(first.state())))
    alerts = run(second, [ct(2, "GetSecretValue"), ct(3, "GetSecretValue")])
    assert [a.type for a in alerts] == ["aws.secretsmanager.list_then_get"]


def test_list_then_get_needs_the_listing() -> None:
    detector = by_id("aws.secretsmanager.list_then_get")
    assert run(detector, [ct(i, "GetSecretValue") for i in range(5)]) == []


def test_volume_mass_bucket_deletion() -> None:
    detector = by_id("aws.cloudtrail.mass_bucket_deletion")
    alerts = run(detector, [ct(i * 30, "DeleteBucket") for i in range(6)])
    assert [a.type for a in alerts] == ["aws.cloudtrail.mass_bucket_deletion"]
    assert alerts[0].severity is Severity.HIGH and alerts[0].technique == "T1485"
    spread = by_id("aws.cloudtrail.mass_bucket_deletion")
    assert run(spread, [ct(i * 900, "DeleteBucket") for i in range(6)]) == []


def test_volume_sums_a_measure_and_round_trips() -> None:
    detector = VolumeDetector(
        BUILDER, key=lambda e: e.actor, window=timedelta(hours=1), limit=100.0,
        measure=lambda e: float(e.get("bytes", 0)),
    )  # fmt: skip
    events = [ct(i * 60, "GetObject", bytes=30) for i in range(3)]
    assert run(detector, events) == []
    restored = VolumeDetector(
        BUILDER, key=lambda e: e.actor, window=timedelta(hours=1), limit=100.0,
        measure=lambda e: float(e.get("bytes", 0)),
    )  # fmt: skip
    restored.restore(json.loads(json.dumps(detector.state())))
    assert len(run(restored, [ct(300, "GetObject", bytes=20)])) == 1


def test_s3_extraction_volume_from_cloudtrail_data_events() -> None:
    detector = by_id("aws.s3.unusual_extraction_volume")
    big = {"additionalEventData": {"bytesTransferredOut": 3 * 1024**3}}
    alerts = run(detector, [ct(i, "GetObject", **big) for i in range(4)])
    assert [a.type for a in alerts] == ["aws.s3.unusual_extraction_volume"]
    small = {"additionalEventData": {"bytesTransferredOut": 1024}}
    assert run(by_id("aws.s3.unusual_extraction_volume"), [ct(0, "GetObject", **small)]) == []


def test_ssh_brute_force_and_spraying() -> None:
    brute = run(by_id("linux.auth.ssh_brute_force"), [ssh(i) for i in range(10)])
    assert [a.type for a in brute] == ["linux.auth.ssh_brute_force"]
    assert run(by_id("linux.auth.ssh_brute_force"), [ssh(i) for i in range(9)]) == []
    spray = run(by_id("linux.auth.ssh_password_spraying"), [ssh(i, user=f"u{i}") for i in range(5)])
    assert [a.type for a in spray] == ["linux.auth.ssh_password_spraying"]


def test_public_bucket_policy_and_acl() -> None:
    public = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*"}]}
    scoped = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}]}
    policy = by_id("aws.s3.bucket_policy_public")
    params = {"bucketName": "data", "bucketPolicy": public}
    assert len(run(policy, [ct(0, "PutBucketPolicy", requestParameters=params)])) == 1
    params = {"bucketName": "data", "bucketPolicy": scoped}
    assert run(policy, [ct(1, "PutBucketPolicy", requestParameters=params)]) == []
    acl = by_id("aws.s3.bucket_acl_public")
    public_acl = {"bucketName": "data", "x-amz-acl": ["public-read"]}
    assert len(run(acl, [ct(0, "PutBucketAcl", requestParameters=public_acl)])) == 1
    private_acl = {"bucketName": "data", "x-amz-acl": ["private"]}
    assert run(acl, [ct(1, "PutBucketAcl", requestParameters=private_acl)]) == []


def test_security_group_open_to_the_world() -> None:
    detector = by_id("aws.ec2.security_group_open_to_world")

    def ingress(cidr: str) -> dict[str, Any]:
        ranges = {"items": [{"cidrIp": cidr}]}
        return {"groupId": "sg-1", "ipPermissions": {"items": [{"ipRanges": ranges}]}}

    world = ct(0, "AuthorizeSecurityGroupIngress", requestParameters=ingress("0.0.0.0/0"))
    assert len(run(detector, [world])) == 1
    office = ct(1, "AuthorizeSecurityGroupIngress", requestParameters=ingress("192.0.2.0/24"))
    assert run(by_id("aws.ec2.security_group_open_to_world"), [office]) == []


def k8s_pod(spec: dict[str, Any]) -> Event:
    record = {
        "verb": "create", "user": {"username": "alice"},
        "objectRef": {"resource": "pods", "namespace": "default", "name": "p"},
        "requestObject": {"spec": spec},
    }  # fmt: skip
    return Event(time=T0, source="kubernetes.audit", action="create.pods", fields=record)


def test_privileged_pod_and_host_path() -> None:
    privileged = {"containers": [{"name": "c", "securityContext": {"privileged": True}}]}
    plain = {"containers": [{"name": "c", "securityContext": {"privileged": False}}]}
    assert len(run(by_id("kubernetes.audit.privileged_pod"), [k8s_pod(privileged)])) == 1
    assert run(by_id("kubernetes.audit.privileged_pod"), [k8s_pod(plain)]) == []
    host = {"containers": [{"name": "c"}], "volumes": [{"name": "r", "hostPath": {"path": "/"}}]}
    empty = {"containers": [{"name": "c"}], "volumes": [{"name": "r", "emptyDir": {}}]}
    assert len(run(by_id("kubernetes.audit.host_path_mount"), [k8s_pod(host)])) == 1
    assert run(by_id("kubernetes.audit.host_path_mount"), [k8s_pod(empty)]) == []


def dns(name: str, seconds: float = 0, host: str = "web-1") -> Event:
    return Event(
        time=at(seconds), source="aws.route53.resolver", action="A", domain=name,
        host=host, source_ip="10.0.0.5",
    )  # fmt: skip


def test_dns_heuristics() -> None:
    assert dga_reason("xjw3kq9zt7plmq.com")
    assert dga_reason("kwjfhxzqprtv.ru")
    for ordinary in ("google.com", "wikipedia.org", "stackoverflow.com", "microsoftonline.com"):
        assert dga_reason(ordinary) == ""
    encoded = "l467les7d7mlg6dpdurrfi7ocbrhelbu3zjrui7mhw2ymabtsdtlseswjlim"
    assert tunnel_reason(f"{encoded}.t.example.com")
    assert tunnel_reason("verylongbutnormalsubdomainnameforsomeservice.example.com") == ""
    assert registered_domain("a.b.example.co.uk") == "example.co.uk"
    bad = load_domain_list(["# list", "", "0.0.0.0 evil.example", "bad.test."])
    assert bad == frozenset({"evil.example", "bad.test"})
    assert known_bad_reason("c2.evil.example", bad)
    assert known_bad_reason("notevil.example", bad) == ""


def test_dns_detectors_dedupe_per_host_and_domain() -> None:
    dga = by_id("dns.dga_domain")
    alerts = run(dga, [dns("xjw3kq9zt7plmq.com", i) for i in range(20)])
    assert [a.type for a in alerts] == ["dns.dga_domain"]
    assert run(by_id("dns.dga_domain"), [dns("www.example.com")]) == []
    bad = by_id("dns.known_bad_domain", ("evil.example",))
    assert len(run(bad, [dns("x.evil.example"), dns("y.evil.example", 5)])) == 1
    assert "dns.known_bad_domain" not in {d.id for d in builtin_detectors()}


def test_dns_tunnelling_by_volume_of_unique_subdomains() -> None:
    detector = by_id("dns.tunnelling_volume")
    names = [dns(f"q{i}.t.example.com", i) for i in range(100)]
    assert [a.type for a in run(detector, names)] == ["dns.tunnelling_volume"]
    same = [dns("www.example.com", i) for i in range(200)]
    assert run(by_id("dns.tunnelling_volume"), same) == []


def test_every_builtin_detector_has_alert_metadata_and_json_state() -> None:
    for detector in builtin_detectors(bad_domains=["evil.example"]):
        assert isinstance(detector, Detector)
        builder = detector.builder  # type: ignore[attr-defined]
        assert builder.title and builder.description and builder.remediation
        assert builder.technique.startswith("T") and builder.tactic
        json.dumps(detector.state())
        detector.restore(detector.state())
        assert detector.flush(T0) == []


def _provocative(source: str, action: str, outcome: str, i: int) -> Event:
    """An event that would set off many built-in detectors, whatever its source or action."""
    pod = {"containers": [{"name": "c", "securityContext": {"privileged": True}}],
           "volumes": [{"hostPath": {"path": "/"}}], "hostPID": True}  # fmt: skip
    fields = {
        "errorCode": "AccessDenied", "bytes_sent": str(10 * 1024**3),
        "requestParameters": {
            "bucketName": f"b{i}", "groupId": "sg-1", "secretId": f"s{i}", "name": f"p{i}",
            "withDecryption": True, "maxCount": "50", "x-amz-acl": "public-read",
            "ipPermissions": {"cidrIp": "0.0.0.0/0"},
            "bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*"}]},
        },
        "protoPayload": {"methodName": "storage.setIamPermissions", "resourceName": "r",
                         "serviceData": {"policyDelta": {"bindingDeltas": [
                             {"action": "ADD", "member": "allUsers", "role": "viewer"}]}}},
        "verb": "create", "user": {"username": "u"}, "responseStatus": {"code": 403},
        "objectRef": {"resource": "pods", "namespace": "n", "name": f"s{i}"},
        "requestObject": {"spec": pod},
    }  # fmt: skip
    return Event(
        time=at(i), source=source, action=action, outcome=outcome,
        actor="user" if i % 2 else f"user{i}",
        source_ip="203.0.113.9", host="h", domain=f"x{i}qzkvjw8rtp3lmn9.evil.example",
        fields=fields,
    )  # fmt: skip


def test_router_only_skips_events_a_detector_cannot_alert_on() -> None:
    detectors = builtin_detectors(bad_domains=["evil.example"])
    router = Router(detectors)
    sources = {s for d in detectors for s in d.sources or ()} | {"linux.process", "other"}
    # what the predicates test, named independently of the routing declarations
    actions = {
        "ssh.login", "ssh.invalid_user", "ssh.auth_failure", "ConsoleLogin", "DeleteBucket",
        "RunInstances", "ListSecrets", "GetSecretValue", "GetParameter", "GetParameters",
        "GetObject", "PutBucketPolicy", "PutBucketAcl", "PutObjectAcl",
        "AuthorizeSecurityGroupIngress", "TerminateInstances", "REST.GET.OBJECT", "get", "x",
    }  # fmt: skip
    actions |= {a for d in detectors for a in d.actions or ()}
    for source in sorted(sources):
        for action in sorted(actions):
            routed = router.route(source, action)
            for detector in builtin_detectors(bad_domains=["evil.example"]):
                if any(d.id == detector.id for d in routed):
                    continue
                before = json.dumps(detector.state(), sort_keys=True)
                events = [
                    _provocative(source, action, "failure" if i < 100 else "success", i)
                    for i in range(120)
                ]
                assert run(detector, events) == [], (detector.id, source, action)
                assert json.dumps(detector.state(), sort_keys=True) == before


def test_router_by_outcome_only_skips_events_a_detector_cannot_alert_on() -> None:
    detectors = builtin_detectors(bad_domains=["evil.example"])
    router = Router(detectors)
    assert any(getattr(d, "outcomes", None) for d in detectors)
    sources = {s for d in detectors for s in d.sources or ()}
    actions = {a for d in detectors for a in d.actions or ()} | {"DeleteTrail", "x"}
    for source in sorted(sources):
        for action in sorted(actions):
            for outcome in ("success", "failure", "unknown", ""):
                routed = router.route(source, action, outcome)
                assert {d.id for d in routed} <= {d.id for d in router.route(source, action)}
                for detector in builtin_detectors(bad_domains=["evil.example"]):
                    if any(d.id == detector.id for d in routed):
                        continue
                    before = json.dumps(detector.state(), sort_keys=True)
                    events = [_provocative(source, action, outcome, i) for i in range(120)]
                    assert run(detector, events) == [], (detector.id, source, action, outcome)
                    assert json.dumps(detector.state(), sort_keys=True) == before


def test_router_keeps_detector_order() -> None:
    detectors = builtin_detectors()
    routed = Router(detectors).route("aws.cloudtrail", "ConsoleLogin")
    assert [d.id for d in routed] == [d.id for d in detectors if d in routed]
    assert {"aws.cloudtrail.console_login_brute_force", "aws.cloudtrail.access_denied_burst"} <= {
        d.id for d in routed
    }


@pytest.mark.parametrize("type_", ["linux.auth.ssh_brute_force",
                                   "linux.auth.ssh_login_after_failures"])
def test_the_same_events_read_again_count_once(type_: str) -> None:
    """Six failures, below every threshold, read twice with the state kept between runs."""
    events = [ssh(i * 5) for i in range(6)]
    first = by_id(type_)
    assert run(first, events) == []
    second = by_id(type_)
    second.restore(json.loads(json.dumps(first.state())))
    assert run(second, events) == []  # a replay: nothing new
    third = by_id(type_)
    third.restore(json.loads(json.dumps(second.state())))
    later = [ssh(60 + i) for i in range(5)] + [ssh(70, outcome="success")]
    assert len(run(third, later)) == 1  # the continuation still counts with the first run


def test_within_a_run_file_order_does_not_hide_events() -> None:
    """The replay mark is fixed at restore: a run reading a newer file, then an older one,
    counts both."""
    detector = threshold()
    newer, older = [ssh(100), ssh(101)], [ssh(50)]
    assert run(detector, newer) == []
    assert len(run(detector, older)) == 1
