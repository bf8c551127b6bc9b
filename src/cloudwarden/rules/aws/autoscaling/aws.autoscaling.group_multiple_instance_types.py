"""An Auto Scaling group offers several instance types across several Availability Zones.

Instance types are read from MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType;
an override with InstanceRequirements (attribute-based selection) counts as many types."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.properties.get("AutoScalingGroupName") or asset.name
    min_types = int(ctx.params.get("min_instance_types", 2))
    min_zones = int(ctx.params.get("min_availability_zones", 2))
    zones = sorted({str(z) for z in asset.properties.get("AvailabilityZones") or [] if z})
    policy = asset.properties.get("MixedInstancesPolicy")
    template = policy.get("LaunchTemplate") if isinstance(policy, Mapping) else None
    overrides = [o for o in (template.get("Overrides") or [] if isinstance(template, Mapping)
                             else []) if isinstance(o, Mapping)]
    types = sorted({str(o["InstanceType"]) for o in overrides if o.get("InstanceType")})
    attribute_based = any(o.get("InstanceRequirements") for o in overrides)
    evidence = (Evidence("MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType",
                         "attribute-based selection" if attribute_based else types,
                         f"at least {min_types} instance types"),
                Evidence("AvailabilityZones", zones, f"at least {min_zones} Availability Zones"))
    problems = []
    if not attribute_based and len(types) < min_types:
        problems.append(f"only {len(types)} instance type(s)" if types
                        else "a single instance type (no mixed instances overrides)")
    if len(zones) < min_zones:
        problems.append(f"{len(zones)} Availability Zone(s)")
    if problems:
        return CheckResult.failed(f"Auto Scaling group {name} uses " + " and ".join(problems),
                                  *evidence)
    return CheckResult.passed(
        f"Auto Scaling group {name} uses "
        + ("attribute-based instance type selection" if attribute_based
           else f"{len(types)} instance types")
        + f" in {len(zones)} Availability Zones", *evidence)
