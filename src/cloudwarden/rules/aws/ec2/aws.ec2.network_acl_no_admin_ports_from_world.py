"""Entries are evaluated in RuleNumber order for each port, protocol and address family; the
first entry for the whole internet that covers the traffic decides."""

from __future__ import annotations

from cloudwarden.checks.aws_network import nacl_port_rule
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_EXPECTED = "denied from 0.0.0.0/0 and ::/0"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    open_ = nacl_port_rule(ctx).allowed(doc.get("Entries"))
    acl = doc.get("NetworkAclId") or asset.name
    if open_:
        shown = [f"{v.protocol}/{v.port} from {'0.0.0.0/0' if v.family == 'ipv4' else '::/0'} "
                 f"(rule {v.rule_number})" for v in open_]
        return CheckResult.failed(f"network ACL {acl} admits {'; '.join(shown)}",
                                  *(Evidence(f"Entries[RuleNumber={v.rule_number}]", s, _EXPECTED)
                                    for v, s in zip(open_, shown, strict=True)))
    return CheckResult.passed(f"network ACL {acl} admits no administration ports from the "
                              "internet", Evidence("Entries", "evaluated in order", _EXPECTED))
