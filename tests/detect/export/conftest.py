from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloudwarden.core.events import Alert, Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import AlertBuilder
from cloudwarden.detect.fusion import Incident, fuse

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
ACTOR = "arn:aws:iam::111122223333:user/dev-ci"


def _ct(minutes: int, action: str, target: str = "") -> Event:
    return Event(time=T0 + timedelta(minutes=minutes), source="aws.cloudtrail", action=action,
                 outcome="success", actor=ACTOR, actor_type="IAMUser", source_ip="203.0.113.66",
                 targets=(target,) if target else (), account="111122223333",
                 fields={"eventName": action, "when": T0}, origin=f"trail.json:{minutes}")


def story() -> list[Alert]:
    return [
        AlertBuilder(type="aws.secretsmanager.list_then_get", title="Secrets listed then read",
                     severity=Severity.MEDIUM, technique="T1555.006",
                     description="Listed | then read = many secrets\nquickly",
                     remediation="Rotate the secrets read.").build(
            [_ct(0, "ListSecrets"), _ct(1, "GetSecretValue", "arn:aws:secretsmanager:s")]),
        AlertBuilder(type="aws.iam.access_key_created", title="Access key created",
                     severity=Severity.MEDIUM, technique="T1098.001").build(
            [_ct(5, "CreateAccessKey", "arn:aws:iam::111122223333:user/adm")]),
        AlertBuilder(type="aws.cloudtrail.logging_disabled", title="CloudTrail stopped",
                     severity=Severity.HIGH, technique="T1562.008").build(
            [_ct(9, "StopLogging", "arn:aws:cloudtrail:us-east-1:111122223333:trail/main")]),
    ]


@pytest.fixture
def alerts() -> list[Alert]:
    return story()


@pytest.fixture
def incident() -> Incident:
    (found,) = fuse(story())
    return found


@pytest.fixture
def host_alert() -> Alert:
    event = Event(time=T0, source="linux.process", action="xmrig", host="build-7",
                  process="xmrig", command_line="xmrig -o pool:3333", actor="www-data",
                  domain="pool.example")
    return AlertBuilder(type="linux.process.crypto_miner", title="Crypto miner",
                        severity=Severity.HIGH, technique="T1496").build([event])
