"""What a check says of an asset, raising included: what the equivalence tests of remembered
checks (`checks.verdict_memo`) compare between a check and its undecorated self."""

from __future__ import annotations

from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def outcome(check: Any, asset: Asset, ctx: CheckContext) -> Any:
    try:
        result: CheckResult = check(asset, ctx)
    except Exception as exc:  # the error is part of the outcome compared
        return ("raised", type(exc).__name__, str(exc))
    return (result.status, result.message, result.evidence)
