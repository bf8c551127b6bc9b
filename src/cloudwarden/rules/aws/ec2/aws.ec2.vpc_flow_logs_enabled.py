"""An active flow log of traffic type ALL or REJECT. Python because the canonical shape
declares FlowLogs only as a list."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_EXPECTED = "an ACTIVE flow log with TrafficType ALL or REJECT"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    vpc = doc.get("VpcId") or asset.name
    logs = [f for f in doc.get("FlowLogs") or [] if isinstance(f, dict)]
    for i, flow_log in enumerate(logs):
        if (str(flow_log.get("FlowLogStatus", "")).upper() == "ACTIVE"
                and str(flow_log.get("TrafficType", "")).upper() in ("ALL", "REJECT")):
            return CheckResult.passed(
                f"VPC {vpc} has active flow log {flow_log.get('FlowLogId')} capturing "
                f"{flow_log.get('TrafficType')} traffic",
                Evidence(f"FlowLogs[{i}]", f"{flow_log.get('FlowLogStatus')} "
                         f"{flow_log.get('TrafficType')}", _EXPECTED))
    summary = [f"{f.get('FlowLogId')}: {f.get('FlowLogStatus')} {f.get('TrafficType')}"
               for f in logs]
    return CheckResult.failed(
        f"VPC {vpc} has no active flow log capturing rejected traffic"
        + (f" ({'; '.join(summary)})" if summary else " (no flow logs)"),
        Evidence("FlowLogs", summary or doc.get("FlowLogs"), _EXPECTED))
