"""A small fake Kubernetes API server on loopback, serving recorded API responses.

`responses/` holds list responses in the API's own JSON format, one file per resource at its
cluster-wide path (`api/v1/pods.json`, `apis/apps/v1/deployments.json`). Like the real server,
this one:
- requires the bearer token (401 Status otherwise);
- serves a namespaced path (`/api/v1/namespaces/default/pods`) by filtering the cluster-wide
  list, and a single namespace at `/api/v1/namespaces/<name>`;
- pages lists with `limit` and an opaque `continue` token;
- negotiates the Accept header for secrets: a `Table` (recorded in `secrets.table.json`) or
  `PartialObjectMetadataList`, unless told to ignore it (an old or odd server);
- answers 403 Forbidden for the resources it is told to refuse, and answers slowly for
  others (to test client timeouts).
Every request is recorded for the tests to inspect.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

RESPONSES = Path(__file__).parent / "responses"
TOKEN = "cw-test-token-4f9a"


@dataclass
class Request:
    path: str
    query: dict[str, str]
    accept: str
    authorization: str


@dataclass
class Behaviour:
    token: str = TOKEN
    #: resource plurals answered with 403 Forbidden
    forbidden: set[str] = field(default_factory=set)
    #: resource plural -> seconds to wait before answering
    slow: dict[str, float] = field(default_factory=dict)
    #: False: ignore the Accept header's metadata forms and send full objects
    metadata_forms: bool = True
    #: False: no Table form (servers before 1.15 and some aggregated APIs lack it)
    table_form: bool = True
    #: largest page served whatever `limit` asks (0: no cap)
    max_page: int = 0
    #: how many requests carrying a continue token get 410 Gone (an expired token)
    expire_continue: int = 0


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


def _load(relative: str) -> dict[str, Any] | None:
    path = RESPONSES / relative
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _parse(path: str) -> tuple[str, str | None, str, str | None] | None:
    """(group prefix, namespace, plural, name) of an API path."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        prefix, rest = "api/v1", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        prefix, rest = "/".join(parts[:3]), parts[3:]
    else:
        return None
    namespace: str | None = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    if len(rest) == 1:
        return prefix, namespace, rest[0], None
    if len(rest) == 2 and rest[0] == "namespaces" and namespace is None:
        return prefix, None, "namespaces", rest[1]
    return None


