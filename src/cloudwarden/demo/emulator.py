"""A local AWS emulator (moto's server) on a free loopback port, for the demo lab."""

from __future__ import annotations

import os
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import boto3

__all__ = ["DUMMY_CREDENTIALS", "demo_session", "running_emulator"]

#: moto accepts any credentials; these never leave the machine.
DUMMY_CREDENTIALS = {
    "aws_access_key_id": "demo",
    "aws_secret_access_key": "demo",
    "aws_session_token": "demo",
}


def demo_session(region: str) -> boto3.Session:
    """A boto3 session with the emulator's dummy credentials (never the user's own)."""
    import boto3

    return boto3.Session(aws_access_key_id=DUMMY_CREDENTIALS["aws_access_key_id"],
                         aws_secret_access_key=DUMMY_CREDENTIALS["aws_secret_access_key"],
                         aws_session_token=DUMMY_CREDENTIALS["aws_session_token"],
                         region_name=region)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_emulator() -> Iterator[str]:
    """Start moto's server on 127.0.0.1 (never another interface); yield its endpoint URL."""
    import logging

    from moto.server import ThreadedMotoServer

    # werkzeug logs every request, and a traceback for every API the emulator lacks; the
    # collector records those as errors itself, so the emulator stays quiet
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)

    # The lab must not depend on (or leak) the user's real AWS configuration.
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "false")
    # moto's stock AMIs come with thousands of snapshots "owned" by the emulated account; a
    # real account has none of them, and the lab registers its own golden image instead
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        # a trivial request proves the server answers before anyone uses it
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=10) as resp:  # noqa: S310
            resp.read(1)
        yield endpoint
    finally:
        server.stop()
