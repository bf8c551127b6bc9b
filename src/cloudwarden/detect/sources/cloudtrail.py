"""AWS CloudTrail: delivered files (gzipped `{"Records": [...]}`), JSON lines (one record a line,
as CloudTrail Lake and most SIEM exports write) and, through `s3.iter_s3_objects`, an S3
prefix. `fields` is the CloudTrail record as is, so Sigma's `eventName`, `eventSource`,
`userIdentity.arn`... address it directly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, parse_iso, text_of
from cloudwarden.detect.sources._input import Input
from cloudwarden.detect.sources._json import parse_json_source

__all__ = ["SOURCE", "cloudtrail_event", "parse_cloudtrail"]

SOURCE = "aws.cloudtrail"
fromisoformat = datetime.fromisoformat


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
    when = record["eventTime"]
    if type(when) is str and when:  # `parse_iso`, inline: the usual `...Z` is UTC already
        time = fromisoformat(when)
        tz = time.tzinfo
        if tz is None:
            time = time.replace(tzinfo=UTC)
        elif tz is not UTC:
            time = time.astimezone(UTC)
    else:
        time = parse_iso(when)  # raises Malformed
    # `_text` without the call for the usual plain strings, and the fields passed in `Event`'s
    # order, not by name (half the cost of the call): this runs per record
    # the acting principal's ARN; for an assumed role, the role session's issuer is kept in
    # `fields` (`userIdentity.sessionContext.sessionIssuer.arn`)
    actor = (
        identity.get("arn")
        or identity.get("principalId")
        or identity.get("invokedBy")
        or identity.get("userName")
    )
    actor_type = identity.get("type")
    source_ip = get("sourceIPAddress")
    user_agent = get("userAgent")
    account = get("recipientAccountId") or identity.get("accountId")
    region = get("awsRegion")
    return Event(
        time,                                                                  # time
        SOURCE,                                                                # source
        action,                                                                # action
        "failure" if get("errorCode") else "success",                          # outcome
        actor if type(actor) is str else text_of(actor),                       # actor
        actor_type if type(actor_type) is str else text_of(actor_type),        # actor_type
        source_ip if type(source_ip) is str else text_of(source_ip),           # source_ip
        user_agent if type(user_agent) is str else text_of(user_agent),        # user_agent
        _targets(record),                                                      # targets
        account if type(account) is str else text_of(account),                 # account
        region if type(region) is str else text_of(region),                    # region
        "", "", "", "",                              # host, process, command_line, domain
        record,                                                                # fields
        origin,                                                                # origin
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
_TARGET_KEYS = frozenset(_TARGET_PARAMETERS)


def _targets(record: Mapping[str, Any]) -> tuple[str, ...]:
    # per record: no comprehension here (it would make cells of the locals on every call)
    resources = record.get("resources")
    if resources is not None and isinstance(resources, list) and resources:
        return _resource_arns(resources)
    params = record.get("requestParameters")
    if not isinstance(params, dict):
        return ()
    # the non-empty text values of the target parameters, in `_TARGET_PARAMETERS` order. Most
    # records name none or one: a walk over their parameters (a handful of keys) finds it
    # without building a set, as `_TARGET_KEYS.intersection(params)` does (twice the cost, even
    # at 16 keys); a second one found hands over to the ordered spelling
    found = None
    for name in params:
        if name in _TARGET_KEYS:
            if found is not None:
                return _named_values(params, _TARGET_KEYS.intersection(params))
            found = name
    if found is None:
        return ()
    value = params[found]
    if isinstance(value, str) and value:
        return (value,)
    return ()


def _resource_arns(resources: list[Any]) -> tuple[str, ...]:
    return tuple(
        str(r.get("ARN") or r.get("arn"))
        for r in resources
        if isinstance(r, dict) and (r.get("ARN") or r.get("arn"))
    )


def _named_values(params: Mapping[str, Any], named: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        value
        for name in _TARGET_PARAMETERS
        if name in named and isinstance(value := params[name], str) and value
    )
