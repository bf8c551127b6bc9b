"""Cross-resource: the VPC subnets of a Lambda function span enough Availability Zones.

Each subnet id of VpcConfig.SubnetIds is joined to an aws.ec2.subnet asset of the same account by
SubnetId, and its AvailabilityZone counted. A subnet not found in the inventory, or whose
AvailabilityZone is unknown, makes the result an error (the zone cannot be judged) unless the
subnets that were found already reach the minimum."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_SUBNET_TYPE = "aws.ec2.subnet"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.properties.get("FunctionName") or asset.name
    vpc = asset.properties.get("VpcConfig") or {}
    subnet_ids = [str(s) for s in (vpc.get("SubnetIds") or []) if s]
    if not subnet_ids:
        return CheckResult.not_applicable(f"function {name} is not attached to a VPC")
    minimum = int(ctx.params.get("min_availability_zones", 2))
    account = asset.ref.account
    zones: dict[str, str] = {}
    unresolved: list[str] = []
    for sid in subnet_ids:
        found = [s for s in ctx.inventory.find_in_account(_SUBNET_TYPE, account, "SubnetId", sid)
                 if s.ref.account == account]
        zone = next((s.properties.get("AvailabilityZone") for s in found
                     if s.properties.get("AvailabilityZone")
                     and "AvailabilityZone" not in s.unknown), None)
        if zone:
            zones[sid] = str(zone)
        else:
            unresolved.append(sid)
    distinct = sorted(set(zones.values()))
    evidence = Evidence("VpcConfig.SubnetIds", {s: zones.get(s) for s in subnet_ids},
                        f"subnets in at least {minimum} Availability Zones")
    if len(distinct) >= minimum:
        return CheckResult.passed(
            f"function {name} uses subnets in {len(distinct)} Availability Zones "
            f"({', '.join(distinct)})", evidence)
    if unresolved:
        return CheckResult(Status.ERROR,
                           f"could not assess: the Availability Zone of subnet(s) "
                           f"{', '.join(unresolved)} of function {name} is not in the inventory "
                           "(EC2 subnets not collected?)")
    return CheckResult.failed(
        f"function {name} uses subnets in only {len(distinct)} Availability Zone(s) "
        f"({', '.join(distinct) or 'none'}); at least {minimum} are required", evidence)
