"""What a check says of an asset, raising included: what the equivalence tests of remembered
checks (`checks.verdict_memo`) compare between a check and its undecorated self."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def outcome(check: Any, asset: Asset, ctx: CheckContext) -> Any:
    try:
        result: CheckResult = check(asset, ctx)
    except Exception as exc:  # the error is part of the outcome compared
        return ("raised", type(exc).__name__, str(exc))
    return (result.status, result.message, result.evidence)


def compare_remembered(check: Any, params: Any, assets: list[Asset], scratch_key: str,
                       label: str) -> tuple[int, int]:
    """Ask a remembered check and its undecorated self (`__wrapped__`) about every asset, each
    with a context of its own, and assert they agree; (assets compared, verdicts the memo kept)."""
    ours = CheckContext(Inventory(), NOW, params)
    theirs = CheckContext(Inventory(), NOW, params)
    for asset in assets:
        assert outcome(check, asset, ours) == outcome(check.__wrapped__, asset, theirs), (
            label, asset)
    return len(assets), len(ours.scratch.get(scratch_key) or {})
