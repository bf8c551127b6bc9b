"""Network exposure of AWS security groups and network ACLs, as pure functions.

Security group permissions and NACL entries are the canonical shapes of `aws.ec2.security_group`
and `aws.ec2.network_acl`. "The world" is any CIDR with a prefix length of 0 (0.0.0.0/0, ::/0):
a narrower range, a prefix list or a source security group is not the world.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cloudwarden.checks import verdict_memo
from cloudwarden.core.checks import CheckContext, CheckFn, CheckResult
from cloudwarden.core.model import Asset, Evidence

__all__ = [
    "ALL_PORTS",
    "Exposure",
    "NaclPortRule",
    "NaclVerdict",
    "SecurityGroupPortRule",
    "is_world_cidr",
    "nacl_port_rule",
    "nacl_world_ingress_allowed",
    "normalize_protocol",
    "parse_port_ranges",
    "permission_ports",
    "port_in",
    "remembered_group_rule",
    "security_group_port_check",
    "security_group_port_rule",
    "world_exposures",
    "world_exposures_described",
    "world_exposures_of",
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
    if type(value) is str:
        # the usual spellings are keys already: skip strip() and lower()
        known = _PROTOCOL_NAMES.get(value)
        if known is not None:
            return known
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


#: One world-open (permission, CIDR) pair: its address family, the exposure, and the
#: exposure described for messages (every security group rule words it the same way).
_Tagged = tuple[str, Exposure, str]

#: the last permissions list analysed and its world exposures, for every family. The engine
#: runs every security group rule on one group before moving to the next, so the eight or so
#: rules that ask about the same list share one analysis whatever families they ask about.
#: Identity plus a strong reference to the list keeps the memo exact (no reuse of a freed
#: list's id); documents are read-only during an assessment; the tuple is swapped atomically.
_last_exposures: tuple[Any, tuple[_Tagged, ...]] | None = None
_CIDR_FIELDS = (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"))


def _tagged_exposures(permissions: Any) -> tuple[_Tagged, ...]:
    global _last_exposures
    last = _last_exposures
    if last is not None and last[0] is permissions:
        return last[1]
    if type(permissions) is not list and not isinstance(permissions, list):
        return ()
    out: list[_Tagged] = []
    for i, perm in enumerate(permissions):
        if type(perm) is not dict and not isinstance(perm, Mapping):
            continue
        protocol: str | None = None
        ports: tuple[int, int] | None = None
        for key, cidr_key in _CIDR_FIELDS:
            for item in perm.get(key) or ():
                cidr = (item.get(cidr_key) if type(item) is dict or isinstance(item, Mapping)
                        else item)
                family = _world_family(cidr) if isinstance(cidr, str) else None
                if family is None:
                    continue
                if protocol is None:
                    protocol = normalize_protocol(perm.get("IpProtocol"))
                    ports = permission_ports(protocol, perm.get("FromPort"), perm.get("ToPort"))
                exposure = Exposure(i, protocol, ports, str(cidr))
                out.append((family, exposure, exposure.describe()))
    tagged = tuple(out)
    _last_exposures = (permissions, tagged)
    return tagged


def world_exposures(permissions: Any, families: Iterable[str] = FAMILIES) -> list[Exposure]:
    """Every (permission, world CIDR) pair of a security group's ingress permissions."""
    fams = families if isinstance(families, (tuple, frozenset)) else tuple(families)
    return [x for family, x, _ in _tagged_exposures(permissions) if family in fams]


# -- network ACLs --------------------------------------------------------------------------


def _entry_ports(entry: Mapping[str, Any]) -> tuple[int, int] | None:
    port_range = entry.get("PortRange") or {}
    return permission_ports(str(entry.get("Protocol", "-1")), port_range.get("From"),
                            port_range.get("To"))


class NaclVerdict(NamedTuple):
    """What decided world ingress to one port over one protocol and address family."""

    allowed: bool
    rule_number: int | None  # the deciding entry, None when no entry matched
    family: str
    protocol: str
    port: int


#: An ingress entry whose source is the whole IPv4 or IPv6 address space, read once:
#: (rule number, family, protocol, ports, allowed).
_WorldEntry = tuple[int, str, str, tuple[int, int] | None, bool]


