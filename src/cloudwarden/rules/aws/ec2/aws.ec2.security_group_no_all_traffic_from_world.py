"""All traffic (-1) or the whole TCP/UDP port range from the world."""

from __future__ import annotations

from cloudwarden.checks.aws_network import ALL_PORTS, world_exposures
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    group = doc.get("GroupId") or asset.name
    expected = "no all-traffic or all-ports rule from the internet"
    bad = [x for x in world_exposures(doc.get("IpPermissions")) if x.ports == ALL_PORTS]
    if bad:
        return CheckResult.failed(
            f"security group {group} admits "
            + "; ".join(x.describe() for x in bad[:5]),
            *(Evidence(x.path, x.describe(), expected) for x in bad[:10]))
    return CheckResult.passed(f"security group {group} admits no unrestricted traffic from "
                              "the internet", Evidence("IpPermissions", "checked", expected))
