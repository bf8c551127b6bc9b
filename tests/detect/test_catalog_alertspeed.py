"""The built-in detections' field readers answer what `Event.get` and the `_scalars` walk did:
paths split once, the first wanted scalar found without generators (generated documents,
mappings that are not dicts, lists, None and odd values included)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.rules import catalog

T0 = datetime(2026, 3, 1, tzinfo=UTC)
KEYS = ["requestParameters", "bytesSent", "bytes_sent", "BytesSent", "additionalEventData",
        "bytesTransferredOut", "groupId", "bucketName", "x", "a.b"]
LEAVES: list[Any] = [None, "", "-", "12", "3.5", "abc", 7, 0, -1.5, True, "0.0.0.0/0", "::/0",
                     "public-read", "x AuthenticatedUsers y", [], {}]


def _doc(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice(LEAVES)
    if roll < 0.55:
        return [_doc(rng, depth + 1) for _ in range(rng.randrange(3))]
    if roll < 0.6:
        return tuple(_doc(rng, depth + 1) for _ in range(rng.randrange(3)))
    doc = {rng.choice(KEYS): _doc(rng, depth + 1) for _ in range(rng.randrange(4))}
    return MappingProxyType(doc) if roll < 0.65 else doc  # a Mapping that is not a dict


def _event(rng: random.Random) -> Event:
    fields = _doc(rng, 0)
    if not isinstance(fields, Mapping):
        fields = {"requestParameters": fields} if rng.random() < 0.8 else fields
    action = rng.choice(["AuthorizeSecurityGroupIngress", "PutBucketAcl", "PutObjectAcl", "X"])
    return Event(T0, rng.choice(["aws.cloudtrail", "aws.cloudtrail", "gcp.audit"]), action,
                 fields=fields)


# --- the reference: the spellings before
def _ref_scalars(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _ref_scalars(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _ref_scalars(item)
    elif value is not None:
        yield str(value)


def _ref_bytes_read(event: Event) -> float:
    for path in ("bytes_sent", "bytesSent", "BytesSent", "additionalEventData.bytesTransferredOut"):
        value = event.get(path)
        try:
            if value not in (None, "", "-"):
                return float(value)
        except (TypeError, ValueError):
            continue
    return 0.0


def _ref_acl(event: Event) -> str:
    if event.source != "aws.cloudtrail" or event.action not in ("PutBucketAcl", "PutObjectAcl"):
        return ""
    for value in _ref_scalars(event.get("requestParameters")):
        if value in catalog._PUBLIC_CANNED or any(g in value for g in catalog._PUBLIC_GRANTEES):
            bucket = catalog._text(event.get("requestParameters.bucketName"))
            return f"The ACL of {bucket} grants access to everyone ({value})."
    return ""


def _ref_ingress(event: Event) -> str:
    if event.source != "aws.cloudtrail" or event.action != "AuthorizeSecurityGroupIngress":
        return ""
    for value in _ref_scalars(event.get("requestParameters")):
        if value in ("0.0.0.0/0", "::/0"):
            group = catalog._text(event.get("requestParameters.groupId"))
            return f"Security group {group} now accepts traffic from {value}."
    return ""


def test_getter_is_event_get() -> None:
    rng = random.Random(21)
    paths = ["requestParameters", "requestParameters.groupId", "additionalEventData.x.a.b",
             "a.b", "x", "requestParameters.requestParameters.bytesSent", "bytesSent"]
    getters = {path: catalog._getter(path) for path in paths}
    for _ in range(3000):
        event = _event(rng)
        for path, get in getters.items():
            got, expected = get(event), event.get(path)
            assert got is expected or (got == expected and type(got) is type(expected))
        assert catalog._field("requestParameters.groupId")(event) == catalog._text(
            event.get("requestParameters.groupId"))


def test_first_scalar_and_predicates_are_the_reference() -> None:
    rng = random.Random(22)
    for _ in range(4000):
        event = _event(rng)
        document = event.get("requestParameters")
        for wanted in (catalog._WORLD.__contains__, catalog._public_acl_value):
            expected = next((v for v in _ref_scalars(document) if wanted(v)), None)
            assert catalog._first_scalar(document, wanted) == expected
        assert catalog._world_open_ingress(event) == _ref_ingress(event)
        assert catalog._public_bucket_acl(event) == _ref_acl(event)
        assert list(catalog._scalars(document)) == list(_ref_scalars(document))


def test_bytes_read_is_the_reference() -> None:
    rng = random.Random(23)
    for _ in range(4000):
        event = _event(rng)
        assert catalog._bytes_read(event) == _ref_bytes_read(event)
    nested = Event(T0, "aws.cloudtrail", "GetObject",
                   fields={"additionalEventData": {"bytesTransferredOut": "2048"}})
    assert catalog._bytes_read(nested) == _ref_bytes_read(nested) == 2048.0
