"""Paginated list calls through the official client, each failure recorded as data.

Every call asks for the raw JSON (`_preload_content=False`): API-shaped dicts without the
cost of model objects, and - unlike the preloaded path, which logs response bodies at debug
level - nothing the server sends is ever logged.

Secrets are listed in metadata-only form: the server is asked for a `Table` (what
`kubectl get secrets` reads: name, type and key count, plus each object's metadata), then for
`PartialObjectMetadataList`, and only then for the plain list. Secret values never reach this
process from a current API server; from one that ignores the Accept header, they are dropped
the moment the page is parsed and never leave this module.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import urllib3
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from cloudwarden.assets.kubernetes import LAST_APPLIED
from cloudwarden.collectors.kubernetes._resources import Resource
from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import UNRESOLVED

__all__ = ["METADATA_ACCEPT", "METADATA_ONLY", "Collected", "Listed", "Lister", "error_reason"]

PROVIDER = "kubernetes"
METADATA_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
                 "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,"
                 "application/json")
#: why a secret's field is unknown when secrets are read metadata-only: a choice, not a
#: failure, so the engine reports rules that need it as not applicable, not as errors
METADATA_ONLY = UNRESOLVED + "secrets are listed metadata-only; their key names are not read"
#: the region label of errors on cluster-scoped lists and cluster-wide lists
CLUSTER = ""


class Collected(NamedTuple):
    """One API-shaped object (`kind` and `apiVersion` set) and the canonical fields it leaves
    unknown (a secret read metadata-only has no key names)."""

    obj: dict[str, Any]
    unknown: dict[str, str]


@dataclass
class Listed:
    """The objects of one list call; `ok` is False when the call failed (error recorded)."""

    objects: list[Collected] = field(default_factory=list)
    ok: bool = True


def error_reason(exc: Exception) -> str:
    """A one-line reason: the HTTP status and the API's own message when there is one."""
    if isinstance(exc, ApiException):
        message = ""
        body = exc.body
        if isinstance(body, bytes | str) and body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                message = str(parsed.get("message") or "")
        status = f"{exc.status} {exc.reason}".strip() if exc.status else str(exc.reason)
        return f"{status}: {message}".rstrip(": ")[:300]
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300]