class FakeApiServer:
    """`responses` (relative path -> parsed response) stands in for recorded files, e.g. a
    generated large cluster for a benchmark."""

    def __init__(self, behaviour: Behaviour | None = None,
                 responses: dict[str, dict[str, Any]] | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.responses = responses or {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    # -- request handling ------------------------------------------------------------------

    def _send(self, handler: BaseHTTPRequestHandler, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            handler.send_response(code)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (a timeout test)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        request = Request(url.path, query, handler.headers.get("Accept", ""),
                          handler.headers.get("Authorization", ""))
        with self._lock:
            self.requests.append(request)
        b = self.behaviour
        if request.authorization != f"Bearer {b.token}":
            self._send(handler, 401, _status(401, "Unauthorized", "Unauthorized"))
            return
        if url.path == "/version":
            if "version" in b.forbidden:
                self._send(handler, 403, _status(403, "Forbidden", 'forbidden: User "system:'
                                                 'serviceaccount:cloudwarden:scanner" cannot '
                                                 'get path "/version"'))
            else:
                self._send(handler, 200, self._load("version.json") or {})
            return
        parsed = _parse(url.path)
        if parsed is None:
            self._send(handler, 404, _status(404, "NotFound", "the server could not find "
                                                              "the requested resource"))
            return
        prefix, namespace, plural, name = parsed
        if plural in b.slow:
            time.sleep(b.slow[plural])
        group = prefix.split("/")[1] if prefix.startswith("apis/") else ""
        if plural in b.forbidden:
            scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            self._send(handler, 403, _status(
                403, "Forbidden", f'{plural} is forbidden: User "system:serviceaccount:'
                f'cloudwarden:scanner" cannot list resource "{plural}" in API group '
                f'"{group}" {scope}'))
            return
        listing = self._listing(prefix, plural, request.accept)
        if listing is None:
            self._send(handler, 404, _status(404, "NotFound", "the server could not find "
                                                              "the requested resource"))
            return
        if name is not None:
            found = [i for i in listing["items"] if i["metadata"]["name"] == name]
            if not found:
                self._send(handler, 404, _status(404, "NotFound",
                                                 f'namespaces "{name}" not found'))
                return
            self._send(handler, 200, {"kind": "Namespace", "apiVersion": "v1", **found[0]})
            return
        if self._expired(query):
            self._send(handler, 410, _status(410, "Expired", "The provided continue parameter "
                                             "is too old to display a consistent list result. "
                                             "You can start a new list without the continue "
                                             "parameter."))
            return
        self._send(handler, 200, self._page(listing, namespace, query))

    def _listing(self, prefix: str, plural: str, accept: str) -> dict[str, Any] | None:
        b = self.behaviour
        if b.metadata_forms and b.table_form and "as=Table" in accept:
            table = self._load(f"{prefix}/{plural}.table.json")
            if table is not None:
                return {**table, "items": table.pop("rows")}
        full = self._load(f"{prefix}/{plural}.json")
        if full is None:
            return None
        if self.behaviour.metadata_forms and "as=PartialObjectMetadataList" in accept:
            return {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                    "metadata": full["metadata"],
                    "items": [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                               "metadata": i["metadata"]} for i in full["items"]]}
        return full

    def _load(self, relative: str) -> dict[str, Any] | None:
        found = self.responses.get(relative)
        return dict(found) if found is not None else _load(relative)

    def _expired(self, query: dict[str, str]) -> bool:
        with self._lock:
            if query.get("continue") and self.behaviour.expire_continue > 0:
                self.behaviour.expire_continue -= 1
                return True
            return False

    def _page(self, listing: dict[str, Any], namespace: str | None,
              query: dict[str, str]) -> dict[str, Any]:
        table = listing.get("kind") == "Table"

        def ns_of(item: dict[str, Any]) -> str | None:
            meta = item["object"]["metadata"] if table else item["metadata"]
            return meta.get("namespace")  # type: ignore[no-any-return]

        items = [i for i in listing["items"] if namespace is None or ns_of(i) == namespace]
        offset = 0
        if query.get("continue"):
            offset = json.loads(base64.b64decode(query["continue"]))["start"]
        limit = int(query.get("limit") or 0) or len(items)
        if self.behaviour.max_page:
            limit = min(limit, self.behaviour.max_page)
        page = items[offset:offset + limit]
        meta = dict(listing["metadata"])
        if offset + limit < len(items):
            token = json.dumps({"rv": meta.get("resourceVersion"), "start": offset + limit})
            meta["continue"] = base64.b64encode(token.encode()).decode()
            meta["remainingItemCount"] = len(items) - offset - limit
        body = {k: v for k, v in listing.items() if k != "items"}
        body["metadata"] = meta
        body["rows" if table else "items"] = page
        return body


def write_kubeconfig(path: Path, server: str, *, token: str = TOKEN,
                     context: str = "kind-lab") -> Path:
    """A kubeconfig with one cluster, user and context for the fake server (and a second
    context, so tests can pick one)."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "lab", "cluster": {"server": server}},
                     {"name": "other", "cluster": {"server": "http://127.0.0.1:9"}}],
        "users": [{"name": "scanner", "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": "lab", "user": "scanner"}},
                     {"name": "elsewhere", "context": {"cluster": "other", "user": "scanner"}}],
        "current-context": context,
    }
    path.write_text(json.dumps(config), encoding="utf-8")
    return path
