"""The NACL admin ports rule remembers verdicts per reading of the entries: the same results as
NaclPortRule.allowed, per ACL, within a bound."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.checks.aws_network import NaclPortRule, normalize_protocol
from cloudwarden.core.checks import CheckContext, CheckFn
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
RULE_ID = "aws.ec2.network_acl_no_admin_ports_from_world"
(SPEC,) = [s for s in load_rules(known_types=default_registry().names())[0] if s.id == RULE_ID]
RULE = SPEC.compile(now=NOW)
assert RULE.check is not None
CHECK: CheckFn = RULE.check


def _acl(ident: str, entries: Any) -> Asset:
    return Asset(AssetRef("aws", "111122223333", "us-east-1", "aws.ec2.network_acl", ident),
                 ident, {"NetworkAclId": ident, "Entries": entries})


def _entry(rng: random.Random) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RuleNumber": rng.choice((10, 100, 100, 32767, "20", True, None)),
        "Protocol": rng.choice(("-1", "6", "17", "tcp", "1", None, 6)),
        "RuleAction": rng.choice(("allow", "deny", "ALLOW")),
        "Egress": rng.choice((False, False, True)),
        rng.choice(("CidrBlock", "Ipv6CidrBlock")): rng.choice(
            ("0.0.0.0/0", "::/0", "10.0.0.0/8", "0.0.0.0/1")),
    }
    if rng.random() < 0.7:
        low = rng.choice((0, 22, 80, 3389, -1, "22"))
        entry["PortRange"] = {"From": low, "To": rng.choice((low, 65535, 22, 3389))}
    return entry


def _expected(asset: Asset) -> tuple[Status, str]:
    """What the rule said before it remembered verdicts."""
    params = RULE.params
    reference = NaclPortRule(tuple(int(p) for p in params["ports"]),
                             tuple(normalize_protocol(str(p)) for p in params["protocols"]))
    open_ = reference.allowed(asset.properties["Entries"])
    acl = asset.properties["NetworkAclId"]
    if not open_:
        return (Status.PASS,
                f"network ACL {acl} admits no administration ports from the internet")
    shown = [f"{v.protocol}/{v.port} from {'0.0.0.0/0' if v.family == 'ipv4' else '::/0'} "
             f"(rule {v.rule_number})" for v in open_]
    return Status.FAIL, f"network ACL {acl} admits {'; '.join(shown)}"


@pytest.mark.parametrize("seed", range(10))
def test_same_results_as_the_walk(seed: int) -> None:
    rng = random.Random(seed)
    pool = [[_entry(rng) for _ in range(rng.randint(0, 4))] for _ in range(6)]
    acls = [_acl(f"acl-{i}", rng.choice(pool)) for i in range(40)]
    ctx = CheckContext(Inventory(acls), NOW, RULE.params)
    for acl in acls:
        result = CHECK(acl, ctx)
        assert (result.status, result.message) == _expected(acl)
        assert all(e.path.startswith("Entries") for e in result.evidence)


def test_acls_with_the_same_entries_keep_their_own_names() -> None:
    entries = [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False,
                "CidrBlock": "0.0.0.0/0"}]
    first, second = _acl("acl-1", entries), _acl("acl-2", [dict(e) for e in entries])
    ctx = CheckContext(Inventory([first, second]), NOW, RULE.params)
    one, two = CHECK(first, ctx), CHECK(second, ctx)
    assert one.message.startswith("network ACL acl-1 admits tcp/22")
    assert two.message == one.message.replace("acl-1", "acl-2")
    assert one.evidence == two.evidence


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CHECK.__globals__, "MAX_REMEMBERED", 5)  # the module's globals
    ctx = CheckContext(Inventory(), NOW, RULE.params)
    for number in range(20):
        acl = _acl(f"acl-{number}", [{"RuleNumber": number, "Protocol": "-1",
                                      "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}])
        assert CHECK(acl, ctx).status is Status.FAIL
    assert len(ctx.scratch["nacl_verdicts"]) == 5
