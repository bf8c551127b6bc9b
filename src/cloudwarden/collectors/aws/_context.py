"""The scan context: one boto3 session, its clients, and the error sink every call reports to.

Every AWS call of the collector goes through `Api.call` / `Api.pages`, so that a failed call
becomes one `CollectionError` (errors are data) and the caller just sees `None`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from cloudwarden.core.errors import CollectionError

__all__ = ["GLOBAL", "Api", "ScanContext"]

#: The region label of account-wide resources (IAM, the account itself).
GLOBAL = "global"

#: What a failed call raises: an AWS error, a transport failure, or an unparseable answer
#: (e.g. an HTML error page from a proxy or an emulator that lacks the API).
_CALL_ERRORS = (ClientError, BotoCoreError, ResponseParserError)

#: boto3 clients are generated at runtime; without per-service stubs they are untyped.
Client = Any


def error_reason(exc: Exception) -> str:
    """A short, single-line reason: the AWS error code and its message."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code") or "ClientError"
        message = err.get("Message") or ""
        return f"{code}: {message}".strip().rstrip(":")[:300]
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300]


def error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "")
    return ""


class ScanContext:
    """Holds what every task shares: session, account, client cache and collected errors.

    Thread-safe: tasks run in a thread pool. boto3 sessions are not thread-safe, so clients are
    created under a lock and cached; boto3 clients themselves are safe to share between threads.
    """

    def __init__(
        self,
        session: boto3.Session,
        *,
        account: str,
        home_region: str,
        endpoint_url: str | None,
        max_workers: int,
    ) -> None:
        self.session = session
        self.account = account
        self.home_region = home_region
        self.endpoint_url = endpoint_url
        self.partition = session.get_partition_for_region(home_region) or "aws"
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": 10},
            connect_timeout=10,
            read_timeout=60,
            # Each worker may hold a connection; leave headroom for pagination.
            max_pool_connections=max(10, max_workers * 2),
            user_agent_extra="cloudwarden",
        )
        self._clients: dict[tuple[str, str], Client] = {}
        self._lock = threading.Lock()
        self._errors: list[CollectionError] = []
        self._memo: dict[str, Any] = {}
        self._memo_locks: dict[str, threading.Lock] = {}

    # -- clients -------------------------------------------------------------------------------

    def api(self, service: str, region: str = GLOBAL) -> Api:
        """An `Api` for `service`; `region` is also the label its errors carry."""
        client_region = self.home_region if region == GLOBAL else region
        key = (service, client_region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(
                    service,  # type: ignore[call-overload]
                    region_name=client_region,
                    endpoint_url=self.endpoint_url,
                    config=self.config,
                )
                if service == "s3control" and self.endpoint_url:
                    # s3control endpoint rules prepend "<account>." to the host, which does not
                    # resolve for a local emulator endpoint (an IP or localhost).
                    client.meta.events.register("before-send.s3-control", self._strip_host_prefix)
                self._clients[key] = client
        return Api(self, client, region)

    def _strip_host_prefix(self, request: Any, **_: Any) -> None:
        request.url = request.url.replace(f"://{self.account}.", "://", 1)

    def arn(self, service: str, region: str, resource: str, *, account: str | None = None) -> str:
        acct = self.account if account is None else account
        return f"arn:{self.partition}:{service}:{region}:{acct}:{resource}"

    # -- errors and shared results ---------------------------------------------------------------

    def record(self, service: str, region: str, operation: str, reason: str) -> None:
        error = CollectionError("aws", self.account, region, service, operation, reason)
        with self._lock:
            self._errors.append(error)

    @property
    def errors(self) -> list[CollectionError]:
        with self._lock:
            return list(self._errors)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute a shared result once per scan (e.g. the IAM credential report)."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            key_lock = self._memo_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._memo:
                    return self._memo[key]
            value = compute()
            with self._lock:
                self._memo[key] = value
            return value


@dataclass(frozen=True)
class Api:
    """One client bound to the region label its errors are reported under."""

    ctx: ScanContext
    client: Client
    region: str

    @property
    def service(self) -> str:
        return str(self.client.meta.service_model.service_name)

    def operation(self, method: str) -> str:
        return str(self.client.meta.method_to_api_mapping.get(method, method))

    def call(self, method: str, *, absent: Collection[str] = (), **params: Any
             ) -> dict[str, Any] | None:
        """Call `method`; on failure record an error and return None.

        An error code listed in `absent` means "not configured" (e.g. NoSuchBucketPolicy): it is
        not an error and returns an empty dict, so callers can tell it from a failure (None).
        """
        try:
            response: dict[str, Any] = getattr(self.client, method)(**params)
        except _CALL_ERRORS as exc:
            if error_code(exc) in absent:
                return {}
            self.ctx.record(self.service, self.region, self.operation(method), error_reason(exc))
            return None
        response.pop("ResponseMetadata", None)
        return response

    def pages(self, method: str, key: str, **params: Any) -> list[Any] | None:
        """All items under `key` across pages; None (error recorded) if any page failed."""
        items: list[Any] = []
        try:
            if self.client.can_paginate(method):
                for page in self.client.get_paginator(method).paginate(**params):
                    items.extend(page.get(key) or [])
            else:
                items.extend(getattr(self.client, method)(**params).get(key) or [])
        except _CALL_ERRORS as exc:
            self.ctx.record(self.service, self.region, self.operation(method), error_reason(exc))
            return None
        return items
