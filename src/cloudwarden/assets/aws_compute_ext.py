"""More canonical shapes of AWS compute asset types (see `aws.py` for the conventions): ECS
capacity providers. Listed in `aws_compute.ALL`.
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

ALL: tuple[AssetType, ...] = (ECS_CAPACITY_PROVIDER,)
