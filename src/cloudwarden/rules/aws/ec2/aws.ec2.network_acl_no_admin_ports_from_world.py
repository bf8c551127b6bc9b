"""Entries are evaluated in RuleNumber order for each port, protocol and address family; the
first entry for the whole internet that covers the traffic decides."""

from __future__ import annotations

from typing import Any

# the entries' reading and its walk, as NaclPortRule.allowed does them, apart: the verdicts
# are remembered per reading (see _judged)
from cloudwarden.checks.aws_network import (
    NaclPortRule,
    _world_entries,
    _world_verdicts,
    nacl_port_rule,
)
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_EXPECTED = "denied from 0.0.0.0/0 and ::/0"
_PASSED = (Evidence("Entries", "evaluated in order", _EXPECTED),)
#: distinct readings whose verdicts a rule remembers
MAX_REMEMBERED = 4096
_Judged = tuple[str, tuple[Evidence, ...]]  # the admitted traffic described, its evidence


def _judged(ctx: CheckContext, rule: NaclPortRule, entries: list[Any]) -> _Judged | None:
    """What the ACL admits from the world, None when nothing. The world entries read from the
    document (numbers, families, protocols, ports, actions: hashable, normalized values) decide
    alone, so the verdicts of one reading serve every ACL with the same entries - default ACLs
    repeat across VPCs. Remembered in the rule's scratch: the parameters are the rule's."""
    rows = _world_entries(entries)
    key = tuple(rows)
    memo: dict[tuple[Any, ...], _Judged | None] | None = ctx.scratch.get("nacl_verdicts")
    if memo is None:
        memo = ctx.scratch["nacl_verdicts"] = {}
    try:
        return memo[key]
    except KeyError:
        pass
    open_ = _world_verdicts(rows, rule.ports, rule.protocols, rule.families)
    judged: _Judged | None = None
    if open_:
        shown = [f"{v.protocol}/{v.port} from {'0.0.0.0/0' if v.family == 'ipv4' else '::/0'} "
                 f"(rule {v.rule_number})" for v in open_]
        judged = ("; ".join(shown), tuple(
            Evidence(f"Entries[RuleNumber={v.rule_number}]", s, _EXPECTED)
            for v, s in zip(open_, shown, strict=True)))
    if len(memo) < MAX_REMEMBERED:
        memo[key] = judged
    return judged


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    rule = nacl_port_rule(ctx)
    entries = doc.get("Entries")
    judged = (_judged(ctx, rule, entries)
              if type(entries) is list or isinstance(entries, list) else None)
    acl = doc.get("NetworkAclId") or asset.name
    if judged is not None:
        return CheckResult(Status.FAIL, f"network ACL {acl} admits {judged[0]}", judged[1])
    return CheckResult(Status.PASS, f"network ACL {acl} admits no administration ports from "
                       "the internet", _PASSED)
