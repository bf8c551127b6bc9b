"""Regular containers without a readinessProbe."""

from __future__ import annotations

from cloudwarden.checks.kubernetes_pod import probe_check, remembered
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


@remembered
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return probe_check(asset, "readinessProbe", ctx)
