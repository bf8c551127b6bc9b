"""Cross-resource: no mount target of an EFS file system sits in a public subnet.

Each MountTargets[].SubnetId is joined to an aws.ec2.subnet asset of the same account by SubnetId;
a subnet with MapPublicIpOnLaunch true is public. A subnet missing from the inventory, or whose
MapPublicIpOnLaunch is unknown, makes the result an error unless another mount target already
fails."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_SUBNET_TYPE = "aws.ec2.subnet"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    fs = asset.properties.get("FileSystemId") or asset.name
    targets = [t for t in asset.properties.get("MountTargets") or [] if isinstance(t, Mapping)]
    if not targets:
        return CheckResult.not_applicable(f"file system {fs} has no mount target")
    account = asset.ref.account
    public: list[tuple[str, str]] = []
    unresolved: list[str] = []
    for t in targets:
        sid = str(t.get("SubnetId") or "")
        mid = str(t.get("MountTargetId") or sid)
        subnets = [s for s in ctx.inventory.find_in_account(_SUBNET_TYPE, account, "SubnetId", sid)
                   if s.ref.account == account] if sid else []
        known = [s for s in subnets if "MapPublicIpOnLaunch" not in s.unknown]
        if not known:
            unresolved.append(sid or mid)
        elif any(s.properties.get("MapPublicIpOnLaunch") is True for s in known):
            public.append((mid, sid))
    if public:
        return CheckResult.failed(
            f"file system {fs} has mount targets in subnets that assign public IP addresses: "
            + ", ".join(f"{m} ({s})" for m, s in public),
            *(Evidence(f"MountTargets[{m}].SubnetId", s, "a subnet without MapPublicIpOnLaunch")
              for m, s in public))
    if unresolved:
        return CheckResult(Status.ERROR,
                           f"could not assess: subnet(s) {', '.join(unresolved)} of file system "
                           f"{fs} are not in the inventory (EC2 subnets not collected?)")
    return CheckResult.passed(
        f"no mount target of file system {fs} is in a public subnet",
        Evidence("MountTargets[].SubnetId", sorted({str(t.get("SubnetId")) for t in targets}),
                 "subnets without MapPublicIpOnLaunch"))
