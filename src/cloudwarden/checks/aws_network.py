"""Network exposure of AWS security groups and network ACLs, as pure functions.

Security group permissions and NACL entries are the canonical shapes of `aws.ec2.security_group`
and `aws.ec2.network_acl`. "The world" is any CIDR with a prefix length of 0 (0.0.0.0/0, ::/0):
a narrower range, a prefix list or a source security group is not the world.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cloudwarden.core.checks import CheckResult
from cloudwarden.core.model import Asset, Evidence

__all__ = [
    "ALL_PORTS",
    "Exposure",
    "NaclVerdict",
    "is_world_cidr",
    "nacl_world_ingress_allowed",
    "normalize_protocol",
    "parse_port_ranges",
    "permission_ports",
    "port_in",
    "security_group_port_check",
    "world_exposures",
]

ALL_PORTS = (0, 65535)
_PROTOCOL_NAMES = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp",
                   "udp": "udp", "1": "icmp", "icmp": "icmp", "58": "icmpv6",
                   "icmpv6": "icmpv6"}
_PORT_PROTOCOLS = frozenset({"tcp", "udp"})
#: IPv4 and IPv6 address families, as the names rules pass in `families`
FAMILIES = ("ipv4", "ipv6")


def normalize_protocol(value: Any) -> str:
    """`-1`, `6`, `tcp`, `17`, ... -> `all`, `tcp`, `udp`, `icmp`; other numbers as text."""
    text = str(value).strip().lower() if value is not None else "all"
    return _PROTOCOL_NAMES.get(text, text)


def is_world_cidr(value: Any) -> str | None:
    """The address family (`ipv4`/`ipv6`) when `value` is a CIDR covering every address."""
    if not isinstance(value, str):
        return None
    return _world_family(value)


@functools.lru_cache(maxsize=8192)
def _world_family(value: str) -> str | None:
    # parsing a CIDR costs microseconds; the same few strings recur across every group
    try:
        net = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None
    if net.prefixlen != 0:
        return None
    return "ipv4" if net.version == 4 else "ipv6"


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def permission_ports(protocol: str, from_port: Any, to_port: Any) -> tuple[int, int] | None:
    """The port range a permission or NACL entry opens, or None when it carries no ports.

    All traffic (`-1`) opens every port; TCP or UDP with no ports (or -1) open every port too;
    ICMP and other protocols have no ports at all.
    """
    proto = normalize_protocol(protocol)
    if proto == "all":
        return ALL_PORTS
    if proto not in _PORT_PROTOCOLS:
        return None
    lo, hi = _as_int(from_port), _as_int(to_port)
    if lo is None or hi is None or lo < 0 or hi < 0:
        return ALL_PORTS
    return (min(lo, hi), max(lo, hi))


def port_in(port: int, ports: tuple[int, int] | None) -> bool:
    return ports is not None and ports[0] <= port <= ports[1]


def parse_port_ranges(values: Iterable[Any]) -> list[tuple[int, int]]:
    """Rule parameters such as `[22, "8000-8100"]` -> `[(22, 22), (8000, 8100)]`."""
    items = tuple(values)
    try:
        return list(_parse_port_ranges(items))
    except TypeError:  # an unhashable item: parse it without the cache, to report it
        return list(_parse_port_ranges.__wrapped__(items))


@functools.lru_cache(maxsize=256)
def _parse_port_ranges(values: tuple[Any, ...]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            lo = hi = value
        else:
            text = str(value).strip()
            lo_text, sep, hi_text = text.partition("-")
            if not lo_text.strip().isdigit() or (sep and not hi_text.strip().isdigit()):
                raise ValueError(f"not a port or port range: {value!r}")
            lo = int(lo_text)
            hi = int(hi_text) if sep else lo
        if not (0 <= lo <= hi <= 65535):
            raise ValueError(f"not a valid port range: {value!r}")
        out.append((lo, hi))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Exposure:
    """One ingress permission that lets the world in."""

    index: int              # position in IpPermissions
    protocol: str           # normalized: all, tcp, udp, icmp, ...
    ports: tuple[int, int] | None
    cidr: str

    @property
    def path(self) -> str:
        return f"IpPermissions[{self.index}]"

    def describe(self) -> str:
        if self.protocol == "all":
            what = "all traffic"
        elif self.ports is None:
            what = self.protocol
        elif self.ports == ALL_PORTS:
            what = f"{self.protocol} all ports"
        elif self.ports[0] == self.ports[1]:
            what = f"{self.protocol}/{self.ports[0]}"
        else:
            what = f"{self.protocol}/{self.ports[0]}-{self.ports[1]}"
        return f"{what} from {self.cidr}"

    def opens(self, port: int, protocols: Iterable[str]) -> bool:
        """True if the exposure reaches `port` over one of `protocols` (tcp, udp)."""
        wanted = {normalize_protocol(p) for p in protocols}
        if self.protocol != "all" and self.protocol not in wanted:
            return False
        return port_in(port, self.ports)

    def opens_any(self, ranges: Sequence[tuple[int, int]], protocols: Iterable[str]) -> bool:
        return self._opens_any(ranges, _wanted_protocols(tuple(protocols)))

    def _opens_any(self, ranges: Sequence[tuple[int, int]], wanted: frozenset[str]) -> bool:
        if self.protocol != "all" and self.protocol not in wanted:
            return False
        ports = self.ports
        if ports is None:
            return False
        first, last = ports
        return any(lo <= last and first <= hi for lo, hi in ranges)


@functools.lru_cache(maxsize=64)
def _wanted_protocols(protocols: tuple[str, ...]) -> frozenset[str]:
    # rule parameters: the same few tuples on every call, normalized once
    return frozenset(normalize_protocol(p) for p in protocols)


def _is_mapping(value: Any) -> bool:
    # `type(...) is dict` first: the ABC check behind isinstance(x, Mapping) is slow in loops
    return type(value) is dict or isinstance(value, Mapping)


def _world_cidrs(permission: Mapping[str, Any], wanted: Sequence[str]) -> list[str]:
    found: list[str] = []
    for key, cidr_key in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")):
        for item in permission.get(key) or []:
            cidr = item.get(cidr_key) if _is_mapping(item) else item
            if is_world_cidr(cidr) in wanted:
                found.append(str(cidr))
    return found


#: the last (permissions list, families) analysed and its result. The engine runs every
#: security group rule on one group before moving to the next, so the eight or so rules that
#: ask about the same list share one analysis. Identity plus a strong reference to the list
#: keeps the memo exact (no reuse of a freed list's id); the tuple is swapped atomically.
_last_exposures: tuple[Any, tuple[str, ...], list[Exposure]] | None = None


def world_exposures(permissions: Any, families: Iterable[str] = FAMILIES) -> list[Exposure]:
    """Every (permission, world CIDR) pair of a security group's ingress permissions."""
    global _last_exposures
    fams = tuple(families)
    last = _last_exposures
    if last is not None and last[0] is permissions and last[1] == fams:
        return list(last[2])
    out = _world_exposures(permissions, fams)
    if isinstance(permissions, list):
        _last_exposures = (permissions, fams, out)
    return list(out)


