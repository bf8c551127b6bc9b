"""Cross-resource: some region's recorder is on, records everything, and includes globals."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.checks.aws_iam_policy import as_list
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    statuses = ctx.same_account(asset, "aws.config.recorder_status")
    regions: list[str] = []
    for status in statuses:
        for recorder in as_list(status.properties.get("Recorders")):
            if not (type(recorder) is dict or isinstance(recorder, Mapping)):
                continue
            group = recorder.get("recordingGroup") or {}
            if (recorder.get("Recording") is True
                    and (type(group) is dict or isinstance(group, Mapping))
                    and group.get("allSupported") is True
                    and group.get("includeGlobalResourceTypes") is True):
                regions.append(str(status.properties.get("Region") or status.ref.region))
    evidence = Evidence("aws.config.recorder_status:Recorders[].recordingGroup."
                        "includeGlobalResourceTypes", sorted(set(regions)),
                        "true in at least one recording region")
    if regions:
        return CheckResult.passed(
            f"AWS Config records global resources in {', '.join(sorted(set(regions)))}", evidence)
    scanned = sorted(str(s.properties.get("Region") or s.ref.region) for s in statuses)
    return CheckResult.failed(
        "no recording AWS Config recorder includes global resource types"
        + (f" (regions checked: {', '.join(scanned)})" if scanned else
           " (no AWS Config recorder status collected)"), evidence)
