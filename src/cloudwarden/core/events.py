"""Events and alerts: what log sources produce and what detections make of them.

An `Event` is one normalized log record: the fields every detection can rely on (time, actor,
source IP, action, targets, outcome, account, region, host and process) plus `fields`, the
record's own document, which Sigma rules address by their log source's field names. An `Alert`
is one detection's conclusion about one or more events; alerts that share entities become
incidents (`cloudwarden.detect.fusion`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from cloudwarden.core.model import Severity

__all__ = ["Alert", "AlertStatus", "Entity", "EntityKind", "Event"]


@dataclass(slots=True)
class Event:
    """One normalized log record.

    `source` names the log source (`aws.cloudtrail`, `kubernetes.audit`, `linux.auth`,
    `linux.process`, `aws.route53.resolver`, `dns.bind`, `aws.s3.access`, `aws.vpc.flow`,
    `azure.activity`, `azure.signin`, `gcp.audit`, ...). `action` is the operation
    (CloudTrail eventName, K8s verb + resource, `ssh.login`, the executed program, the DNS
    query type, ...). `outcome` is `success`, `failure` or `unknown`.

    Treat it as immutable: derive changed copies with `dataclasses.replace`. It is not a
    frozen dataclass on purpose: a frozen __init__ is about 3x slower, and every
    parser builds one per log record (millions per large run). Nothing hashes events (their
    `fields` is a dict).
    """

    time: datetime
    source: str
    action: str
    outcome: str = "unknown"
    actor: str = ""
    actor_type: str = ""
    source_ip: str = ""
    user_agent: str = ""
    targets: tuple[str, ...] = ()
    account: str = ""
    region: str = ""
    host: str = ""
    process: str = ""
    command_line: str = ""
    domain: str = ""
    #: the record's own document (CloudTrail record, audit event, parsed log line fields)
    fields: Mapping[str, Any] = field(default_factory=dict)
    #: where the record came from: `file:line`, `s3://bucket/key:line`
    origin: str = ""

    def get(self, path: str, default: Any = None) -> Any:
        """A value of `fields` by dotted path (`userIdentity.type`); `default` when absent."""
        value: Any = self.fields
        for part in path.split("."):
            if type(value) is dict or isinstance(value, Mapping):  # JSON records: no ABC check
                value = value.get(part, default)
            else:
                return default
        return value


class EntityKind(enum.StrEnum):
    IDENTITY = "identity"
    IP = "ip"
    HOST = "host"
    RESOURCE = "resource"
    PROCESS = "process"
    FILE = "file"
    DOMAIN = "domain"


class Entity(NamedTuple):
    """Something an alert is about. A NamedTuple (immutable, ordered by kind then value) rather
    than a frozen dataclass: fusion and aggregation hash entities by the hundred thousand, and
    a tuple's hash is computed in C."""

    kind: EntityKind
    value: str


class AlertStatus(enum.StrEnum):
    NEW = "new"
    ACTIVE = "active"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


@dataclass(slots=True)
class Alert:
    """A detection's conclusion. `type` is the detection id (stable, readable:
    `aws.cloudtrail.logging_disabled`); `tactic` and `technique` are ATT&CK ids.

    Treat it as immutable, like `Event`: derive changed copies with `dataclasses.replace`. It
    is not a frozen dataclass for the same reason: a frozen __init__ is about 10x slower, and
    a detection run builds alerts by the hundred thousand (one per occurrence, one per merge).
    """

    id: str
    type: str
    title: str
    severity: Severity
    description: str
    first_seen: datetime
    last_seen: datetime
    tactic: str = ""
    technique: str = ""
    entities: tuple[Entity, ...] = ()
    resources: tuple[str, ...] = ()
    evidence: tuple[Event, ...] = ()
    remediation: str = ""
    count: int = 1
    status: AlertStatus = AlertStatus.NEW
    #: inventory assets (`AssetRef.key`) the alert's resources name, when an inventory is known
    #: (`cloudwarden.detect.link`)
    assets: tuple[str, ...] = ()
