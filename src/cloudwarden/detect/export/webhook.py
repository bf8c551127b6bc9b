"""Workflow automation: rules that POST alerts and incidents to webhooks.

Each request carries `X-Cloudwarden-Signature: sha256=<hex HMAC-SHA256 of the body>` keyed by
the secret in the environment variable the rule names (the secret is never logged nor written
to the dead letter), and `X-Cloudwarden-Delivery`, an id that stays the same on redelivery so
receivers can drop duplicates. Connection errors, 408, 429 and 5xx are retried with bounded
exponential backoff; what still fails, and any other 4xx, goes to a dead-letter JSON-lines file
that `redeliver` replays, so nothing is lost while a receiver is down.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cloudwarden import __version__ as _tool_version
from cloudwarden.core.events import Alert, EntityKind
from cloudwarden.core.jsonutil import json_default
from cloudwarden.core.model import Severity
from cloudwarden.detect.export.jsonl import to_dict
from cloudwarden.detect.fusion import Incident

__all__ = [
    "SIGNATURE_HEADER",
    "AutomationRule",
    "Delivery",
    "Post",
    "RedeliveryReport",
    "WebhookDispatcher",
    "redeliver",
    "sign",
    "verify_signature",
]

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Cloudwarden-Signature"
DELIVERY_HEADER = "X-Cloudwarden-Delivery"
#: (url, body, headers, timeout) -> HTTP status; raises OSError when the receiver is unreachable
Post = Callable[[str, bytes, Mapping[str, str], float], int]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """For receivers: constant-time check of the signature header."""
    return hmac.compare_digest(sign(secret, body), header)


class AutomationRule(BaseModel):
    """POST matching alerts and incidents to `url`. `types` and `resources` are globs; an
    incident matches a type glob when one of its alerts does; empty `resources` matches all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    url: str
    secret_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    on: frozenset[Literal["alert", "incident"]] = frozenset({"alert", "incident"})
    min_severity: Severity = Severity.INFORMATIONAL
    types: tuple[str, ...] = ("*",)
    resources: tuple[str, ...] = ()
    max_attempts: int = Field(default=4, ge=1, le=10)
    backoff_initial: float = Field(default=1.0, ge=0, le=60)
    backoff_max: float = Field(default=30.0, ge=0, le=600)
    timeout: float = Field(default=10.0, gt=0, le=120)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("webhook url must be http:// or https://")
        return value

    @field_validator("min_severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value

    def matches(self, item: Alert | Incident) -> bool:
        kind = "alert" if isinstance(item, Alert) else "incident"
        if kind not in self.on or item.severity < self.min_severity:
            return False
        types = [item.type] if isinstance(item, Alert) else [a.type for a in item.alerts]
        if not any(fnmatch.fnmatchcase(t, g) for t in types for g in self.types):
            return False
        if not self.resources:
            return True
        found = {e.value for e in item.entities if e.kind == EntityKind.RESOURCE}
        alerts = [item] if isinstance(item, Alert) else list(item.alerts)
        found.update(r for a in alerts for r in a.resources)
        return any(fnmatch.fnmatchcase(r, g) for r in found for g in self.resources)


@dataclass(frozen=True, slots=True)
class Delivery:
    rule: str
    delivery_id: str
    delivered: bool
    attempts: int
    status: int | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class RedeliveryReport:
    delivered: int
    failed: int


def urllib_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 - scheme checked by AutomationRule
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _retryable(status: int) -> bool:
    return status in (408, 429) or status >= 500


def _deliver(
    record: Mapping[str, Any], secret: str | None, post: Post, sleep: Callable[[float], None]
) -> Delivery:
    """Tries one delivery with the record's retry settings."""
    body = record["body"].encode()
    name, delivery_id = record["rule"], record["delivery_id"]
    if secret is None:
        error = f"environment variable {record['secret_env']} is not set"
        log.warning("webhook %s: %s", name, error)
        return Delivery(name, delivery_id, False, 0, None, error)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"cloudwarden/{_tool_version}",
        DELIVERY_HEADER: delivery_id,
        SIGNATURE_HEADER: sign(secret, body),
    }
    status: int | None = None
    error = ""
    attempts = int(record["max_attempts"])
    for attempt in range(1, attempts + 1):
        try:
            status = post(record["url"], body, headers, float(record["timeout"]))
        except OSError as exc:  # URLError, refused, reset, timeout
            status, error = None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
        else:
            if 200 <= status < 300:
                return Delivery(name, delivery_id, True, attempt, status)
            error = f"HTTP {status}"
            if not _retryable(status):
                attempts = attempt
                break
        log.info("webhook %s delivery %s attempt %d failed: %s", name, delivery_id, attempt,
                 error)
        if attempt < attempts:
            initial, cap = float(record["backoff_initial"]), float(record["backoff_max"])
            sleep(min(cap, initial * 2 ** (attempt - 1)))
    log.warning("webhook %s delivery %s failed after %d attempts: %s", name, delivery_id,
                attempts, error)
    return Delivery(name, delivery_id, False, attempts, status, error)


