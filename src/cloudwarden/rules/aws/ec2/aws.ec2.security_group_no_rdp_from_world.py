"""Fails when an ingress permission opens RDP (port 3389) to 0.0.0.0/0 or ::/0.

Port ranges that include a listed port, all-traffic (-1) rules and TCP/UDP rules without
ports count; the ports and protocols are rule parameters."""

from __future__ import annotations

from cloudwarden.checks.aws_network import parse_port_ranges, security_group_port_check
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    ranges = parse_port_ranges(ctx.params.get("ports") or [])
    protocols = [str(p) for p in ctx.params.get("protocols") or ("tcp", "udp")]
    return security_group_port_check(asset, ranges, protocols, ("ipv4", "ipv6"), "RDP (port 3389)")
