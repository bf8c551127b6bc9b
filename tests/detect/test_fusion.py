"""Fusion of alerts into incidents along the kill chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cloudwarden.core.events import Alert, AlertStatus, Entity, EntityKind, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import AlertBuilder, transition
from cloudwarden.detect.fusion import fuse, stage_of

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
ATTACKER = "arn:aws:iam::111122223333:user/dev-ci"
IP = "203.0.113.66"

SECRETS = AlertBuilder(type="aws.secretsmanager.list_then_get", title="Secrets listed then read",
                       severity=Severity.MEDIUM, technique="T1555.006")
NEW_KEY = AlertBuilder(type="aws.iam.access_key_created_for_other_user",
                       title="Access key created for another user", severity=Severity.MEDIUM,
                       technique="T1098.001")
TRAIL_OFF = AlertBuilder(type="aws.cloudtrail.logging_disabled", title="CloudTrail stopped",
                         severity=Severity.HIGH, technique="T1562.008")
MINER = AlertBuilder(type="linux.process.crypto_miner", title="Crypto miner",
                     severity=Severity.HIGH, technique="T1496")


def ct(minutes: int, action: str, *, actor: str = ATTACKER, ip: str = IP,
       target: str = "") -> Event:
    return Event(time=T0 + timedelta(minutes=minutes), source="aws.cloudtrail", action=action,
                 outcome="success", actor=actor, source_ip=ip,
                 targets=(target,) if target else (), account="111122223333")


def story() -> list[Alert]:
    return [
        # built out of kill-chain order on purpose: fusion orders them
        TRAIL_OFF.build([ct(40, "StopLogging", target="arn:aws:cloudtrail:::trail/main")]),
        SECRETS.build([ct(0, "ListSecrets"), ct(2, "GetSecretValue", target="arn:s:db")]),
        NEW_KEY.build([ct(20, "CreateAccessKey", target="arn:aws:iam::111122223333:user/adm")]),
    ]


def unrelated() -> list[Alert]:
    host_event = Event(time=T0 + timedelta(minutes=10), source="linux.process", action="xmrig",
                       host="build-7", process="xmrig", actor="www-data")
    other_cloud = ct(15, "ListSecrets", actor="arn:aws:iam::444455556666:user/ops",
                     ip="198.51.100.4")
    return [MINER.build([host_event]), SECRETS.build([other_cloud])]


def test_attack_story_becomes_one_incident_with_ordered_stages() -> None:
    (incident,) = fuse(story() + unrelated())
    assert incident.stages == ("persistence", "defense-evasion", "credential-access")
    assert [a.type for a in incident.alerts] == [
        "aws.iam.access_key_created_for_other_user",
        "aws.cloudtrail.logging_disabled",
        "aws.secretsmanager.list_then_get",
    ]
    assert incident.severity == Severity.CRITICAL  # max HIGH raised for three stages
    assert incident.title == (
        "Persistence then Defense Evasion then Credential Access "
        f"by identity {ATTACKER} from IP {IP}"
    )
    assert Entity(EntityKind.IDENTITY, ATTACKER) in incident.entities
    assert incident.first_seen == T0 and incident.last_seen == T0 + timedelta(minutes=40)
    assert incident.id.startswith("incident-")
    assert fuse(list(reversed(story())))[0].id == incident.id


def test_unrelated_alerts_stay_separate() -> None:
    incidents = fuse(story() + unrelated(), min_alerts=1)
    assert len(incidents) == 3
    sizes = sorted(len(i.alerts) for i in incidents)
    assert sizes == [1, 1, 3]
    single = [i for i in incidents if len(i.alerts) == 1]
    assert {i.title for i in single} == {
        "Crypto miner by identity www-data on host build-7",
        "Secrets listed then read by identity arn:aws:iam::444455556666:user/ops "
        "from IP 198.51.100.4",
    }
    assert all(i.severity == max(a.severity for a in i.alerts) for i in single)


def test_alerts_further_apart_than_the_window_are_not_linked() -> None:
    early = SECRETS.build([ct(0, "ListSecrets")])
    late = NEW_KEY.build([ct(60 * 30, "CreateAccessKey")])
    assert fuse([early, late], window=timedelta(hours=24)) == []
    assert len(fuse([early, late], window=timedelta(hours=48))) == 1


def test_shared_ip_links_different_identities() -> None:
    a = SECRETS.build([ct(0, "ListSecrets", actor="alice")])
    b = NEW_KEY.build([ct(5, "CreateAccessKey", actor="bob")])
    (incident,) = fuse([a, b])
    assert incident.stages == ("persistence", "credential-access")
    assert incident.severity == Severity.MEDIUM


def test_busy_entity_links_nothing_past_max_fanout() -> None:
    alerts = [SECRETS.build([ct(m, "ListSecrets", actor=f"user{m}")]) for m in range(5)]
    assert len(fuse(alerts)) == 1
    assert fuse(alerts, max_fanout=4) == []


def test_dismissed_alerts_take_no_part_and_stage_of_falls_back() -> None:
    alerts = story()
    alerts[0] = transition(alerts[0], AlertStatus.DISMISSED)
    (incident,) = fuse(alerts)
    assert incident.stages == ("persistence", "credential-access")
    assert stage_of(alerts[1]) == "credential-access"
    assert len(fuse(alerts, include_dismissed=True)[0].alerts) == 3