class Lister:
    """Lists resources page by page (`limit` / `continue`); records failures."""

    def __init__(self, client: ApiClient, account: str, *, page_size: int = 500,
                 timeout: float | tuple[float, float] | None = (10.0, 60.0)) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.client = client
        self.account = account
        self.page_size = page_size
        self.timeout = timeout
        self._lock = threading.Lock()
        self._errors: list[CollectionError] = []

    @property
    def errors(self) -> list[CollectionError]:
        with self._lock:
            return list(self._errors)

    def record(self, resource: Resource, namespace: str | None, operation: str,
               reason: str) -> None:
        error = CollectionError(PROVIDER, self.account, namespace or CLUSTER, resource.label,
                                operation, reason)
        with self._lock:
            self._errors.append(error)

    def get_json(self, path: str, query: list[tuple[str, Any]] | None = None,
                 accept: str = "application/json") -> Any:
        """One GET through the client (auth, TLS, retries); the parsed JSON body."""
        response = self.client.call_api(
            path, "GET", query_params=query or [], header_params={"Accept": accept},
            auth_settings=["BearerToken"], _preload_content=False,
            _request_timeout=self.timeout, _return_http_data_only=True)
        try:
            return json.loads(response.data)
        finally:
            response.release_conn()

    def _pages(self, path: str, accept: str,
               extra: list[tuple[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            query: list[tuple[str, Any]] = [*(extra or []), ("limit", self.page_size)]
            if token:
                query.append(("continue", token))
            page = self.get_json(path, query, accept)
            if not isinstance(page, dict):
                raise ValueError(f"GET {path} returned {type(page).__name__}, not an object")
            yield page
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return

    def list(self, resource: Resource, namespace: str | None = None) -> Listed:
        """Every object of `resource` (within `namespace`, or cluster-wide). A continue token
        that expired between pages (410 Gone, after about five minutes) restarts the list
        once from the first page: a consistent snapshot, never a mix of two."""
        operation = f"list {resource.label}"
        path = resource.path(namespace)
        for attempt in (1, 2):
            out = Listed()
            try:
                self._fill(resource, path, out)
            except ApiException as exc:
                if exc.status == 410 and attempt == 1:
                    continue
                self.record(resource, namespace, operation, error_reason(exc))
                return Listed(ok=False)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                self.record(resource, namespace, operation, error_reason(exc))
                return Listed(ok=False)
            return out
        raise AssertionError("unreachable")  # pragma: no cover

    def _fill(self, resource: Resource, path: str, out: Listed) -> None:
        if resource.kind == "Secret":
            # includeObject=Metadata is the default; said explicitly, as it decides whether
            # a Table row may carry the whole object
            for page in self._pages(path, METADATA_ACCEPT, [("includeObject", "Metadata")]):
                _secret_page(page, out)
            return
        for page in self._pages(path, "application/json"):
            for item in page.get("items") or []:
                if isinstance(item, dict):
                    item["kind"] = resource.kind
                    item["apiVersion"] = resource.api_version
                    out.objects.append(Collected(item, {}))

    def get_namespace(self, name: str) -> Listed:
        """One namespace object (a namespace-scoped scan reads its namespaces one by one)."""
        from cloudwarden.collectors.kubernetes._resources import RESOURCES

        resource = next(r for r in RESOURCES if r.kind == "Namespace")
        try:
            obj = self.get_json(f"/api/v1/namespaces/{name}")
        except (ApiException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            self.record(resource, name, "get namespaces", error_reason(exc))
            return Listed(ok=False)
        if not isinstance(obj, dict):
            return Listed(ok=False)
        obj.setdefault("kind", "Namespace")
        obj.setdefault("apiVersion", "v1")
        return Listed([Collected(obj, {})])


def _metadata(value: Any) -> dict[str, Any]:
    """A secret's metadata without what may repeat its values: `kubectl apply` copies the
    whole object, data included, into the last-applied-configuration annotation."""
    meta = dict(value) if isinstance(value, dict) else {}
    meta.pop("managedFields", None)
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        meta["annotations"] = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
    return meta


def _secret_page(page: dict[str, Any], out: Listed) -> None:
    """Secrets of one page, in whichever form the server answered; no value survives."""
    kind = page.get("kind")
    if kind == "Table":
        columns = [str(c.get("name", "")).lower() for c in page.get("columnDefinitions") or []
                   if isinstance(c, dict)]
        type_at = columns.index("type") if "type" in columns else None
        for row in page.get("rows") or []:
            if not isinstance(row, dict):
                continue
            meta = (row.get("object") or {}).get("metadata")
            cells = row.get("cells") or []
            if not isinstance(meta, dict):
                continue
            obj: dict[str, Any] = {"kind": "Secret", "apiVersion": "v1",
                                   "metadata": _metadata(meta)}
            unknown = {"Keys": METADATA_ONLY}
            if type_at is not None and type_at < len(cells) and cells[type_at]:
                obj["type"] = str(cells[type_at])
            else:
                unknown["Type"] = METADATA_ONLY
            out.objects.append(Collected(obj, unknown))
        return
    for item in page.get("items") or []:
        if not isinstance(item, dict):
            continue
        if kind == "PartialObjectMetadataList":
            obj = {"kind": "Secret", "apiVersion": "v1",
                   "metadata": _metadata(item.get("metadata"))}
            unknown = {"Keys": METADATA_ONLY, "Type": METADATA_ONLY}
        else:
            # a server that ignored the Accept header sent values: keep key names only
            keys = [*(item.get("data") or {}), *(item.get("stringData") or {})]
            obj = {"kind": "Secret", "apiVersion": "v1",
                   "metadata": _metadata(item.get("metadata")), "type": item.get("type"),
                   "immutable": item.get("immutable"),
                   "data": dict.fromkeys(map(str, keys), "")}
            unknown = {}
        item.clear()
        out.objects.append(Collected(obj, unknown))
    page.clear()
