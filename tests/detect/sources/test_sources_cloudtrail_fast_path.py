"""`cloudtrail_event` inlines what it does per record (time parsing, text coercion, target
parameters found by a set intersection); it must build the event the plain spelling builds."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import parse_iso, text_of
from cloudwarden.detect.sources.cloudtrail import (
    _TARGET_PARAMETERS,
    SOURCE,
    cloudtrail_event,
)


def _actor(identity: Mapping[str, Any]) -> str:
    """The actor as the reader worked it out before it was inlined."""
    return text_of(
        identity.get("arn")
        or identity.get("principalId")
        or identity.get("invokedBy")
        or identity.get("userName")
    )


def _reference_targets(record: Mapping[str, Any]) -> tuple[str, ...]:
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


def _reference(record: Mapping[str, Any], origin: str) -> Event:
    identity = record.get("userIdentity") or {}
    return Event(
        time=parse_iso(record["eventTime"]),
        source=SOURCE,
        action=record["eventName"],
        outcome="failure" if record.get("errorCode") else "success",
        actor=_actor(identity),
        actor_type=text_of(identity.get("type")),
        source_ip=text_of(record.get("sourceIPAddress")),
        user_agent=text_of(record.get("userAgent")),
        targets=_reference_targets(record),
        account=text_of(record.get("recipientAccountId") or identity.get("accountId")),
        region=text_of(record.get("awsRegion")),
        fields=record,
        origin=origin,
    )


ODD: list[Any] = [None, "", 7, 1.5, True, ["x"], {"a": 1}]
TIMES = ["2026-11-01T03:04:05Z", "2026-11-01T03:04:05.123456Z", "2026-11-01T03:04:05+02:00",
         "2026-11-01T03:04:05", "2026-11-01T03:04:05-05:30", "2026-11-01"]


def _record(rng: random.Random) -> dict[str, Any]:
    def text(value: str) -> Any:
        return rng.choice(ODD) if rng.random() < 0.2 else value

    params: Any = {
        name: text(f"{name}-{rng.randrange(3)}")
        for name in rng.sample([*_TARGET_PARAMETERS, "other", "maxCount"], rng.randrange(0, 8))
    }
    record: dict[str, Any] = {
        "eventName": rng.choice(["GetObject", "StopLogging"]),
        "eventTime": rng.choice(TIMES),
        "userIdentity": rng.choice([
            None, {}, {"type": text("IAMUser"), "arn": text("arn:aws:iam::1:user/u"),
                       "accountId": text("111")},
            {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
        ]),
        "sourceIPAddress": text("198.51.100.7"),
        "userAgent": text("aws-cli"),
        "awsRegion": text("us-east-1"),
        "recipientAccountId": text("222"),
        "requestParameters": rng.choice([params, params, None, "text", []]),
    }
    if rng.random() < 0.2:
        record["errorCode"] = text("AccessDenied")
    if rng.random() < 0.1:
        record["resources"] = rng.choice([[], [{"ARN": "arn:r1"}, {"arn": "arn:r2"}, "x", {}]])
    return {k: v for k, v in record.items() if rng.random() < 0.95 or k in ("eventName",
                                                                            "eventTime")}


def test_cloudtrail_event_is_the_plain_spelling() -> None:
    rng = random.Random(11)
    for i in range(3000):
        record = _record(rng)
        got, expected = cloudtrail_event(record, f"f:{i}"), _reference(record, f"f:{i}")
        assert got == expected
        # equal datetimes may differ in zone: the same zone, the same text
        assert got.time.tzinfo is expected.time.tzinfo
        assert got.time.isoformat() == expected.time.isoformat()


@pytest.mark.parametrize("when", [None, "", 5, "bad", "2026-13-01T00:00:00Z"])
def test_bad_times_fail_as_parse_iso_fails(when: Any) -> None:
    record = {"eventName": "GetObject", "eventTime": when}
    with pytest.raises(ValueError) as fast:
        cloudtrail_event(record, "f:1")
    with pytest.raises(ValueError) as plain:
        parse_iso(when)
    assert type(fast.value) is type(plain.value) and str(fast.value) == str(plain.value)
