"""A fake API server per test (its behaviour is the test's to set) and a kubeconfig for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.collectors.kubernetes.fake_apiserver import Behaviour, FakeApiServer, write_kubeconfig


@pytest.fixture
def apiserver() -> Iterator[FakeApiServer]:
    server = FakeApiServer(Behaviour()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def kubeconfig(apiserver: FakeApiServer, tmp_path: Path) -> Path:
    return write_kubeconfig(tmp_path / "kubeconfig", apiserver.url)
