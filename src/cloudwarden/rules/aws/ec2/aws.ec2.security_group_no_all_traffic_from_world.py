"""All traffic (-1) or the whole TCP/UDP port range from the world."""

from __future__ import annotations

from cloudwarden.checks.aws_network import (
    ALL_PORTS,
    remembered_group_rule,
    world_exposures_of,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_EXPECTED = "no all-traffic or all-ports rule from the internet"


@remembered_group_rule
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    group = doc.get("GroupId") or asset.name
    bad = [(x, d) for _, x, d in world_exposures_of(asset)
           if x.ports == ALL_PORTS]
    if bad:
        return CheckResult.failed(
            f"security group {group} admits " + "; ".join([d for _, d in bad[:5]]),
            *[Evidence(x.path, d, _EXPECTED) for x, d in bad[:10]])
    return CheckResult.passed(f"security group {group} admits no unrestricted traffic from "
                              "the internet", Evidence("IpPermissions", "checked", _EXPECTED))
