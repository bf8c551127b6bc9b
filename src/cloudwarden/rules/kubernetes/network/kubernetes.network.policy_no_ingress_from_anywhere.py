"""An ingress rule admits every source when its `from` is empty or missing, or when one of
its peers is an ipBlock of the whole address space; it admits every port when it has no
`ports`. Rules are ignored when the policy's types leave Ingress out."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_EXPECTED = "named sources or ports on every ingress rule"


def _world(peer: Any) -> bool:
    block = peer.get("ipBlock") if isinstance(peer, dict) else None
    cidr = block.get("cidr") if isinstance(block, dict) else None
    return isinstance(cidr, str) and _world_cidr(cidr)


@functools.lru_cache(maxsize=4096)
def _world_cidr(cidr: str) -> bool:
    # parsing a CIDR costs microseconds; the same few blocks recur across the policies
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("Name") or asset.name
    types = doc.get("PolicyTypes") or []
    if types and "Ingress" not in types:
        return CheckResult.passed(f"network policy {name} does not govern ingress",
                                  Evidence("PolicyTypes", types, _EXPECTED))
    open_rules: list[int] = []
    for i, rule in enumerate(doc.get("Ingress") or []):
        if not isinstance(rule, dict) or rule.get("ports"):
            continue
        sources = rule.get("from") or []
        if not sources or any(_world(peer) for peer in sources):
            open_rules.append(i)
    if open_rules:
        return CheckResult.failed(
            f"network policy {name} admits traffic from anywhere on every port "
            f"(ingress rule {', '.join(map(str, open_rules))})",
            *(Evidence(f"Ingress[{i}]", doc["Ingress"][i], _EXPECTED) for i in open_rules))
    return CheckResult.passed(f"network policy {name} admits no traffic from everywhere on "
                              "every port", Evidence("Ingress", "every rule limited", _EXPECTED))
