"""Every host of the ingress's rules must be listed in a tls entry; an entry without hosts
(TLS for the controller's default certificate) covers the rules without a host."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_EXPECTED = "every rule host listed in spec.tls"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("Name") or asset.name
    tls = [t for t in doc.get("Tls") or [] if isinstance(t, dict)]
    if not tls:
        return CheckResult.failed(f"ingress {name} has no tls section: it serves plain HTTP",
                                  Evidence("Tls", doc.get("Tls"), _EXPECTED))
    covered = {str(h).lower() for t in tls for h in t.get("hosts") or []}
    hostless_tls = any(not t.get("hosts") for t in tls)
    uncovered: list[str] = []
    for rule in doc.get("Rules") or []:
        host = str(rule.get("host") or "") if isinstance(rule, dict) else ""
        if host and host.lower() not in covered and not _wildcard_covers(covered, host):
            uncovered.append(host)
        elif not host and not hostless_tls and not covered:
            uncovered.append("(any host)")
    if uncovered:
        return CheckResult.failed(f"ingress {name} serves {', '.join(sorted(set(uncovered)))} "
                                  "without TLS",
                                  Evidence("Rules[].host", sorted(set(uncovered)), _EXPECTED))
    return CheckResult.passed(f"ingress {name} terminates TLS for every host it serves",
                              Evidence("Tls[].hosts", sorted(covered), _EXPECTED))


def _wildcard_covers(covered: set[str], host: str) -> bool:
    parent = host.lower().split(".", 1)
    return len(parent) == 2 and f"*.{parent[1]}" in covered