def _world_exposures(permissions: Any, fams: tuple[str, ...]) -> list[Exposure]:
    out: list[Exposure] = []
    if not isinstance(permissions, list):
        return out
    for i, perm in enumerate(permissions):
        if not _is_mapping(perm):
            continue
        protocol = normalize_protocol(perm.get("IpProtocol"))
        ports = permission_ports(protocol, perm.get("FromPort"), perm.get("ToPort"))
        for cidr in _world_cidrs(perm, fams):
            out.append(Exposure(i, protocol, ports, cidr))
    return out


# -- network ACLs --------------------------------------------------------------------------


def _rule_number(entry: Mapping[str, Any]) -> int:
    n = _as_int(entry.get("RuleNumber"))
    return n if n is not None else 32767


def _entry_ports(entry: Mapping[str, Any]) -> tuple[int, int] | None:
    port_range = entry.get("PortRange") or {}
    return permission_ports(str(entry.get("Protocol", "-1")), port_range.get("From"),
                            port_range.get("To"))


@dataclass(frozen=True, slots=True)
class NaclVerdict:
    """What decided world ingress to one port over one protocol and address family."""

    allowed: bool
    rule_number: int | None  # the deciding entry, None when no entry matched
    family: str
    protocol: str
    port: int


@dataclass(frozen=True, slots=True)
class _WorldEntry:
    """An ingress entry whose source is the whole IPv4 or IPv6 address space, read once."""

    family: str
    protocol: str
    ports: tuple[int, int] | None
    allowed: bool
    rule_number: int


