"""Shared fixtures: a real moto server process on a free loopback port, and the databases."""

from __future__ import annotations

import os
import socket
import urllib.request
from collections.abc import Iterator

import pytest

_FAKE_CREDS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on loopback for the whole session; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_endpoint(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The moto endpoint, reset to an empty account, with dummy credentials in the env."""
    for key, value in _FAKE_CREDS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # moto's stock AMIs bring ~1,300 snapshots "owned" by the test account per region
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    req = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()
    return moto_server


def postgres_url() -> str | None:
    return os.environ.get("CLOUDWARDEN_TEST_POSTGRES_URL") or None
