"""The scan context: one boto3 session, its clients, and the error sink every call reports to.

Every AWS call of the collector goes through `Api.call` / `Api.pages`, so that a failed call
becomes one `CollectionError` (errors are data) and the caller just sees `None`. Where a failure
leaves a field of an asset unknown, the collect step uses `Api.fetch` / `Api.fetch_pages`
instead: they also say why (`Fetched.failure`), which becomes the asset's `unknown` entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from cloudwarden.core.errors import CollectionError

__all__ = ["GLOBAL", "Api", "Fetched", "ScanContext", "failures"]

#: The region label of account-wide resources (IAM, the account itself).
GLOBAL = "global"

#: What a failed call raises: an AWS error, a transport failure, or an unparseable answer
#: (e.g. an HTML error page from a proxy or an emulator that lacks the API).
_CALL_ERRORS = (ClientError, BotoCoreError, ResponseParserError)

#: boto3 clients are generated at runtime; without per-service stubs they are untyped.
Client = Any

T = TypeVar("T")


class Fetched(NamedTuple, Generic[T]):
    """What a call returned (`value`, None on failure) and, if it failed, why:
    `failure` is "<Operation>: <error code>", the reason an asset's `unknown` field carries."""

    value: T | None
    failure: str = ""


def failures(fetched: Mapping[str, Fetched[Any] | str]) -> dict[str, str]:
    """Canonical field -> failure reason, for the fields whose call failed.

    Values are `Fetched` results or reasons already worked out ("" = no failure)."""
    out: dict[str, str] = {}
    for field, item in fetched.items():
        reason = item if isinstance(item, str) else item.failure
        if reason:
            out[field] = reason
    return out


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


def failure_reason(operation: str, exc: Exception) -> str:
    """The short reason an unknown field carries: "GetBucketPolicy: AccessDenied"."""
    return f"{operation}: {error_code(exc) or type(exc).__name__}"


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
                    service,
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
        return self.fetch(method, absent=absent, **params).value

    def fetch(self, method: str, *, absent: Collection[str] = (),
              unsupported: Collection[str] = (), **params: Any) -> Fetched[dict[str, Any]]:
        """`call`, also saying why it failed. An error code listed in `unsupported` means the
        endpoint does not implement the API: the value is unknown (a failure), but it is not
        recorded as a collection error (some partitions and emulators lack whole APIs)."""
        try:
            response: dict[str, Any] = getattr(self.client, method)(**params)
        except _CALL_ERRORS as exc:
            code = error_code(exc)
            if code in absent:
                return Fetched({})
            operation = self.operation(method)
            if code not in unsupported:
                self.ctx.record(self.service, self.region, operation, error_reason(exc))
            return Fetched(None, failure_reason(operation, exc))
        response.pop("ResponseMetadata", None)
        return Fetched(response)

    def pages(self, method: str, key: str, **params: Any) -> list[Any] | None:
        """All items under `key` across pages; None (error recorded) if any page failed."""
        return self.fetch_pages(method, key, **params).value

    def fetch_pages(self, method: str, key: str, **params: Any) -> Fetched[list[Any]]:
        """`pages`, also saying why it failed."""
        items: list[Any] = []
        try:
            if self.client.can_paginate(method):
                for page in self.client.get_paginator(method).paginate(**params):
                    items.extend(page.get(key) or [])
            else:
                items.extend(getattr(self.client, method)(**params).get(key) or [])
        except _CALL_ERRORS as exc:
            operation = self.operation(method)
            self.ctx.record(self.service, self.region, operation, error_reason(exc))
            return Fetched(None, failure_reason(operation, exc))
        return Fetched(items)