def _world_entries(entries: Sequence[Mapping[str, Any]]) -> list[_WorldEntry]:
    """The world ingress entries, in the caller's (RuleNumber) order, one per family."""
    out: list[_WorldEntry] = []
    for entry in entries:
        if entry.get("Egress") is True:
            continue
        for family, field in (("ipv4", "CidrBlock"), ("ipv6", "Ipv6CidrBlock")):
            if is_world_cidr(entry.get(field)) != family:
                continue
            out.append(_WorldEntry(
                family, normalize_protocol(entry.get("Protocol", "-1")), _entry_ports(entry),
                str(entry.get("RuleAction", "")).lower() == "allow", _rule_number(entry)))
    return out


def _world_verdict(entries: Sequence[_WorldEntry], port: int, protocol: str,
                   family: str) -> NaclVerdict:
    """Walk the ingress entries in RuleNumber order like AWS does, for traffic from an
    arbitrary internet address. Only an entry whose source is the whole address space
    decides for every such address: a deny of a narrower range leaves the rest of the
    internet to later entries, and an allow of a narrower range is not world exposure."""
    for entry in entries:  # world ingress entries, sorted by RuleNumber by the caller
        if entry.family != family or entry.protocol not in ("all", protocol):
            continue
        if not port_in(port, entry.ports):
            continue
        return NaclVerdict(entry.allowed, entry.rule_number, family, protocol, port)
    return NaclVerdict(False, None, family, protocol, port)


def nacl_world_ingress_allowed(
    entries: Any,
    ports: Iterable[int],
    protocols: Iterable[str] = ("tcp", "udp"),
    families: Iterable[str] = FAMILIES,
) -> list[NaclVerdict]:
    """The (port, protocol, family) combinations a network ACL lets in from the world."""
    if not isinstance(entries, list):
        return []
    rows = _world_entries(sorted((e for e in entries if _is_mapping(e)), key=_rule_number))
    protos = [normalize_protocol(p) for p in protocols]
    fams = tuple(families)
    out: list[NaclVerdict] = []
    for port in ports:
        for protocol in protos:
            for family in fams:
                verdict = _world_verdict(rows, port, protocol, family)
                if verdict.allowed:
                    out.append(verdict)
    return out


# -- shared security group check -------------------------------------------------------------


def security_group_port_check(
    asset: Asset,
    ranges: Sequence[tuple[int, int]],
    protocols: Iterable[str],
    families: Iterable[str],
    what: str,
) -> CheckResult:
    """Fail when an ingress permission opens any port of `ranges` to the world."""
    doc = asset.properties
    group = doc.get("GroupId") or asset.name
    wanted = _wanted_protocols(tuple(protocols))
    hits = [x for x in world_exposures(doc.get("IpPermissions"), families)
            if x._opens_any(ranges, wanted)]
    if hits:
        return CheckResult.failed(
            f"security group {group} allows {what} from the internet: "
            + "; ".join(x.describe() for x in hits[:5]),
            *(Evidence(x.path, x.describe(), f"no {what} from the internet") for x in hits[:10]))
    return CheckResult.passed(
        f"security group {group} allows no {what} from the internet",
        Evidence("IpPermissions", _summary(doc.get("IpPermissions")),
                 f"no {what} from the internet"))


def _summary(permissions: Any) -> Any:
    if not isinstance(permissions, list):
        return permissions
    return f"{len(permissions)} ingress permission(s)"
