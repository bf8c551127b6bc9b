"""The anomaly detector's fast spellings answer what the plain ones do: the network of an
address (a pattern for canonical dotted quads, a memo), whatever the address."""

from __future__ import annotations

import ipaddress
import random

import pytest

from cloudwarden.detect import anomaly
from cloudwarden.detect.anomaly import source_network


def _reference(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _address(rng: random.Random) -> str:
    octets = ["0", "7", "10", "99", "100", "199", "200", "249", "250", "255", "256", "300",
              "010", "00", "1000", "-1", "", "a", "\u0661", " 1", "1 "]  # an Arabic-Indic 1
    kind = rng.random()
    if kind < 0.6:
        return ".".join(rng.choice(octets) for _ in range(rng.choice([4, 4, 4, 3, 5])))
    if kind < 0.8:
        return rng.choice(["2001:db8::1", "::ffff:198.51.100.7", "[2001:db8:1::2]", "::1",
                           "fe80::1%eth0", "2001:db8:1:2:3:4:5:6:7"])
    return rng.choice(["ec2.amazonaws.com", "-", "", " 198.51.100.7", "198.51.100.7\n",
                       "AWS Internal", "1.2.3.4.5"])


def test_source_network_is_the_ipaddress_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anomaly, "_MAX_NETWORKS_MEMO", 50)  # the memo fills and clears too
    rng = random.Random(7)
    for _ in range(5000):
        address = _address(rng)
        assert source_network(address) == _reference(address), address
        assert source_network(address) == _reference(address), address  # from the memo
