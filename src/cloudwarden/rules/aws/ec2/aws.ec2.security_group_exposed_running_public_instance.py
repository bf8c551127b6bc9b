"""Cross-resource: the group's internet-open ports matter when a running instance with a
public address uses the group. Instances are joined through AttachedInstances and the
aws.ec2.instance assets of the same account and region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.checks.aws_network import world_exposures_of
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _public_ip(doc: Mapping[str, Any] | object) -> str | None:
    if type(doc) is not dict and not isinstance(doc, Mapping):
        return None
    if doc.get("PublicIpAddress"):
        return str(doc["PublicIpAddress"])
    for eni in doc.get("NetworkInterfaces") or []:
        if isinstance(eni, dict) and eni.get("PublicIp"):
            return str(eni["PublicIp"])
    return None


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    group = doc.get("GroupId") or asset.name
    open_ = [(x, d) for _, x, d in world_exposures_of(asset)
             if x.ports is not None]
    if not open_:
        return CheckResult.passed(f"security group {group} opens no port to the internet",
                                  Evidence("IpPermissions", "no internet-open ports"))
    attached = {str(i) for i in doc.get("AttachedInstances") or []}
    exposed: list[tuple[str, str]] = []
    account, region = asset.ref.account, asset.ref.region
    inventory = ctx.inventory
    for instance_id in attached:
        # an indexed lookup per attached id within the account, never a scan
        found = inventory.find_in_account("aws.ec2.instance", account, "InstanceId", instance_id)
        for instance in found:
            props = instance.properties
            if (instance.ref.account == account and instance.ref.region == region
                    and props.get("State") == "running" and (ip := _public_ip(props))):
                exposed.append((instance_id, ip))
    ports = "; ".join([d for _, d in open_[:5]])
    if exposed:
        return CheckResult.failed(
            f"security group {group} opens {ports} and is attached to running instance(s) "
            f"with public IPs: {', '.join(f'{i} ({ip})' for i, ip in sorted(exposed))}",
            Evidence(open_[0][0].path, open_[0][1], "no internet-open port"),
            *(Evidence(f"instance:{i}.PublicIpAddress", ip, "no public IP")
              for i, ip in sorted(exposed)))
    return CheckResult.passed(
        f"security group {group} opens {ports} but no running instance with a public IP uses it",
        Evidence("AttachedInstances", sorted(attached), "no running public instance"))
