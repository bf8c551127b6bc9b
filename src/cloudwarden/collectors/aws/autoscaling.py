"""Auto Scaling of one region: groups, launch configurations, and EC2 launch templates (their
default version, the one a group using `$Default` launches). User data is never kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset

_METADATA_KEYS = ("HttpTokens", "HttpEndpoint", "HttpPutResponseHopLimit")


def metadata_options(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    return {k: raw.get(k) for k in _METADATA_KEYS}


def normalize_template_data(data: Mapping[str, Any]) -> dict[str, Any]:
    profile = data.get("IamInstanceProfile")
    return {
        "MetadataOptions": metadata_options(data.get("MetadataOptions")),
        "NetworkInterfaces": [
            {"AssociatePublicIpAddress": nic.get("AssociatePublicIpAddress"),
             "DeviceIndex": nic.get("DeviceIndex"),
             "Groups": list(nic.get("Groups") or [])}
            for nic in data.get("NetworkInterfaces") or []],
        "ImageId": data.get("ImageId"),
        "InstanceType": data.get("InstanceType"),
        "IamInstanceProfile": dict(profile) if profile else None,
        "SecurityGroupIds": list(data.get("SecurityGroupIds") or []),
        "BlockDeviceMappings": [dict(m) for m in data.get("BlockDeviceMappings") or []],
    }


def normalize_launch_template(template: Mapping[str, Any], arn: str,
                              data: Mapping[str, Any] | None) -> dict[str, Any]:
    """`data`: LaunchTemplateData of the default version, None when it could not be read."""
    return {
        "Arn": arn,
        "LaunchTemplateId": template["LaunchTemplateId"],
        "LaunchTemplateName": template.get("LaunchTemplateName"),
        "CreateTime": iso(template.get("CreateTime")),
        "DefaultVersionNumber": template.get("DefaultVersionNumber"),
        "LatestVersionNumber": template.get("LatestVersionNumber"),
        "LaunchTemplateData": None if data is None else normalize_template_data(data),
        "Tags": tag_dict(template.get("Tags")),
    }


def normalize_launch_configuration(lc: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "LaunchConfigurationARN": lc["LaunchConfigurationARN"],
        "LaunchConfigurationName": lc["LaunchConfigurationName"],
        "ImageId": lc.get("ImageId"),
        "InstanceType": lc.get("InstanceType"),
        "IamInstanceProfile": lc.get("IamInstanceProfile") or None,
        "SecurityGroups": list(lc.get("SecurityGroups") or []),
        "AssociatePublicIpAddress": lc.get("AssociatePublicIpAddress"),
        "MetadataOptions": metadata_options(lc.get("MetadataOptions")),
        "BlockDeviceMappings": [dict(m) for m in lc.get("BlockDeviceMappings") or []],
        "CreatedTime": iso(lc.get("CreatedTime")),
    }


def normalize_group(group: Mapping[str, Any]) -> dict[str, Any]:
    template = group.get("LaunchTemplate")
    return {
        "AutoScalingGroupARN": group["AutoScalingGroupARN"],
        "AutoScalingGroupName": group["AutoScalingGroupName"],
        "AvailabilityZones": list(group.get("AvailabilityZones") or []),
        "VPCZoneIdentifier": group.get("VPCZoneIdentifier") or None,
        "LaunchConfigurationName": group.get("LaunchConfigurationName") or None,
        "LaunchTemplate": dict(template) if template else None,
        "MixedInstancesPolicy": dict(group["MixedInstancesPolicy"])
        if group.get("MixedInstancesPolicy") else None,
        "HealthCheckType": group.get("HealthCheckType"),
        "LoadBalancerNames": list(group.get("LoadBalancerNames") or []),
        "TargetGroupARNs": list(group.get("TargetGroupARNs") or []),
        "MinSize": group.get("MinSize"),
        "MaxSize": group.get("MaxSize"),
        "DesiredCapacity": group.get("DesiredCapacity"),
        "CreatedTime": iso(group.get("CreatedTime")),
        "Tags": tag_dict(group.get("Tags")),
    }


def _launch_templates(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("ec2", region)
    assets = []
    for template in api.pages("describe_launch_templates", "LaunchTemplates") or []:
        template_id = template["LaunchTemplateId"]
        versions = api.fetch("describe_launch_template_versions", LaunchTemplateId=template_id,
                             Versions=["$Default"])
        listed = (versions.value or {}).get("LaunchTemplateVersions") or []
        data = Fetched(listed[0].get("LaunchTemplateData") or {} if listed else None,
                       versions.failure)
        arn = ctx.arn("ec2", region, f"launch-template/{template_id}")
        doc = normalize_launch_template(template, arn, data.value)
        assets.append(make_asset(ctx.account, region, "aws.ec2.launch_template", arn,
                                 template.get("LaunchTemplateName") or template_id, doc,
                                 failures({"LaunchTemplateData": data})))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    assets = _launch_templates(ctx, region)
    api = ctx.api("autoscaling", region)
    for lc in api.pages("describe_launch_configurations", "LaunchConfigurations") or []:
        assets.append(make_asset(ctx.account, region, "aws.autoscaling.launch_configuration",
                                 lc["LaunchConfigurationARN"], lc["LaunchConfigurationName"],
                                 normalize_launch_configuration(lc)))
    for group in api.pages("describe_auto_scaling_groups", "AutoScalingGroups") or []:
        assets.append(make_asset(ctx.account, region, "aws.autoscaling.group",
                                 group["AutoScalingGroupARN"], group["AutoScalingGroupName"],
                                 normalize_group(group)))
    return assets
