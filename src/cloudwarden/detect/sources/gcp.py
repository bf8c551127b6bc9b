"""Google Cloud Audit Logs: LogEntry JSON (one entry a line, as `gcloud logging read
--format=json` arrays or sinks to Cloud Storage write them) whose `protoPayload` is an
`AuditLog`. `action` is `methodName`, the actor `authenticationInfo.principalEmail`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, parse_iso, text_of
from cloudwarden.detect.sources._input import Input
from cloudwarden.detect.sources._json import parse_json_source

__all__ = ["SOURCE", "gcp_audit_event", "parse_gcp_audit"]

SOURCE = "gcp.audit"


def parse_gcp_audit(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, gcp_audit_event)


def gcp_audit_event(record: Mapping[str, Any], origin: str) -> Event:
    payload = record.get("protoPayload")
    if not isinstance(payload, dict) or not payload.get("methodName"):
        raise Malformed("no protoPayload.methodName")
    auth = payload.get("authenticationInfo") or {}
    meta = payload.get("requestMetadata") or {}
    labels = (record.get("resource") or {}).get("labels") or {}
    status = payload.get("status") or {}
    principal = text_of(auth.get("principalEmail") or auth.get("principalSubject"))
    resource = text_of(payload.get("resourceName"))
    return Event(
        time=parse_iso(record.get("timestamp") or record["receiveTimestamp"]),
        source=SOURCE,
        action=str(payload["methodName"]),
        outcome="failure" if status.get("code") else "success",
        actor=principal,
        actor_type=_actor_type(principal),
        source_ip=text_of(meta.get("callerIp")),
        user_agent=text_of(meta.get("callerSuppliedUserAgent")),
        targets=(resource,) if resource else (),
        account=text_of(labels.get("project_id") or _project(record.get("logName"))),
        region=text_of(
            labels.get("location")
            or labels.get("zone")
            or labels.get("region")
            or (payload.get("resourceLocation") or {}).get("currentLocations", [""])[0]
        ),
        fields=record,
        origin=origin,
    )


def _actor_type(principal: str) -> str:
    if not principal:
        return ""
    if principal.endswith(".gserviceaccount.com"):
        return "serviceAccount"
    if principal.startswith("principal://"):
        return "federated"
    return "user"


def _project(log_name: object) -> str:
    parts = text_of(log_name).split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "projects" else ""