def _dead_record(record: Mapping[str, Any], result: Delivery) -> dict[str, Any]:
    return {**record, "error": result.error, "attempts": result.attempts,
            "failed_at": datetime.now(UTC).isoformat()}


class WebhookDispatcher:
    """Sends each item to the rules it matches. `post` and `sleep` are injectable; the default
    `post` is urllib. Failed deliveries are appended to `dead_letter` (JSON lines)."""

    def __init__(
        self,
        rules: Iterable[AutomationRule],
        dead_letter: Path,
        *,
        env: Mapping[str, str] | None = None,
        post: Post = urllib_post,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rules = tuple(rules)
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError("automation rule names must be unique")
        self.dead_letter = dead_letter
        self._env = env
        self._post = post
        self._sleep = sleep

    def dispatch(self, item: Alert | Incident) -> list[Delivery]:
        env = os.environ if self._env is None else self._env
        payload = {"kind": "alert" if isinstance(item, Alert) else "incident",
                   "data": to_dict(item)}
        results = []
        for rule in self.rules:
            if not rule.matches(item):
                continue
            body = json.dumps({**payload, "rule": rule.name}, default=json_default,
                              sort_keys=True)
            record = {
                "delivery_id": uuid.uuid4().hex, "rule": rule.name, "url": rule.url,
                "secret_env": rule.secret_env, "max_attempts": rule.max_attempts,
                "backoff_initial": rule.backoff_initial, "backoff_max": rule.backoff_max,
                "timeout": rule.timeout, "body": body,
            }
            result = _deliver(record, env.get(rule.secret_env), self._post, self._sleep)
            if not result.delivered:
                self._append([_dead_record(record, result)])
            results.append(result)
        return results

    def dispatch_all(self, items: Iterable[Alert | Incident]) -> list[Delivery]:
        return [d for item in items for d in self.dispatch(item)]

    def _append(self, records: list[dict[str, Any]]) -> None:
        self.dead_letter.parent.mkdir(parents=True, exist_ok=True)
        with self.dead_letter.open("a", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, sort_keys=True) + "\n")


def redeliver(
    dead_letter_file: Path,
    *,
    env: Mapping[str, str] | None = None,
    post: Post = urllib_post,
    sleep: Callable[[float], None] = time.sleep,
) -> RedeliveryReport:
    """Replays a dead-letter file (same body, same delivery id, signature computed afresh from
    the environment); the file keeps only what failed again, and unreadable lines as they
    were. Not safe to run while a dispatcher appends to the same file."""
    if not dead_letter_file.exists():
        return RedeliveryReport(0, 0)
    env = os.environ if env is None else env
    keep: list[str] = []
    delivered = 0
    for line in dead_letter_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            secret = env.get(record["secret_env"])
            result = _deliver(record, secret, post, sleep)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("dead letter %s: unreadable record kept: %s", dead_letter_file, exc)
            keep.append(line)
            continue
        if result.delivered:
            delivered += 1
        else:
            keep.append(json.dumps(_dead_record(record, result), sort_keys=True))
    tmp = dead_letter_file.with_name(dead_letter_file.name + ".tmp")
    tmp.write_text("".join(f"{line}\n" for line in keep), encoding="utf-8")
    tmp.replace(dead_letter_file)
    return RedeliveryReport(delivered, len(keep))
