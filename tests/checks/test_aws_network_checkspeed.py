"""Security group rules with their verdicts remembered (`aws_network.remembered_group_rule`)
judge as the same checks asked afresh every time.

Random permission sets (odd shapes included) are judged in copies under other group ids and
names, in a random order, by each remembered rule and by its undecorated check
(`__wrapped__`, with a context of its own): statuses, messages, evidence and errors must
agree finding by finding. `world_exposures_of` (remembered per distinct IpPermissions) gives
what `world_exposures_described` gives on a list it has never seen.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.checks.outcomes import compare_remembered

from cloudwarden.assets import default_registry
from cloudwarden.checks import verdict_memo
from cloudwarden.checks.aws_network import world_exposures_described, world_exposures_of
from cloudwarden.core.loader import RuleSpec, load_rules
from cloudwarden.core.model import Asset, AssetRef

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_ODD: tuple[Any, ...] = (None, "", "x", 0, 1, True, [], {}, [1], ("a",), 1.0)
_PARAMS: dict[str, list[dict[str, Any]]] = {
    "aws.ec2.security_group_only_authorized_ports_from_world": [
        {"authorized_ports": [22, "8000-8100"]}, {"authorized_ports": []}],
    "aws.ec2.security_group_no_ssh_from_world": [{"ports": [22, 2222],
                                                   "protocols": ["tcp", "udp"]}],
}


def _specs() -> list[RuleSpec]:
    specs, _ = load_rules(known_types=default_registry().names())
    out = []
    for spec in specs:
        check = spec.compile(now=NOW).check
        if spec.id.startswith("aws.ec2.security_group_") and hasattr(check, "__wrapped__"):
            out.append(spec)
    return out


_SPECS = _specs()


def _pick(rng: random.Random, *choices: Any) -> Any:
    return rng.choice(choices) if rng.random() < 0.85 else rng.choice(_ODD)


def _permission(rng: random.Random) -> Any:
    if rng.random() < 0.05:
        return rng.choice(_ODD)
    return {
        "IpProtocol": _pick(rng, "-1", "tcp", "6", "udp", "icmp", "TCP "),
        "FromPort": _pick(rng, 22, 80, 0, -1, 3389, "22", 8000),
        "ToPort": _pick(rng, 22, 443, 65535, -1, 3389, "8080", 8100),
        "IpRanges": _pick(rng, [], [{"CidrIp": "0.0.0.0/0"}], [{"CidrIp": "10.0.0.0/8"}],
                          ["0.0.0.0/0"], [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": " 0.0.0.0/0 "}]),
        "Ipv6Ranges": _pick(rng, [], [{"CidrIpv6": "::/0"}], [{"CidrIpv6": "2001:db8::/32"}]),
    }


def _permissions(rng: random.Random) -> Any:
    if rng.random() < 0.08:
        return rng.choice((*_ODD, ({"IpProtocol": "-1"},), "0.0.0.0/0"))
    return [_permission(rng) for _ in range(rng.randint(0, 4))]


@pytest.mark.parametrize("seed", range(12))
def test_remembered_group_rules_judge_as_the_checks_themselves(seed: int) -> None:
    assert len(_SPECS) == 7
    rng = random.Random(seed)
    templates = [_permissions(rng) for _ in range(10)]
    assets = []
    for i in range(100):
        doc: dict[str, Any] = {"IpPermissions": copy.deepcopy(rng.choice(templates)),
                               "GroupName": f"g{i}"}
        group_id = rng.choice((f"sg-{i}", "", None, 7, "sg-1 allows"))
        if group_id is not None:
            doc["GroupId"] = group_id
        assets.append(Asset(AssetRef("aws", "1", "r", "aws.ec2.security_group", f"sg{i}"),
                            rng.choice((f"name{i}", "", "sg-1")), doc))
    compared = remembered = 0
    for spec in _SPECS:
        for overrides in [None, *_PARAMS.get(spec.id, [])]:
            rule = spec.compile(now=NOW, params=overrides)
            asked, kept = compare_remembered(rule.check, rule.params, assets,
                                             "aws_network.verdicts", spec.id)
            compared, remembered = compared + asked, remembered + kept
    assert 0 < remembered < compared / 2  # the memo answered for most copies


def test_a_key_for_each_type_of_value() -> None:
    keys = {verdict_memo.values_key({"IpPermissions": value}, ("IpPermissions",))
            for value in ([{"FromPort": 22}], [{"FromPort": 22.0}], [{"FromPort": "22"}],
                          ({"FromPort": 22},), [{"FromPort": True}], None)}
    assert None not in keys and len(keys) == 6


def _exposures(function: Any, argument: Any) -> Any:
    try:
        return function(argument)
    except Exception as exc:  # the error is part of the outcome compared
        return ("raised", type(exc).__name__, str(exc))


@pytest.mark.parametrize("seed", range(8))
def test_world_exposures_of_a_group_as_described(seed: int) -> None:
    rng = random.Random(seed)
    templates = [_permissions(rng) for _ in range(8)]
    for i in range(80):
        permissions = copy.deepcopy(rng.choice(templates))
        group = Asset(AssetRef("aws", "1", "r", "aws.ec2.security_group", f"sg{i}"), f"g{i}",
                      {"IpPermissions": permissions})
        got = _exposures(world_exposures_of, group)
        # a deep copy: a list no memo has seen
        want = _exposures(world_exposures_described, copy.deepcopy(permissions))
        assert got == want
