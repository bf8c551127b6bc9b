"""More canonical shapes of AWS integration and analytics asset types (see `aws.py` for the
conventions): SageMaker endpoint configurations and models. Listed in `aws_integration.ALL`.
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")

SAGEMAKER_ENDPOINT_CONFIG = AssetType(
    name="aws.sagemaker.endpoint_config",
    provider="aws",
    title="SageMaker endpoint configuration",
    id_field="EndpointConfigArn",
    fields={
        "EndpointConfigName": F("str", "name", nullable=False),
        "EndpointConfigArn": F("str", "ARN", nullable=False),
        "ProductionVariants": F("list", "[{VariantName, ModelName, InstanceType, "
                                "InitialInstanceCount, Serverless}] variants that serve "
                                "traffic"),
        "ProductionVariants[].VariantName": F("str", "variant name"),
        "ProductionVariants[].ModelName": F("str", "model served"),
        "ProductionVariants[].InstanceType": F("str", "ml.m5.large, ...; null when "
                                               "serverless"),
        "ProductionVariants[].InitialInstanceCount": F("int", "instances the variant starts "
                                                       "with; null when serverless"),
        "ProductionVariants[].Serverless": F("bool", "the variant uses serverless inference"),
        "KmsKeyId": F("str", "KMS key of the ML storage volumes, null when none"),
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

SAGEMAKER_MODEL = AssetType(
    name="aws.sagemaker.model",
    provider="aws",
    title="SageMaker model",
    id_field="ModelArn",
    fields={
        "ModelName": F("str", "name", nullable=False),
        "ModelArn": F("str", "ARN", nullable=False),
        "ExecutionRoleArn": F("str", "role the inference containers use"),
        "EnableNetworkIsolation": F("bool", "the containers have no network access"),
        "VpcConfig": F("dict", "{Subnets, SecurityGroupIds}, null when not in a VPC"),
        "VpcConfig.Subnets": F("list[str]", "subnets"),
        "VpcConfig.SecurityGroupIds": F("list[str]", "security groups"),
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

ALL: tuple[AssetType, ...] = (SAGEMAKER_ENDPOINT_CONFIG, SAGEMAKER_MODEL)