def _world_entries(entries: list[Any]) -> list[_WorldEntry]:
    """The world ingress entries in RuleNumber order (ties in list order), one per family."""
    out: list[_WorldEntry] = []
    for entry in entries:
        if type(entry) is not dict and not isinstance(entry, Mapping):
            continue
        if entry.get("Egress") is True:
            continue
        cidr = entry.get("CidrBlock")
        v4 = isinstance(cidr, str) and _world_family(cidr) == "ipv4"
        cidr = entry.get("Ipv6CidrBlock")
        v6 = isinstance(cidr, str) and _world_family(cidr) == "ipv6"
        if not (v4 or v6):
            continue
        number = entry.get("RuleNumber")
        if type(number) is not int:  # the usual case first; bool is not an int here
            number = _as_int(number)
            if number is None:
                number = 32767
        raw = entry.get("Protocol", "-1")
        protocol = normalize_protocol(raw)
        # the ports are read from the protocol's text, so an explicit null protocol is the
        # unknown protocol "none" (no ports), not all traffic
        ports = _entry_ports(entry) if raw is None else _protocol_ports(protocol, entry)
        action = entry.get("RuleAction", "")
        allowed = action == "allow" or (action != "deny" and str(action).lower() == "allow")
        if v4:
            out.append((number, "ipv4", protocol, ports, allowed))
        if v6:
            out.append((number, "ipv6", protocol, ports, allowed))
    if len(out) > 1:
        # a stable sort on the number alone: entries with the same number keep list order
        out.sort(key=_first)
    return out


def _protocol_ports(protocol: str, entry: Mapping[str, Any]) -> tuple[int, int] | None:
    """`_entry_ports` for an already normalized protocol."""
    port_range = entry.get("PortRange") or {}
    from_port, to_port = port_range.get("From"), port_range.get("To")
    if protocol == "all":
        return ALL_PORTS
    if protocol not in _PORT_PROTOCOLS:
        return None
    if type(from_port) is int and type(to_port) is int and from_port >= 0 and to_port >= 0:
        return (from_port, to_port) if from_port <= to_port else (to_port, from_port)
    return permission_ports(protocol, from_port, to_port)


def _first(row: _WorldEntry) -> int:
    return row[0]


def _world_verdicts(rows: Sequence[_WorldEntry], ports: Iterable[int],
                    protocols: Sequence[str], families: Sequence[str]) -> list[NaclVerdict]:
    """Walk the ingress entries in RuleNumber order like AWS does, for traffic from an
    arbitrary internet address, and keep the allowed combinations. Only an entry whose source
    is the whole address space decides for every such address: a deny of a narrower range
    leaves the rest of the internet to later entries, and an allow of a narrower range is not
    world exposure."""
    out: list[NaclVerdict] = []
    for row in rows:
        if row[4]:
            break
    else:  # no world entry allows anything (or there is none): nothing is let in
        return out
    for port in ports:
        for protocol in protocols:
            for family in families:
                for number, fam, proto, span, allowed in rows:
                    if fam != family or (proto != "all" and proto != protocol):
                        continue
                    if span is None or not span[0] <= port <= span[1]:
                        continue
                    if allowed:
                        out.append(NaclVerdict(True, number, family, protocol, port))
                    break
    return out


def nacl_world_ingress_allowed(
    entries: Any,
    ports: Iterable[int],
    protocols: Iterable[str] = ("tcp", "udp"),
    families: Iterable[str] = FAMILIES,
) -> list[NaclVerdict]:
    """The (port, protocol, family) combinations a network ACL lets in from the world."""
    if not isinstance(entries, list):
        return []
    return _world_verdicts(_world_entries(entries), ports,
                           [normalize_protocol(p) for p in protocols], tuple(families))


@dataclass(frozen=True, slots=True)
class NaclPortRule:
    """A NACL port rule's parameters, read once per rule rather than once per ACL."""

    ports: tuple[int, ...]
    protocols: tuple[str, ...]
    families: tuple[str, ...] = FAMILIES

    def allowed(self, entries: Any) -> list[NaclVerdict]:
        if type(entries) is not list and not isinstance(entries, list):
            return []
        return _world_verdicts(_world_entries(entries), self.ports, self.protocols,
                               self.families)


def nacl_port_rule(ctx: CheckContext) -> NaclPortRule:
    """The rule's `ports` and `protocols` parameters, parsed on the first call only."""
    rule = ctx.scratch.get("nacl_port_rule")
    if rule is None:
        rule = ctx.scratch["nacl_port_rule"] = NaclPortRule(
            tuple(int(p) for p in ctx.params.get("ports") or []),
            tuple(normalize_protocol(str(p)) for p in ctx.params.get("protocols") or ("tcp",)))
    return rule


# -- shared security group check -------------------------------------------------------------


def _opens_any(exposure: Exposure, ranges: Sequence[tuple[int, int]],
               wanted: frozenset[str]) -> bool:
    if exposure.protocol != "all" and exposure.protocol not in wanted:
        return False
    ports = exposure.ports
    if ports is None:
        return False
    first, last = ports
    for lo, hi in ranges:  # noqa: SIM110 - a loop: no generator frame on the hot path
        if lo <= last and first <= hi:
            return True
    return False


