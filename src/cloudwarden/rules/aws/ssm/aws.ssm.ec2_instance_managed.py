"""Cross-resource: an EC2 instance is registered as an SSM managed instance.

The instance id is joined to aws.ssm.managed_instance assets of the same account and region by
InstanceId. When the account holds no SSM managed instance at all, SSM was probably not collected
(or not scanned): the rule then does not judge the instance (not applicable, with that reason)
rather than fail it - or flood a scan without SSM with error results."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_MANAGED_TYPE = "aws.ssm.managed_instance"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    instance_id = str(asset.properties.get("InstanceId") or asset.name)
    account, region = asset.ref.account, asset.ref.region
    managed = [m for m in ctx.inventory.find_in_account(_MANAGED_TYPE, account, "InstanceId",
                                                             instance_id)
               if m.ref.account == account and m.ref.region == region]
    if managed:
        ping = managed[0].properties.get("PingStatus")
        return CheckResult.passed(
            f"instance {instance_id} is a Systems Manager managed instance (ping status {ping})",
            Evidence("InstanceId", instance_id, "registered with Systems Manager"))
    if not ctx.same_account(asset, _MANAGED_TYPE):
        return CheckResult.not_applicable(
            f"the inventory holds no Systems Manager managed instance in account {account}: "
            "SSM was probably not collected, so the instance is not judged")
    return CheckResult.failed(
        f"instance {instance_id} is not registered with Systems Manager in {region}",
        Evidence("InstanceId", instance_id, "registered with Systems Manager"))
