"""More canonical shapes of AWS integration and analytics asset types (see `aws.py` for the
conventions): SageMaker endpoint configurations, models, model monitoring job definitions and
monitoring schedules. Listed in `aws_integration.ALL`.
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

_NETWORK = {
    "EnableNetworkIsolation": F("bool", "the monitoring containers have no network access; "
                                "AWS leaves it out (false) when never requested"),
    "EnableInterContainerTrafficEncryption": F("bool", "traffic between the job's instances is "
                                               "encrypted; false when never requested"),
    "VpcConfig": F("dict", "{Subnets, SecurityGroupIds}, null when not in a VPC"),
    "VpcConfig.Subnets": F("list[str]", "subnets"),
    "VpcConfig.SecurityGroupIds": F("list[str]", "security groups"),
}

SAGEMAKER_MONITORING_JOB_DEFINITION = AssetType(
    name="aws.sagemaker.monitoring_job_definition",
    provider="aws",
    title="SageMaker model monitoring job definition",
    id_field="JobDefinitionArn",
    fields={
        "JobDefinitionName": F("str", "name", nullable=False),
        "JobDefinitionArn": F("str", "ARN", nullable=False),
        "JobType": F("str", "DataQuality, ModelQuality, ModelBias or ModelExplainability",
                     nullable=False),
        "RoleArn": F("str", "role the monitoring job uses"),
        **_NETWORK,
        "InstanceCount": F("int", "instances of the monitoring job"),
        "InstanceType": F("str", "instance type"),
        "VolumeKmsKeyId": F("str", "KMS key of the ML storage volumes, null when none"),
        "OutputKmsKeyId": F("str", "KMS key of the job output in S3, null when none"),
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

SAGEMAKER_MONITORING_SCHEDULE = AssetType(
    name="aws.sagemaker.monitoring_schedule",
    provider="aws",
    title="SageMaker monitoring schedule",
    id_field="MonitoringScheduleArn",
    fields={
        "MonitoringScheduleName": F("str", "name", nullable=False),
        "MonitoringScheduleArn": F("str", "ARN", nullable=False),
        "MonitoringScheduleStatus": F("str", "Pending, Failed, Scheduled or Stopped"),
        "MonitoringType": F("str", "DataQuality, ModelQuality, ModelBias or "
                            "ModelExplainability"),
        "EndpointName": F("str", "endpoint monitored"),
        "MonitoringJobDefinitionName": F("str", "the job definition the schedule runs, null when "
                                         "the schedule defines its job inline"),
        "InlineJobDefinition": F("bool", "the schedule defines its monitoring job itself; its "
                                 "network settings are then the fields below"),
        **{name: F(field.type, field.doc + " (inline job definition only, null "
                   "otherwise)") for name, field in _NETWORK.items()},
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

ALL: tuple[AssetType, ...] = (SAGEMAKER_ENDPOINT_CONFIG, SAGEMAKER_MODEL,
                              SAGEMAKER_MONITORING_JOB_DEFINITION, SAGEMAKER_MONITORING_SCHEDULE)
