"""Webhook automation against a real HTTP receiver on loopback, including one that is down."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cloudwarden.core.events import Alert
from cloudwarden.detect.export import (
    AutomationRule,
    WebhookDispatcher,
    redeliver,
    verify_signature,
)
from cloudwarden.detect.fusion import Incident

SECRET = "s3cr3t-for-tests"
ENV = {"CW_HOOK_SECRET": SECRET}


class Receiver(ThreadingHTTPServer):
    def __init__(self, port: int = 0, statuses: list[int] | None = None) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.received: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.statuses = statuses or []  # answered in turn before 204s
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if not verify_signature(SECRET, body, self.headers.get("X-Cloudwarden-Signature", "")):
            self.server.bad_signatures += 1
            self.send_response(401)
        elif self.server.statuses:
            self.send_response(self.server.statuses.pop(0))
        else:
            doc = json.loads(body)
            doc["_delivery"] = self.headers["X-Cloudwarden-Delivery"]
            self.server.received.append(doc)
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


def _rule(url: str, **extra: Any) -> AutomationRule:
    return AutomationRule.model_validate(
        {"name": "soc", "url": url, "secret_env": "CW_HOOK_SECRET", "backoff_initial": 0.5,
         "backoff_max": 1.5, **extra})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_signed_delivery_with_filters(receiver: Receiver, tmp_path: Path,
                                      alerts: list[Alert], incident: Incident,
                                      host_alert: Alert) -> None:
    high_cloud = _rule(receiver.url, min_severity="high", types=["aws.*"])
    dead = tmp_path / "dead.jsonl"
    dispatcher = WebhookDispatcher([high_cloud], dead, env=ENV)
    results = dispatcher.dispatch_all([*alerts, host_alert, incident])
    assert [r.delivered for r in results] == [True, True]  # the HIGH aws alert, the incident
    kinds = [(d["kind"], d["data"].get("type", d["data"]["title"])) for d in receiver.received]
    assert kinds[0] == ("alert", "aws.cloudtrail.logging_disabled")
    assert kinds[1][0] == "incident" and receiver.received[1]["rule"] == "soc"
    assert receiver.bad_signatures == 0 and not dead.exists()


def test_resource_filter_and_wrong_secret(receiver: Receiver, tmp_path: Path,
                                          alerts: list[Alert]) -> None:
    rule = _rule(receiver.url, on=["alert"], resources=["arn:aws:iam::*:user/*"])
    assert [rule.matches(a) for a in alerts] == [False, True, False]
    dead = tmp_path / "dead.jsonl"
    dispatcher = WebhookDispatcher([rule], dead, env={"CW_HOOK_SECRET": "wrong"},
                                   sleep=lambda s: None)
    (result,) = dispatcher.dispatch(alerts[1])
    assert not result.delivered and result.status == 401 and result.attempts == 1  # no retry
    assert receiver.bad_signatures == 1 and len(dead.read_text().splitlines()) == 1


def test_retries_with_bounded_exponential_backoff(tmp_path: Path, alerts: list[Alert]) -> None:
    delays: list[float] = []
    with Receiver(statuses=[503, 429, 500]) as server:
        dispatcher = WebhookDispatcher([_rule(server.url, max_attempts=5)], tmp_path / "d.jsonl",
                                       env=ENV, sleep=delays.append)
        (result,) = dispatcher.dispatch(alerts[0])
    assert result.delivered and result.attempts == 4
    assert delays == [0.5, 1.0, 1.5]  # doubled, capped at backoff_max
    assert len(server.received) == 1


def test_receiver_down_then_back(tmp_path: Path, alerts: list[Alert], incident: Incident,
                                 caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    dead = tmp_path / "dead.jsonl"
    delays: list[float] = []
    dispatcher = WebhookDispatcher([_rule(url, max_attempts=3)], dead, env=ENV,
                                   sleep=delays.append)
    with caplog.at_level(logging.DEBUG, logger="cloudwarden"):
        results = dispatcher.dispatch_all([*alerts, incident])
    assert [r.delivered for r in results] == [False] * 4
    assert all(r.attempts == 3 and "Connection" in r.error for r in results)
    assert delays == [0.5, 1.0] * 4
    records = [json.loads(line) for line in dead.read_text().splitlines()]
    assert len(records) == 4 and {r["url"] for r in records} == {url}
    assert SECRET not in dead.read_text() and SECRET not in caplog.text
    assert "sha256=" not in dead.read_text() + caplog.text

    # still down: nothing lost, records kept
    assert redeliver(dead, env=ENV, sleep=lambda s: None).failed == 4
    assert len(dead.read_text().splitlines()) == 4

    with Receiver(port=port) as server:
        report = redeliver(dead, env=ENV, sleep=lambda s: None)
    assert (report.delivered, report.failed) == (4, 0)
    assert dead.read_text() == ""
    assert [d["_delivery"] for d in server.received] == [r["delivery_id"] for r in records]
    assert [d["kind"] for d in server.received] == ["alert"] * 3 + ["incident"]
    assert server.bad_signatures == 0


def test_missing_secret_goes_to_dead_letter(tmp_path: Path, alerts: list[Alert]) -> None:
    dead = tmp_path / "dead.jsonl"
    (result,) = WebhookDispatcher([_rule("http://127.0.0.1:9/x")], dead, env={}).dispatch(
        alerts[0])
    assert not result.delivered and result.attempts == 0
    assert "CW_HOOK_SECRET is not set" in json.loads(dead.read_text())["error"]


def test_unreadable_dead_letter_lines_are_kept(tmp_path: Path) -> None:
    dead = tmp_path / "dead.jsonl"
    dead.write_text("not json\n")
    assert redeliver(dead, env=ENV).failed == 1
    assert dead.read_text() == "not json\n"
    assert redeliver(tmp_path / "none.jsonl").delivered == 0


def test_rules_are_validated(tmp_path: Path) -> None:
    for bad in ({"url": "ftp://x"}, {"secret_env": "not a name"}, {"max_attempts": 50},
                {"min_severity": "urgent"}, {"colour": "red"}):
        doc = {"name": "r", "url": "http://127.0.0.1/x", "secret_env": "S", **bad}
        with pytest.raises(ValidationError):
            AutomationRule.model_validate(doc)
    with pytest.raises(ValueError, match="unique"):
        WebhookDispatcher([_rule("http://a/x"), _rule("http://b/x")], tmp_path / "d")
