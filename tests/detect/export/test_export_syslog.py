"""Syslog RFC 5424 + CEF, sent to real listeners on loopback over UDP, TCP and TLS."""

from __future__ import annotations

import re
import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cloudwarden.core.events import Alert
from cloudwarden.detect.export import SyslogSender, format_cef, format_syslog
from cloudwarden.detect.fusion import Incident

RFC5424 = re.compile(
    rb"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) - (CEF:0\|.*)$", re.DOTALL
)


def test_cef_escapes_and_fields(alerts: list[Alert]) -> None:
    cef = format_cef(alerts[0])
    assert cef.startswith("CEF:0|Cloudwarden|Cloudwarden|")
    assert "|aws.secretsmanager.list_then_get|Secrets listed then read|5|" in cef
    assert "msg=Listed | then read \\= many secrets\\nquickly" in cef
    assert "suser=arn:aws:iam::111122223333:user/dev-ci" in cef
    assert "src=203.0.113.66" in cef and "cnt=2" in cef and "cs1=credential-access" in cef
    assert "\n" not in cef


def test_syslog_header(alerts: list[Alert], incident: Incident) -> None:
    when = datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)
    line = format_syslog(alerts[2], hostname="cw 1", now=when)
    match = RFC5424.match(line)
    assert match, line
    pri, stamp, host, app, procid, msgid, _ = match.groups()
    assert int(pri) == 16 * 8 + 3  # local0, err for high
    assert stamp == b"2024-05-01T10:00:00.123Z" and host == b"cw_1"
    assert (app, procid, msgid) == (b"cloudwarden", b"-", b"aws.cloudtrail.logging_disabled")
    inc = format_syslog(incident, now=when)
    assert b" incident - CEF:0|" in inc and b"|incident|" in inc and b"<130>1" in inc
    with pytest.raises(ValueError):
        format_syslog(incident, facility=24)


def _read_framed(conn: socket.socket | ssl.SSLSocket, count: int) -> list[bytes]:
    """Reads `count` octet-counted frames (RFC 6587)."""
    buffer, frames = b"", list[bytes]()

    def more() -> bytes:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed after {len(frames)} frames")
        return chunk

    while len(frames) < count:
        while b" " not in buffer:
            buffer += more()
        size, _, rest = buffer.partition(b" ")
        while len(rest) < int(size):
            rest += more()
        frames.append(rest[: int(size)])
        buffer = rest[int(size):]
    return frames


def test_udp(alerts: list[Alert]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.settimeout(5)
        port = listener.getsockname()[1]
        with SyslogSender("127.0.0.1", port, transport="udp", hostname="cw") as sender:
            for alert in alerts:
                sender.send(alert)
        got = [listener.recv(65536) for _ in alerts]
    assert all(RFC5424.match(g) for g in got)
    assert [g.split(b" ")[5] for g in got] == [a.type.encode() for a in alerts]


def _serve(server: socket.socket, count: int, wrap: ssl.SSLContext | None,
           out: list[bytes]) -> None:
    conn, _ = server.accept()
    with conn:
        if wrap is None:
            out.extend(_read_framed(conn, count))
            return
        with wrap.wrap_socket(conn, server_side=True) as tls:
            out.extend(_read_framed(tls, count))


@pytest.fixture
def tcp_server() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    yield server
    server.close()


def test_tcp_octet_counting(tcp_server: socket.socket, alerts: list[Alert],
                            incident: Incident) -> None:
    got: list[bytes] = []
    thread = threading.Thread(target=_serve, args=(tcp_server, 4, None, got))
    thread.start()
    with SyslogSender("127.0.0.1", tcp_server.getsockname()[1], transport="tcp") as sender:
        items: list[Alert | Incident] = [*alerts, incident]
        for item in items:
            sender.send(item)
    thread.join(5)
    assert len(got) == 4 and all(RFC5424.match(g) for g in got)
    assert b"|incident|" in got[3]


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    crypto = pytest.importorskip("cryptography", reason="TLS test needs `cryptography`")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return cert_file, key_file


def test_tls_with_verified_certificate(tmp_path: Path, tcp_server: socket.socket,
                                       alerts: list[Alert]) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert_file, key_file)
    client_ctx = ssl.create_default_context(cafile=str(cert_file))
    got: list[bytes] = []
    thread = threading.Thread(target=_serve, args=(tcp_server, 3, server_ctx, got))
    thread.start()
    port = tcp_server.getsockname()[1]
    with SyslogSender("localhost", port, transport="tls", ssl_context=client_ctx) as sender:
        for alert in alerts:
            sender.send(alert)
    thread.join(5)
    assert [RFC5424.match(g) is not None for g in got] == [True] * 3


def test_tls_refuses_an_unknown_certificate(tmp_path: Path, tcp_server: socket.socket,
                                            alerts: list[Alert]) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert_file, key_file)

    def serve() -> None:
        conn, _ = tcp_server.accept()
        with conn, pytest.raises(ssl.SSLError):
            server_ctx.wrap_socket(conn, server_side=True)

    thread = threading.Thread(target=serve)
    thread.start()
    sender = SyslogSender("localhost", tcp_server.getsockname()[1], transport="tls",
                          ssl_context=ssl.create_default_context(cafile=None))
    with pytest.raises(ssl.SSLCertVerificationError):
        sender.send(alerts[0])
    sender.close()
    thread.join(5)


def test_unknown_transport() -> None:
    with pytest.raises(ValueError):
        SyslogSender("127.0.0.1", 514, transport="carrier-pigeon")  # type: ignore[arg-type]
