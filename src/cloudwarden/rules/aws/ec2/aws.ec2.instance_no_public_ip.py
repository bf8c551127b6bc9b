"""Public addresses on any interface count (Elastic IPs on secondary interfaces too).
Python because the canonical shape declares NetworkInterfaces only as a list."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_GONE = ("terminated", "shutting-down")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    instance = doc.get("InstanceId") or asset.name
    if doc.get("State") in _GONE:
        return CheckResult.not_applicable(f"instance {instance} is {doc.get('State')}")
    found: list[Evidence] = []
    if doc.get("PublicIpAddress"):
        found.append(Evidence("PublicIpAddress", doc["PublicIpAddress"], "null"))
    for i, eni in enumerate(doc.get("NetworkInterfaces") or []):
        if isinstance(eni, dict) and eni.get("PublicIp"):
            found.append(Evidence(f"NetworkInterfaces[{i}].PublicIp", eni["PublicIp"], "null"))
    if found:
        addresses = sorted({str(e.value) for e in found})
        return CheckResult.failed(f"instance {instance} has public IPv4 address(es) "
                                  f"{', '.join(addresses)}", *found)
    return CheckResult.passed(f"instance {instance} has no public IPv4 address",
                              Evidence("PublicIpAddress", doc.get("PublicIpAddress"), "null"))
