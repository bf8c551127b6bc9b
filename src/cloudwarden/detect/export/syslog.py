"""Syslog (RFC 5424) messages carrying a CEF payload, sent over UDP, TCP or TLS.

UDP sends one message per datagram (RFC 5426); TCP and TLS frame messages by octet counting,
`LEN SP MSG` (RFC 6587 section 3.4.1, RFC 5425). No structured data is sent (`-`): CEF
carries the fields, which is what SIEM syslog inputs parse.
"""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal

from cloudwarden import __version__ as _tool_version
from cloudwarden.core.events import Alert, EntityKind
from cloudwarden.core.model import Severity
from cloudwarden.detect.fusion import Incident, stage_of

__all__ = ["SyslogSender", "format_cef", "format_syslog"]

Transport = Literal["udp", "tcp", "tls"]

#: our severities to CEF 0-10 and to syslog severities (2 crit, 3 err, 4 warning, 5 notice, 6 info)
_CEF_SEVERITY = {Severity.INFORMATIONAL: 1, Severity.LOW: 3, Severity.MEDIUM: 5,
                 Severity.HIGH: 8, Severity.CRITICAL: 10}
_SYSLOG_SEVERITY = {Severity.INFORMATIONAL: 6, Severity.LOW: 5, Severity.MEDIUM: 4,
                    Severity.HIGH: 3, Severity.CRITICAL: 2}
FACILITY_LOCAL0 = 16


def _header(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _value(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("=", "\\=")
            .replace("\r", "\\r").replace("\n", "\\n"))


def _ms(when: datetime) -> int:
    return int((when.replace(tzinfo=UTC) if when.tzinfo is None else when).timestamp() * 1000)


def _first(item: Alert | Incident, kind: EntityKind) -> str:
    return next((e.value for e in item.entities if e.kind == kind), "")


def format_cef(item: Alert | Incident) -> str:
    """`CEF:0|Cloudwarden|Cloudwarden|version|signature|name|severity|extensions`."""
    ext: list[tuple[str, str]] = [("externalId", item.id), ("rt", str(_ms(item.last_seen))),
                                  ("start", str(_ms(item.first_seen))),
                                  ("end", str(_ms(item.last_seen)))]
    if isinstance(item, Alert):
        signature, count = item.type, item.count
        ext += [("cs1Label", "tactic"), ("cs1", stage_of(item)),
                ("cs2Label", "technique"), ("cs2", item.technique),
                ("cs3Label", "status"), ("cs3", item.status.value)]
        if item.description:
            ext.append(("msg", item.description))
    else:
        signature, count = "incident", len(item.alerts)
        ext += [("cs1Label", "stages"), ("cs1", ",".join(item.stages)),
                ("cs2Label", "alertTypes"),
                ("cs2", ",".join(sorted({a.type for a in item.alerts})))]
    ext.append(("cnt", str(count)))
    for key, kind in (("suser", EntityKind.IDENTITY), ("src", EntityKind.IP),
                      ("dhost", EntityKind.HOST), ("dproc", EntityKind.PROCESS)):
        value = _first(item, kind)
        if value:
            ext.append((key, value))
    header = "|".join(_header(part) for part in (
        "CEF:0", "Cloudwarden", "Cloudwarden", _tool_version, signature, item.title,
        str(_CEF_SEVERITY[item.severity]),
    ))
    extension = " ".join(f"{key}={_value(value)}" for key, value in ext if value)
    return f"{header}|{extension}"


def _token(text: str, limit: int) -> str:
    """An RFC 5424 header field: printable US-ASCII without spaces, at most `limit` long."""
    cleaned = "".join(c if 33 <= ord(c) <= 126 else "_" for c in text)[:limit]
    return cleaned or "-"


def format_syslog(item: Alert | Incident, *, hostname: str = "-", app_name: str = "cloudwarden",
                  facility: int = FACILITY_LOCAL0, now: datetime | None = None) -> bytes:
    """`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - CEF...` (RFC 5424)."""
    if not 0 <= facility <= 23:
        raise ValueError(f"syslog facility {facility} is not in 0..23")
    pri = facility * 8 + _SYSLOG_SEVERITY[item.severity]
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds")
    msgid = item.type if isinstance(item, Alert) else "incident"
    head = (f"<{pri}>1 {stamp.replace('+00:00', 'Z')} {_token(hostname, 255)} "
            f"{_token(app_name, 48)} - {_token(msgid, 32)} - ")
    return (head + format_cef(item)).encode("utf-8")


class SyslogSender:
    """Sends alerts and incidents to a syslog receiver. Connects on first send, not in the
    constructor; reconnects once when a TCP/TLS connection broke. Use as a context manager."""

    def __init__(self, host: str, port: int, *, transport: Transport = "udp",
                 ssl_context: ssl.SSLContext | None = None, timeout: float = 5.0,
                 hostname: str = "-", app_name: str = "cloudwarden",
                 facility: int = FACILITY_LOCAL0) -> None:
        if transport not in ("udp", "tcp", "tls"):
            raise ValueError(f"unknown syslog transport {transport!r}")
        self.host, self.port, self.transport = host, port, transport
        self.ssl_context = ssl_context
        self.timeout = timeout
        self.hostname, self.app_name, self.facility = hostname, app_name, facility
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self.transport == "udp":
            sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET,
                                 socket.SOCK_DGRAM)
            sock.settimeout(self.timeout)
            sock.connect((self.host, self.port))
            return sock
        raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        if self.transport == "tcp":
            return raw
        context = self.ssl_context or ssl.create_default_context()
        try:
            return context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise

    def send_bytes(self, message: bytes) -> None:
        frame = message if self.transport == "udp" else b"%d " % len(message) + message
        for attempt in (1, 2):
            if self._sock is None:
                self._sock = self._connect()
            try:
                self._sock.sendall(frame)
                return
            except OSError:
                self.close()
                if attempt == 2 or self.transport == "udp":
                    raise

    def send(self, item: Alert | Incident) -> None:
        self.send_bytes(format_syslog(item, hostname=self.hostname, app_name=self.app_name,
                                      facility=self.facility))

    def close(self) -> None:
        if self._sock is None:
            return
        sock, self._sock = self._sock, None
        try:
            if isinstance(sock, ssl.SSLSocket):
                # Send close_notify and read what the server sent (TLS 1.3 session tickets):
                # closing with unread data resets the connection, and a reset can discard our
                # last messages before the server has read them.
                sock.unwrap().close()
            elif self.transport == "tcp":
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server closed first; nothing more to flush
        finally:
            sock.close()

    def __enter__(self) -> SyslogSender:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