@dataclass(frozen=True, slots=True)
class SecurityGroupPortRule:
    """A security group port rule's parameters, read once per rule rather than per group."""

    ranges: tuple[tuple[int, int], ...]
    wanted: frozenset[str]  # normalized protocols
    families: tuple[str, ...]
    what: str
    expected: str

    def evaluate(self, asset: Asset) -> CheckResult:
        """Fail when an ingress permission opens any port of `ranges` to the world."""
        doc = asset.properties
        permissions = doc.get("IpPermissions")
        hits: list[tuple[Exposure, str]] | None = None
        families, ranges, wanted = self.families, self.ranges, self.wanted
        for family, exposure, described in world_exposures_of(asset):
            if family in families and _opens_any(exposure, ranges, wanted):
                if hits is None:
                    hits = []
                hits.append((exposure, described))
        group = doc.get("GroupId") or asset.name
        expected = self.expected
        if hits:
            return CheckResult.failed(
                f"security group {group} allows {self.what} from the internet: "
                + "; ".join([d for _, d in hits[:5]]),
                *[Evidence(x.path, d, expected) for x, d in hits[:10]])
        return CheckResult.passed(
            f"security group {group} allows no {self.what} from the internet",
            Evidence("IpPermissions", _summary(permissions), expected))


def security_group_port_rule(ctx: CheckContext, families: tuple[str, ...],
                             what: str) -> SecurityGroupPortRule:
    """The rule's `ports` and `protocols` parameters, parsed on the first call only."""
    rule = ctx.scratch.get("security_group_port_rule")
    if rule is None:
        ranges = parse_port_ranges(ctx.params.get("ports") or [])
        protocols = [str(p) for p in ctx.params.get("protocols") or ("tcp", "udp")]
        rule = ctx.scratch["security_group_port_rule"] = SecurityGroupPortRule(
            tuple(ranges), _wanted_protocols(tuple(protocols)), families, what,
            f"no {what} from the internet")
    return rule


def security_group_port_check(
    asset: Asset,
    ranges: Sequence[tuple[int, int]],
    protocols: Iterable[str],
    families: Iterable[str],
    what: str,
) -> CheckResult:
    """Fail when an ingress permission opens any port of `ranges` to the world."""
    return SecurityGroupPortRule(tuple(ranges), _wanted_protocols(tuple(protocols)),
                                 tuple(families), what, f"no {what} from the internet"
                                 ).evaluate(asset)


def world_exposures_described(permissions: Any) -> tuple[tuple[str, Exposure, str], ...]:
    """(family, exposure, exposure.describe()) for every world exposure, memoized per
    permissions list like `world_exposures`."""
    return _tagged_exposures(permissions)


#: IpPermissions value (as `verdict_memo` keys it) -> its world exposures: a scan repeats a
#: handful of permission sets over its groups. Exposure is frozen, the tuples are shared.
_EXPOSURES: dict[str, tuple[_Tagged, ...]] = {}
#: what `_EXPOSURES` may still take, counted as `verdict_memo` counts its memos
_exposures_room = verdict_memo.MEMO_BYTES
_PERMISSIONS = ("IpPermissions",)


def world_exposures_of(group: Asset) -> tuple[tuple[str, Exposure, str], ...]:
    """`world_exposures_described` of the group's IpPermissions, remembered per distinct
    value, with the key every remembered security group rule makes once per group."""
    global _exposures_room
    props = group.properties
    key = verdict_memo.values_key(props, _PERMISSIONS)
    if key is None:
        return _tagged_exposures(props.get("IpPermissions"))
    found = _EXPOSURES.get(key)
    if found is None:
        found = _tagged_exposures(props.get("IpPermissions"))
        if _exposures_room > 0:
            _EXPOSURES[key] = found
            _exposures_room -= len(key) + verdict_memo.ENTRY_BYTES
    return found


def _summary(permissions: Any) -> Any:
    if not isinstance(permissions, list):
        return permissions
    return f"{len(permissions)} ingress permission(s)"


def _group(asset: Asset) -> str:
    """How every security group rule names the group in its message."""
    return f"{asset.properties.get('GroupId') or asset.name}"


#: A security group rule's check with its verdict remembered per distinct IpPermissions (a
#: scan repeats a handful of permission sets over its groups): only for a check whose result
#: depends on IpPermissions, the rule's parameters and the group's id or name, shown once in
#: its messages (see `verdict_memo.remembered`).
#: tests/checks/test_aws_network_checkspeed.py compares the rules with and without it.
remembered_group_rule: Callable[[CheckFn], CheckFn] = verdict_memo.remembered(
    _PERMISSIONS, _group, "aws_network.verdicts")
