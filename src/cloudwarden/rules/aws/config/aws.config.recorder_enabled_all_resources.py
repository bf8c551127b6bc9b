"""A recorder that is on, covers all supported types, and whose last attempt did not fail.

A per-element condition cannot express this in the rule language: the fields inside
`Recorders[]` are not declared by the asset type, so the catalog lint would refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.checks.aws_iam_policy import as_list
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _problem(recorder: Mapping[str, Any]) -> str | None:
    group = recorder.get("recordingGroup") or {}
    if recorder.get("Recording") is not True:
        return "is not recording"
    if not isinstance(group, Mapping) or group.get("allSupported") is not True:
        return "does not record all supported resource types"
    if str(recorder.get("LastStatus") or "").upper() == "FAILURE":
        return "failed its last recording attempt"
    return None


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    region = doc.get("Region") or asset.ref.region
    recorders = [r for r in as_list(doc.get("Recorders")) if isinstance(r, Mapping)]
    problems: list[str] = []
    for i, recorder in enumerate(recorders):
        problem = _problem(recorder)
        name = recorder.get("name") or f"#{i}"
        if problem is None:
            return CheckResult.passed(
                f"AWS Config recorder {name} records all resource types in {region}",
                Evidence(f"Recorders[{i}].Recording", True),
                Evidence(f"Recorders[{i}].recordingGroup.allSupported", True))
        problems.append(f"recorder {name} {problem}")
    if not recorders:
        return CheckResult.failed(f"AWS Config has no configuration recorder in {region}",
                                  Evidence("Recorders", doc.get("Recorders"), "a recorder"))
    return CheckResult.failed(
        f"AWS Config does not record all resources in {region}: {'; '.join(problems)}",
        Evidence("Recorders", problems,
                 "a recorder with Recording true and recordingGroup.allSupported true"))
