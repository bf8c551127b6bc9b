"""AWS CloudTrail: delivered files (gzipped `{"Records": [...]}`), JSON lines (one record a line,
as CloudTrail Lake and most SIEM exports write) and, through `s3.iter_s3_objects`, an S3
prefix. `fields` is the CloudTrail record as is, so Sigma's `eventName`, `eventSource`,
`userIdentity.arn`... address it directly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, drive, parse_iso, text_of
from cloudwarden.detect.sources._input import Input, input_name, open_input
from cloudwarden.detect.sources._json import iter_json_records

__all__ = ["SOURCE", "cloudtrail_event", "parse_cloudtrail"]

SOURCE = "aws.cloudtrail"


def parse_cloudtrail(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    stats = stats if stats is not None else ParseStats()
    stats.files += 1
    with open_input(data) as reader:
        records = iter_json_records(reader, input_name(data, name), stats)
        yield from drive(records, cloudtrail_event, stats)


def cloudtrail_event(record: Mapping[str, Any], origin: str) -> Event:
    action = record.get("eventName")
    if not isinstance(action, str) or not action:
        raise Malformed("no eventName")
    identity = record.get("userIdentity") or {}
    error = record.get("errorCode")
    return Event(
        time=parse_iso(record["eventTime"]),
        source=SOURCE,
        action=action,
        outcome="failure" if error else "success",
        actor=_actor(identity),
        actor_type=text_of(identity.get("type")),
        source_ip=text_of(record.get("sourceIPAddress")),
        user_agent=text_of(record.get("userAgent")),
        targets=_targets(record),
        account=text_of(record.get("recipientAccountId") or identity.get("accountId")),
        region=text_of(record.get("awsRegion")),
        fields=record,
        origin=origin,
    )


def _actor(identity: Mapping[str, Any]) -> str:
    """The acting principal's ARN; for an assumed role, the role session's issuer is kept in
    `fields` (`userIdentity.sessionContext.sessionIssuer.arn`)."""
    return text_of(
        identity.get("arn")
        or identity.get("principalId")
        or identity.get("invokedBy")
        or identity.get("userName")
    )


#: request parameters that name the resource acted on, for the events without `resources`
_TARGET_PARAMETERS = (
    "bucketName",
    "userName",
    "roleName",
    "groupName",
    "policyArn",
    "instanceId",
    "keyId",
    "secretId",
    "functionName",
    "name",
    "trailName",
    "detectorId",
    "groupId",
    "dBInstanceIdentifier",
)


def _targets(record: Mapping[str, Any]) -> tuple[str, ...]:
    resources = record.get("resources")
    if isinstance(resources, list) and resources:
        return tuple(
            str(r.get("ARN") or r.get("arn"))
            for r in resources
            if isinstance(r, dict) and (r.get("ARN") or r.get("arn"))
        )
    params = record.get("requestParameters")
    if not isinstance(params, dict):
        return ()
    return tuple(
        params[k] for k in _TARGET_PARAMETERS if isinstance(params.get(k), str) and params[k]
    )
