"""More canonical shapes of AWS compute asset types (see `aws.py` for the conventions): ECS
capacity providers and EC2 Spot Fleet requests. Listed in `aws_compute.ALL`.
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

ECS_CAPACITY_PROVIDER = AssetType(
    name="aws.ecs.capacity_provider",
    provider="aws",
    title="ECS capacity provider",
    id_field="capacityProviderArn",
    fields={
        "capacityProviderArn": F("str", "ARN", nullable=False),
        "name": F("str", "name (FARGATE and FARGATE_SPOT are AWS's own)", nullable=False),
        "status": F("str", "ACTIVE or INACTIVE"),
        "autoScalingGroupProvider": F("dict", "{autoScalingGroupArn, managedScaling, "
                                      "managedTerminationProtection, managedDraining}; null for "
                                      "Fargate and managed-instances providers"),
        "autoScalingGroupProvider.autoScalingGroupArn": F("str", "Auto Scaling group"),
        "autoScalingGroupProvider.managedScaling": F("dict", "{status, targetCapacity}"),
        "autoScalingGroupProvider.managedScaling.status": F("str", "ENABLED or DISABLED"),
        "autoScalingGroupProvider.managedTerminationProtection": F("str", "ENABLED or DISABLED"),
        "autoScalingGroupProvider.managedDraining": F("str", "ENABLED or DISABLED"),
        "Tags": F("dict", "tags as a key -> value mapping"),
    },
)

EC2_SPOT_FLEET_REQUEST = AssetType(
    name="aws.ec2.spot_fleet_request",
    provider="aws",
    title="EC2 Spot Fleet request",
    id_field="Arn",
    fields={
        "SpotFleetRequestId": F("str", "sfr-... id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:spot-fleet-request/id", nullable=False),
        "SpotFleetRequestState": F("str", "submitted, active, modifying, cancelled, "
                                   "cancelled_running, cancelled_terminating, failed"),
        "Type": F("str", "request, maintain or instant"),
        "LaunchSpecifications": F("list", "[{InstanceType, ImageId, BlockDeviceMappings}]: the "
                                  "launch parameters given in the request itself; empty when "
                                  "the request uses launch templates only"),
        "LaunchSpecifications[].InstanceType": F("str", "instance type"),
        "LaunchSpecifications[].ImageId": F("str", "AMI"),
        "LaunchSpecifications[].BlockDeviceMappings": F(
            "list", "[{DeviceName, VirtualName, Ebs}]; Ebs is null for instance store"),
        "LaunchSpecifications[].BlockDeviceMappings[].DeviceName": F("str", "e.g. /dev/xvda"),
        "LaunchSpecifications[].BlockDeviceMappings[].Ebs": F(
            "dict", "{Encrypted, KmsKeyId, SnapshotId, VolumeType, VolumeSize}"),
        "LaunchSpecifications[].BlockDeviceMappings[].Ebs.Encrypted": F(
            "bool", "the volume is encrypted; null when the request does not say"),
        "LaunchTemplateConfigCount": F("int", "launch template configurations of the request"),
        "CreateTime": F("datetime", "creation time"),
        "Tags": F("dict", "tags as a key -> value mapping"),
    },
)

ALL: tuple[AssetType, ...] = (ECS_CAPACITY_PROVIDER, EC2_SPOT_FLEET_REQUEST)
