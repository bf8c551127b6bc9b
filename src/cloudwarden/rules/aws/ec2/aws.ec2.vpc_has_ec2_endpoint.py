"""Cross-resource: a VPC has a live VPC endpoint for the EC2 service.

aws.ec2.vpc_endpoint assets are joined by VpcId, keeping those of the VPC's account and region.
The service name is com.amazonaws.<region>.<service> (cn.com.amazonaws... in China). When the
collector could not list the region's endpoints, the inventory holds a DescribeVpcEndpoints
collection error for it and the VPC is not judged."""

from __future__ import annotations

import re
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_ENDPOINT_TYPE = "aws.ec2.vpc_endpoint"
#: endpoint states in which the endpoint carries (or is about to carry) no traffic
_GONE = {"deleting", "deleted", "rejected", "failed", "expired"}


def _service_pattern(service: str) -> re.Pattern[str]:
    return re.compile(r"^(?:[a-z]+\.)?com\.amazonaws\.[a-z0-9-]+\." + re.escape(service) + "$")


def _listing_failed(ctx: CheckContext, asset: Asset) -> str | None:
    """The reason the region's endpoints were not listed, if the collector recorded one (the
    inventory's collection errors; an inventory view without them reports none)."""
    errors: Any = getattr(ctx.inventory, "errors", ()) or ()
    for error in errors:
        if (getattr(error, "service", None) == "ec2"
                and getattr(error, "operation", None) == "DescribeVpcEndpoints"
                and getattr(error, "account", None) == asset.ref.account
                and getattr(error, "region", None) == asset.ref.region):
            return str(getattr(error, "reason", ""))
    return None


def _service(ctx: CheckContext) -> tuple[str, re.Pattern[str]]:
    """The service parameter and its endpoint service name pattern, read on the first call."""
    found: tuple[str, re.Pattern[str]] | None = ctx.scratch.get("service")
    if found is None:
        service = str(ctx.params.get("service") or "ec2")
        found = ctx.scratch["service"] = (service, _service_pattern(service))
    return found


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    vpc_id = asset.properties.get("VpcId") or asset.name
    service, pattern = _service(ctx)
    reason = _listing_failed(ctx, asset)
    if reason is not None:
        return CheckResult(Status.ERROR, f"could not assess: the VPC endpoints of "
                           f"{asset.ref.region} were not collected ({reason})")
    candidates = ctx.inventory.find_in_account(_ENDPOINT_TYPE, asset.ref.account, "VpcId", vpc_id)
    endpoints = [e for e in candidates
                 if e.ref.account == asset.ref.account and e.ref.region == asset.ref.region
                 and pattern.match(str(e.properties.get("ServiceName") or ""))]
    live = [e for e in endpoints if e.properties.get("State") not in _GONE]
    if live:
        ids = sorted(str(e.properties.get("VpcEndpointId")) for e in live)
        return CheckResult.passed(
            f"VPC {vpc_id} reaches the {service} API through endpoint(s) {', '.join(ids)}",
            Evidence(f"{_ENDPOINT_TYPE}[VpcId={vpc_id}].ServiceName",
                     live[0].properties.get("ServiceName"), f"com.amazonaws.<region>.{service}"))
    if endpoints:
        states = sorted({str(e.properties.get("State")) for e in endpoints})
        return CheckResult.failed(
            f"VPC {vpc_id} has {service} endpoint(s) only in state {', '.join(states)}",
            Evidence(f"{_ENDPOINT_TYPE}[VpcId={vpc_id}].State", states, "available"))
    return CheckResult.failed(
        f"VPC {vpc_id} has no VPC endpoint for the {service} API",
        Evidence(f"{_ENDPOINT_TYPE}[VpcId={vpc_id}]", None,
                 f"an endpoint for com.amazonaws.<region>.{service}"))
