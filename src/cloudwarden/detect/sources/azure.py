"""Azure Activity Log and Microsoft Entra sign-in and audit logs, in the shapes they are
exported: diagnostic settings (JSON lines in storage, `{"records": [...]}` from Event Hubs;
the record's own fields under `properties`), the REST API / `az monitor activity-log list`
(JSON arrays, `operationName.value`, `status.value`) and Microsoft Graph (`{"value": [...]}` or
portal downloads as arrays). `fields` is the record as exported."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, parse_iso, text_of
from cloudwarden.detect.sources._input import Input
from cloudwarden.detect.sources._json import parse_json_source

__all__ = [
    "ACTIVITY",
    "AUDIT",
    "SIGNIN",
    "activity_event",
    "entra_audit_event",
    "parse_azure_activity",
    "parse_entra_audit",
    "parse_entra_signin",
    "signin_event",
]

ACTIVITY = "azure.activity"
SIGNIN = "azure.signin"
AUDIT = "azure.audit"

_FAILED = {"failure", "failed", "canceled", "cancelled"}
_SUCCEEDED = {"success", "succeeded", "accept", "started", "active", "resolved"}


def parse_azure_activity(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, activity_event)


def parse_entra_signin(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, signin_event)


def parse_entra_audit(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, entra_audit_event)


def _value(field: object) -> str:
    """REST exports wrap names as `{"value": ..., "localizedValue": ...}`."""
    if isinstance(field, dict):
        return text_of(field.get("value"))
    return text_of(field)


def _outcome(status: str) -> str:
    status = status.lower().rstrip(".")
    if status in _FAILED:
        return "failure"
    if status in _SUCCEEDED:
        return "success"
    return "unknown"


def activity_event(record: Mapping[str, Any], origin: str) -> Event:
    operation = _value(record.get("operationName"))
    if not operation:
        raise Malformed("no operationName")
    resource = text_of(record.get("resourceId"))
    claims = (record.get("identity") or {}).get("claims") or record.get("claims") or {}
    caller = text_of(
        record.get("caller")
        or claims.get("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn")
        or claims.get("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name")
        or claims.get("appid")
    )
    http = record.get("httpRequest") or {}
    status = _value(record.get("resultType") or record.get("status"))
    return Event(
        time=parse_iso(record.get("time") or record["eventTimestamp"]),
        source=ACTIVITY,
        action=operation.lower() if operation.isupper() else operation,
        outcome=_outcome(status),
        actor=caller,
        actor_type=_caller_type(claims, caller),
        source_ip=text_of(record.get("callerIpAddress") or http.get("clientIpAddress")),
        targets=(resource,) if resource else (),
        account=text_of(record.get("subscriptionId")) or _subscription(resource),
        region=text_of(record.get("location")),
        fields=record,
        origin=origin,
    )


def _caller_type(claims: Mapping[str, Any], caller: str) -> str:
    if claims.get("idtyp") == "app":
        return "servicePrincipal"
    return "user" if caller else ""


def _subscription(resource_id: str) -> str:
    parts = resource_id.split("/")
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "subscriptions":
            return parts[index + 1].lower()
    return ""


def signin_event(record: Mapping[str, Any], origin: str) -> Event:
    body = record.get("properties") if isinstance(record.get("properties"), dict) else record
    assert isinstance(body, Mapping)
    user = text_of(body.get("userPrincipalName"))
    if not user and not body.get("servicePrincipalName"):
        raise Malformed("no userPrincipalName")
    status = body.get("status") or {}
    code = status.get("errorCode", record.get("resultType"))
    failed = str(code) not in ("0", "None", "")
    app = text_of(body.get("appDisplayName"))
    return Event(
        time=parse_iso(body.get("createdDateTime") or record["time"]),
        source=SIGNIN,
        action="signin",
        outcome="failure" if failed else "success",
        actor=user or text_of(body.get("servicePrincipalName")),
        actor_type="user" if user else "servicePrincipal",
        source_ip=text_of(body.get("ipAddress") or record.get("callerIpAddress")),
        user_agent=text_of(body.get("userAgent")),
        targets=(app,) if app else (),
        account=text_of(body.get("homeTenantId") or body.get("tenantId") or record.get("tenantId")),
        region=text_of((body.get("location") or {}).get("countryOrRegion")),
        fields=record,
        origin=origin,
    )


def entra_audit_event(record: Mapping[str, Any], origin: str) -> Event:
    body = record.get("properties") if isinstance(record.get("properties"), dict) else record
    assert isinstance(body, Mapping)
    activity = text_of(body.get("activityDisplayName"))
    if not activity:
        raise Malformed("no activityDisplayName")
    initiated = body.get("initiatedBy") or {}
    user = initiated.get("user") or {}
    app = initiated.get("app") or {}
    targets = tuple(
        text_of(t.get("userPrincipalName") or t.get("displayName") or t.get("id"))
        for t in body.get("targetResources") or []
        if isinstance(t, dict)
    )
    return Event(
        time=parse_iso(body.get("activityDateTime") or record["time"]),
        source=AUDIT,
        action=activity,
        outcome=_outcome(text_of(body.get("result"))),
        actor=text_of(user.get("userPrincipalName") or app.get("displayName")),
        actor_type="user" if user else ("servicePrincipal" if app else ""),
        source_ip=text_of(user.get("ipAddress")),
        targets=tuple(t for t in targets if t),
        account=text_of(record.get("tenantId")),
        fields=record,
        origin=origin,
    )
