"""AWS CloudTrail: delivered files (gzipped `{"Records": [...]}`), JSON lines (one record a line,
as CloudTrail Lake and most SIEM exports write) and, through `s3.iter_s3_objects`, an S3
prefix. `fields` is the CloudTrail record as is, so Sigma's `eventName`, `eventSource`,
`userIdentity.arn`... address it directly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, parse_iso, text_of
from cloudwarden.detect.sources._input import Input
from cloudwarden.detect.sources._json import parse_json_source

__all__ = ["SOURCE", "cloudtrail_event", "parse_cloudtrail"]

SOURCE = "aws.cloudtrail"


def parse_cloudtrail(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, cloudtrail_event)


def cloudtrail_event(record: Mapping[str, Any], origin: str) -> Event:
    get = record.get
    action = get("eventName")
    if not isinstance(action, str) or not action:
        raise Malformed("no eventName")
    identity = get("userIdentity") or {}
    # `_text` is `text_of` without the call for the usual plain strings, and the fields are
    # passed in `Event`'s order, not by name (half the cost of the call): this runs per record
    return Event(
        parse_iso(record["eventTime"]),              # time
        SOURCE,                                      # source
        action,                                      # action
        "failure" if get("errorCode") else "success",  # outcome
        _actor(identity),                            # actor
        _text(identity.get("type")),                 # actor_type
        _text(get("sourceIPAddress")),               # source_ip
        _text(get("userAgent")),                     # user_agent
        _targets(record),                            # targets
        _text(get("recipientAccountId") or identity.get("accountId")),  # account
        _text(get("awsRegion")),                     # region
        "", "", "", "",                              # host, process, command_line, domain
        record,                                      # fields
        origin,                                      # origin
    )


def _text(value: object) -> str:
    return value if type(value) is str else text_of(value)


def _actor(identity: Mapping[str, Any]) -> str:
    """The acting principal's ARN; for an assumed role, the role session's issuer is kept in
    `fields` (`userIdentity.sessionContext.sessionIssuer.arn`)."""
    return _text(
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
_TARGET_ORDER = {name: order for order, name in enumerate(_TARGET_PARAMETERS)}


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
    if len(params) > len(_TARGET_PARAMETERS):
        return tuple(
            params[k] for k in _TARGET_PARAMETERS if isinstance(params.get(k), str) and params[k]
        )
    # the usual few parameters: look each up once, then put them in `_TARGET_PARAMETERS` order
    found = [
        (order, value)
        for name, value in params.items()
        if isinstance(value, str) and value and (order := _TARGET_ORDER.get(name)) is not None
    ]
    if len(found) < 2:
        return (found[0][1],) if found else ()
    return tuple(value for _order, value in sorted(found))
