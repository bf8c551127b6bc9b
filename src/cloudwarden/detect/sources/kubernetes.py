"""Kubernetes audit logs (`audit.k8s.io/v1` Event, JSON lines as the API server's log backend
writes them). `action` is the verb and resource (`create.pods/exec`, `list.secrets`), targets
`namespace/name`, actor `user.username`. The `RequestReceived` stage repeats the request the
later stages report, so it is skipped rather than counted twice."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import Malformed, ParseStats, parse_iso, text_of
from cloudwarden.detect.sources._input import Input
from cloudwarden.detect.sources._json import parse_json_source

__all__ = ["SOURCE", "kubernetes_event", "parse_kubernetes_audit"]

SOURCE = "kubernetes.audit"


def parse_kubernetes_audit(
    data: Input, stats: ParseStats | None = None, *, name: str | None = None
) -> Iterator[Event]:
    return parse_json_source(data, stats, name, kubernetes_event)


def kubernetes_event(record: Mapping[str, Any], origin: str) -> Event | None:
    if record.get("kind") != "Event" or not record.get("auditID"):
        raise Malformed("not an audit.k8s.io Event")
    if record.get("stage") == "RequestReceived":
        return None
    verb = record["verb"]
    ref = record.get("objectRef") or {}
    resource = text_of(ref.get("resource"))
    if ref.get("subresource"):
        resource = f"{resource}/{ref['subresource']}"
    user = record.get("user") or {}
    username = text_of(user.get("username"))
    code = (record.get("responseStatus") or {}).get("code")
    ips = record.get("sourceIPs") or []
    time = record.get("stageTimestamp") or record.get("requestReceivedTimestamp")
    return Event(
        time=parse_iso(time),
        source=SOURCE,
        action=f"{verb}.{resource}" if resource else str(verb),
        outcome=_outcome(code),
        actor=username,
        actor_type=_actor_type(username),
        source_ip=text_of(ips[0]) if ips else "",
        user_agent=text_of(record.get("userAgent")),
        targets=_targets(ref),
        fields=record,
        origin=origin,
    )


def _outcome(code: object) -> str:
    if not isinstance(code, int):
        return "unknown"
    return "success" if code < 400 else "failure"


def _actor_type(username: str) -> str:
    if username == "system:anonymous":
        return "anonymous"
    if username.startswith("system:serviceaccount:"):
        return "serviceaccount"
    if username.startswith("system:node:"):
        return "node"
    if username.startswith("system:"):
        return "system"
    return "user"


def _targets(ref: Mapping[str, Any]) -> tuple[str, ...]:
    namespace, name = text_of(ref.get("namespace")), text_of(ref.get("name"))
    if namespace and name:
        return (f"{namespace}/{name}",)
    if name:
        return (name,)
    if namespace:
        return (f"{namespace}/",)
    return ()
