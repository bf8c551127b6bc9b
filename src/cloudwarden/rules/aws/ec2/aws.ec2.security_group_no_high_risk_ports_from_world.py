"""Fails when an ingress permission opens high-risk ports to 0.0.0.0/0 or ::/0.

Port ranges that include a listed port, all-traffic (-1) rules and TCP/UDP rules without
ports count; the ports and protocols are rule parameters."""

from __future__ import annotations

from cloudwarden.checks.aws_network import remembered_group_rule, security_group_port_rule
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


@remembered_group_rule
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    return security_group_port_rule(ctx, ("ipv4", "ipv6"), "high-risk ports").evaluate(asset)
