"""Cross-resource: an EC2 instance is registered as an SSM managed instance.

The instance id is joined to aws.ssm.managed_instance assets of the same account and region by
InstanceId. When the account holds no SSM managed instance at all, SSM was probably not collected
and the result is an error instead of a failure."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_MANAGED_TYPE = "aws.ssm.managed_instance"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    instance_id = str(asset.properties.get("InstanceId") or asset.name)
    account, region = asset.ref.account, asset.ref.region
    managed = [m for m in ctx.inventory.find_by(_MANAGED_TYPE, "InstanceId", instance_id)
               if m.ref.account == account and m.ref.region == region]
    if managed:
        ping = managed[0].properties.get("PingStatus")
        return CheckResult.passed(
            f"instance {instance_id} is a Systems Manager managed instance (ping status {ping})",
            Evidence("InstanceId", instance_id, "registered with Systems Manager"))
    if not ctx.same_account(asset, _MANAGED_TYPE):
        return CheckResult(Status.ERROR,
                           f"could not assess: the inventory holds no Systems Manager managed "
                           f"instance in account {account}, so SSM was probably not collected")
    return CheckResult.failed(
        f"instance {instance_id} is not registered with Systems Manager in {region}",
        Evidence("InstanceId", instance_id, "registered with Systems Manager"))
