"""Certificates must stay valid for more than `days_before_expiry` days."""

from __future__ import annotations

from datetime import datetime

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    days = int(ctx.params.get("days_before_expiry", 30))
    not_after = asset.properties.get("NotAfter")
    name = asset.properties.get("DomainName") or asset.name
    if not not_after:
        return CheckResult.failed(f"Certificate {name} has no expiry date (not issued)",
                                  Evidence("NotAfter", None, "an expiry date"))
    left = datetime.fromisoformat(str(not_after).replace("Z", "+00:00")) - ctx.now
    remaining = left.total_seconds() / 86400.0
    expected = f"more than {days} days ahead"
    if remaining > days:
        return CheckResult.passed(f"Certificate {name} is valid for {int(remaining)} more days",
                                  Evidence("NotAfter", not_after, expected))
    state = "expired" if remaining <= 0 else f"expires in {max(int(remaining), 0)} days"
    return CheckResult.failed(f"Certificate {name} {state}",
                              Evidence("NotAfter", not_after, expected))
