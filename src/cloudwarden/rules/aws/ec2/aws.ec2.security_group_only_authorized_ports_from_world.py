"""A world-open TCP/UDP (or all-traffic) permission passes only when its whole port range
lies inside the authorized ranges; ICMP and other port-less protocols are out of scope."""

from __future__ import annotations

from cloudwarden.checks.aws_network import (
    Exposure,
    parse_port_ranges,
    remembered_group_rule,
    world_exposures_of,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _covered(lo: int, hi: int, allowed: list[tuple[int, int]]) -> bool:
    """Is every port of lo..hi inside the union of the allowed ranges (sorted)?"""
    port = lo
    for a_lo, a_hi in allowed:
        if a_lo <= port <= a_hi:
            port = a_hi + 1
            if port > hi:
                return True
    return False


def _unauthorized(x: Exposure, allowed: list[tuple[int, int]]) -> bool:
    if x.ports is None:
        return False
    return not _covered(x.ports[0], x.ports[1], allowed)


def _parameters(ctx: CheckContext) -> tuple[list[tuple[int, int]], str]:
    """The authorized ranges, sorted, and the expected value; parsed on the first call."""
    found = ctx.scratch.get("authorized")
    if found is None:
        allowed = parse_port_ranges(ctx.params.get("authorized_ports") or [])
        expected = "only ports " + ", ".join(
            str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in allowed) + " open to the internet"
        found = ctx.scratch["authorized"] = (sorted(allowed), expected)
    return found


@remembered_group_rule
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    allowed, expected = _parameters(ctx)
    bad = [(x, d) for _, x, d in world_exposures_of(asset)
           if _unauthorized(x, allowed)]
    group = doc.get("GroupId") or asset.name
    if bad:
        return CheckResult.failed(
            f"security group {group} opens unauthorized ports to the internet: "
            + "; ".join([d for _, d in bad[:5]]),
            *[Evidence(x.path, d, expected) for x, d in bad[:10]])
    return CheckResult.passed(f"security group {group} opens only authorized ports to the "
                              "internet", Evidence("IpPermissions", "checked", expected))
