"""Golden-file comparison: `CLOUDWARDEN_UPDATE_SNAPSHOTS=1 pytest tests/outputs` rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOTS = Path(__file__).parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("CLOUDWARDEN_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"no snapshot {name}; create it with CLOUDWARDEN_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its snapshot; rerun with " \
        "CLOUDWARDEN_UPDATE_SNAPSHOTS=1 if the change is intended"
