"""Entries are evaluated in RuleNumber order for each port, protocol and address family; the
first entry for the whole internet that covers the traffic decides."""

from __future__ import annotations

from cloudwarden.checks.aws_network import nacl_world_ingress_allowed
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    acl = doc.get("NetworkAclId") or asset.name
    ports = [int(p) for p in ctx.params.get("ports") or []]
    protocols = [str(p) for p in ctx.params.get("protocols") or ("tcp",)]
    expected = "denied from 0.0.0.0/0 and ::/0"
    open_ = nacl_world_ingress_allowed(doc.get("Entries"), ports, protocols)
    if open_:
        shown = [f"{v.protocol}/{v.port} from {'0.0.0.0/0' if v.family == 'ipv4' else '::/0'} "
                 f"(rule {v.rule_number})" for v in open_]
        return CheckResult.failed(f"network ACL {acl} admits {'; '.join(shown)}",
                                  *(Evidence(f"Entries[RuleNumber={v.rule_number}]", s, expected)
                                    for v, s in zip(open_, shown, strict=True)))
    return CheckResult.passed(f"network ACL {acl} admits no administration ports from the "
                              "internet", Evidence("Entries", "evaluated in order", expected))
