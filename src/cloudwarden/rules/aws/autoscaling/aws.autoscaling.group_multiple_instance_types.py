"""An Auto Scaling group offers several instance types across several Availability Zones.

Instance types are read from MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType;
an override with InstanceRequirements (attribute-based selection) counts as many types."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.checks.verdict_memo import remembered
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _minimums(ctx: CheckContext) -> tuple[int, int, str, str]:
    """The minimum instance types and zones and their expected values, read on the first call
    only."""
    found: tuple[int, int, str, str] | None = ctx.scratch.get("minimums")
    if found is None:
        min_types = int(ctx.params.get("min_instance_types", 2))
        min_zones = int(ctx.params.get("min_availability_zones", 2))
        found = ctx.scratch["minimums"] = (
            min_types, min_zones, f"at least {min_types} instance types",
            f"at least {min_zones} Availability Zones")
    return found


def _group(asset: Asset) -> str:
    """The group as the messages name it."""
    return f"{asset.properties.get('AutoScalingGroupName') or asset.name}"


# one verdict per distinct zones and mixed instances policy: groups of one template repeat them
@remembered(("AvailabilityZones", "MixedInstancesPolicy"), _group)
def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.properties.get("AutoScalingGroupName") or asset.name
    min_types, min_zones, types_expected, zones_expected = _minimums(ctx)
    zones = sorted({str(z) for z in asset.properties.get("AvailabilityZones") or [] if z})
    policy = asset.properties.get("MixedInstancesPolicy")
    template = policy.get("LaunchTemplate") if isinstance(policy, Mapping) else None
    overrides = [o for o in (template.get("Overrides") or [] if isinstance(template, Mapping)
                             else []) if isinstance(o, Mapping)]
    types = sorted({str(o["InstanceType"]) for o in overrides if o.get("InstanceType")})
    attribute_based = any(o.get("InstanceRequirements") for o in overrides)
    evidence = (Evidence("MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType",
                         "attribute-based selection" if attribute_based else types,
                         types_expected),
                Evidence("AvailabilityZones", zones, zones_expected))
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
