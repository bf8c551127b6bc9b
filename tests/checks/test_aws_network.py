"""Security group and network ACL exposure helpers."""

from __future__ import annotations

import pytest

from cloudwarden.checks.aws_network import (
    ALL_PORTS,
    is_world_cidr,
    nacl_world_ingress_allowed,
    normalize_protocol,
    parse_port_ranges,
    permission_ports,
    world_exposures,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("-1", "all"), (None, "all"), ("6", "tcp"), ("TCP", "tcp"), ("17", "udp"), ("1", "icmp"),
    ("58", "icmpv6"), ("50", "50"),
])
def test_normalize_protocol(raw: object, expected: str) -> None:
    assert normalize_protocol(raw) == expected


@pytest.mark.parametrize(("cidr", "family"), [
    ("0.0.0.0/0", "ipv4"), ("::/0", "ipv6"), ("10.0.0.0/8", None), ("0.0.0.0/1", None),
    ("not-a-cidr", None), (None, None),
])
def test_is_world_cidr(cidr: object, family: str | None) -> None:
    assert is_world_cidr(cidr) == family


@pytest.mark.parametrize(("proto", "lo", "hi", "expected"), [
    ("-1", None, None, ALL_PORTS),
    ("tcp", 22, 22, (22, 22)),
    ("tcp", None, None, ALL_PORTS),
    ("udp", -1, -1, ALL_PORTS),
    ("tcp", 443, 80, (80, 443)),
    ("icmp", -1, -1, None),
    ("50", None, None, None),
])
def test_permission_ports(proto: str, lo: object, hi: object,
                          expected: tuple[int, int] | None) -> None:
    assert permission_ports(proto, lo, hi) == expected


def test_parse_port_ranges() -> None:
    assert parse_port_ranges([22, "8000-8100", " 443 "]) == [(22, 22), (8000, 8100), (443, 443)]
    for bad in ("x", "10-", "70000", "20-10"):
        with pytest.raises(ValueError):
            parse_port_ranges([bad])


def test_world_exposures_and_port_matching() -> None:
    perms = [
        {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ]
    found = world_exposures(perms)
    assert [x.index for x in found] == [0, 1, 3, 4]
    tcp_all, all_v6, dns, icmp = found
    assert tcp_all.opens(22, ["tcp"]) and not tcp_all.opens(22, ["udp"])
    assert all_v6.opens(3389, ["udp"]) and all_v6.cidr == "::/0"
    assert dns.opens_any([(50, 60)], ["udp"]) and not dns.opens_any([(50, 60)], ["tcp"])
    assert not icmp.opens(22, ["tcp", "udp"]) and icmp.ports is None
    assert [x.index for x in world_exposures(perms, ["ipv6"])] == [1]
    assert world_exposures(None) == [] and world_exposures("junk") == []
    assert tcp_all.describe() == "tcp all ports from 0.0.0.0/0"
    assert all_v6.describe() == "all traffic from ::/0"


def _entry(n: int, proto: str, action: str, cidr: str | None = "0.0.0.0/0",
           ports: tuple[int, int] | None = None, egress: bool = False,
           v6: str | None = None) -> dict[str, object]:
    return {"RuleNumber": n, "Protocol": proto, "RuleAction": action, "Egress": egress,
            "CidrBlock": cidr, "Ipv6CidrBlock": v6,
            "PortRange": {"From": ports[0], "To": ports[1]} if ports else None}


def test_nacl_allow_all_is_open() -> None:
    entries = [_entry(100, "-1", "allow"), _entry(32767, "-1", "deny")]
    open_ = nacl_world_ingress_allowed(entries, [22], ["tcp"], ["ipv4"])
    assert [(v.port, v.rule_number) for v in open_] == [(22, 100)]


def test_nacl_lower_deny_wins_regardless_of_list_order() -> None:
    entries = [_entry(100, "-1", "allow"), _entry(50, "6", "deny", ports=(22, 22))]
    assert nacl_world_ingress_allowed(entries, [22], ["tcp"], ["ipv4"]) == []
    # udp/22 is still admitted by the allow-all entry
    assert len(nacl_world_ingress_allowed(entries, [22], ["udp"], ["ipv4"])) == 1


def test_nacl_partial_deny_and_narrow_allow() -> None:
    entries = [_entry(10, "6", "deny", cidr="198.51.100.0/24", ports=(22, 22)),
               _entry(20, "6", "allow", cidr="10.0.0.0/8", ports=(22, 22)),
               _entry(30, "6", "allow", ports=(0, 1024))]
    (verdict,) = nacl_world_ingress_allowed(entries, [22], ["tcp"], ["ipv4"])
    assert verdict.rule_number == 30


def test_nacl_ipv6_egress_and_empty() -> None:
    entries = [_entry(10, "-1", "allow", egress=True),
               _entry(20, "6", "allow", cidr=None, v6="::/0", ports=(3389, 3389))]
    found = nacl_world_ingress_allowed(entries, [22, 3389], ["tcp"])
    assert [(v.port, v.family) for v in found] == [(3389, "ipv6")]
    assert nacl_world_ingress_allowed(None, [22]) == []
    assert nacl_world_ingress_allowed([], [22]) == []


def test_world_exposures_memo_answers_every_family_of_the_same_list() -> None:
    perms = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
              "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
    # rules asking about one family, then the other, then both, of one group
    assert [x.cidr for x in world_exposures(perms, ("ipv4",))] == ["0.0.0.0/0"]
    assert [x.cidr for x in world_exposures(perms, ("ipv6",))] == ["::/0"]
    assert [x.cidr for x in world_exposures(perms)] == ["0.0.0.0/0", "::/0"]
    # a different list with the same content is analysed afresh, not mixed up
    other = [{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53,
              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    assert [x.protocol for x in world_exposures(other)] == ["udp"]


def test_nacl_null_protocol_opens_no_port_and_unsorted_numbers_decide_in_order() -> None:
    entries = [
        {"RuleNumber": 200, "Protocol": "-1", "RuleAction": "allow", "Egress": False,
         "CidrBlock": "0.0.0.0/0"},
        {"RuleNumber": "100", "Protocol": "6", "RuleAction": "DENY", "Egress": False,
         "CidrBlock": "0.0.0.0/0", "PortRange": {"From": "22", "To": 22}},
        {"RuleNumber": 50, "Protocol": None, "RuleAction": "allow", "Egress": False,
         "CidrBlock": "0.0.0.0/0"},
    ]
    found = nacl_world_ingress_allowed(entries, [22, 3389], ["tcp"], ["ipv4"])
    assert [(v.port, v.rule_number) for v in found] == [(3389, 200)]
