"""Canonical document shapes of AWS compute asset types, declared once (see `aws.py` for the
conventions: AWS API field names, ISO-8601 UTC timestamps, parsed policies, null when absent).

Environment variable VALUES are never collected (they routinely hold credentials): only their
names, and the subset of names that look like secrets, are kept.
"""

from __future__ import annotations

from cloudwarden.assets.aws_compute_ext import ALL as _MORE
from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")
_SECRET_NAMES = ("list[str]", "environment variable names that look like secrets (PASSWORD, "
                 "SECRET, TOKEN, API_KEY, AWS_SECRET_ACCESS_KEY, ...); values are never read")

LAMBDA_FUNCTION = AssetType(
    name="aws.lambda.function",
    provider="aws",
    title="Lambda function",
    id_field="FunctionArn",
    fields={
        "FunctionName": F("str", "function name", nullable=False),
        "FunctionArn": F("str", "unqualified function ARN", nullable=False),
        "Runtime": F("str", "runtime identifier (python3.12, nodejs20.x, ...); null for "
                            "container images"),
        "PackageType": F("str", "Zip or Image"),
        "Handler": F("str", "handler"),
        "Role": F("str", "execution role ARN"),
        "Architectures": F("list[str]", "x86_64 and/or arm64"),
        "LastModified": F("datetime", "last change of code or configuration"),
        "Timeout": F("int", "seconds"),
        "MemorySize": F("int", "MB"),
        "KMSKeyArn": F("str", "customer managed key encrypting the environment, null for the "
                              "AWS managed key"),
        "EnvironmentVariableNames": F("list[str]", "names of the environment variables"),
        "SecretLikeEnvironmentVariableNames": F(*_SECRET_NAMES),
        "VpcConfig": F("dict", "{SubnetIds, SecurityGroupIds, VpcId}, null when the function "
                               "is not attached to a VPC"),
        "VpcConfig.SubnetIds": F("list[str]", "subnets"),
        "VpcConfig.SecurityGroupIds": F("list[str]", "security groups"),
        "VpcConfig.VpcId": F("str", "VPC id"),
        "TracingConfig": F("dict", "{Mode}"),
        "TracingConfig.Mode": F("str", "Active or PassThrough"),
        "DeadLetterConfig": F("dict", "{TargetArn}, null when no dead-letter queue"),
        "DeadLetterConfig.TargetArn": F("str", "SQS queue or SNS topic ARN"),
        "Policy": F("json", "resource-based policy (GetPolicy), null when none"),
        "FunctionUrlConfig": F("dict", "GetFunctionUrlConfig of the unqualified function: "
                                       "{FunctionUrl, AuthType, Cors}, null when no URL"),
        "FunctionUrlConfig.FunctionUrl": F("str", "the HTTPS endpoint"),
        "FunctionUrlConfig.AuthType": F("str", "AWS_IAM or NONE"),
        "FunctionUrlConfig.Cors": F("dict", "{AllowOrigins, AllowMethods, AllowCredentials, "
                                            "...}, null when none"),
        "FunctionUrlConfig.Cors.AllowOrigins": F("list[str]", "allowed origins"),
        "FunctionUrlConfig.Cors.AllowCredentials": F("bool", "cookies allowed"),
        "CodeSigningConfigArn": F("str", "code signing configuration, null when none"),
        "Tags": _TAGS,
    },
)

_CONTAINER = {
    "containerDefinitions[].name": F("str", "container name"),
    "containerDefinitions[].image": F("str", "image reference"),
    "containerDefinitions[].privileged": F("bool", "privileged mode, null when not set"),
    "containerDefinitions[].readonlyRootFilesystem": F("bool", "read-only root file system, "
                                                       "null when not set"),
    "containerDefinitions[].user": F("str", "user[:group] the container runs as, null = image "
                                            "default (often root)"),
    "containerDefinitions[].environmentVariableNames": F("list[str]", "names of the plain "
                                                         "environment variables"),
    "containerDefinitions[].secretLikeEnvironmentVariableNames": F(*_SECRET_NAMES),
    "containerDefinitions[].environmentFiles": F("list", "[{value (S3 ARN), type}]"),
    "containerDefinitions[].secrets": F("list", "[{name, valueFrom}]: values injected from "
                                        "Secrets Manager or SSM Parameter Store"),
    "containerDefinitions[].secrets[].name": F("str", "variable name"),
    "containerDefinitions[].secrets[].valueFrom": F("str", "secret or parameter ARN"),
    "containerDefinitions[].logConfiguration": F("dict", "{logDriver, options}, null when none"),
    "containerDefinitions[].logConfiguration.logDriver": F("str", "awslogs, awsfirelens, ..."),
    "containerDefinitions[].linuxParameters": F("dict", "{capabilities: {add, drop}, "
                                                "initProcessEnabled, ...}, null when none"),
    "containerDefinitions[].essential": F("bool", "task stops when this container stops"),
}

ECS_TASK_DEFINITION = AssetType(
    name="aws.ecs.task_definition",
    provider="aws",
    title="ECS task definition (latest active revision of a family)",
    id_field="taskDefinitionArn",
    fields={
        "taskDefinitionArn": F("str", "ARN with revision", nullable=False),
        "family": F("str", "family name", nullable=False),
        "revision": F("int", "revision number"),
        "status": F("str", "ACTIVE, INACTIVE or DELETE_IN_PROGRESS"),
        "networkMode": F("str", "bridge, host, awsvpc or none; null = bridge on Linux"),
        "pidMode": F("str", "host or task, null when not set"),
        "ipcMode": F("str", "host, task or none, null when not set"),
        "requiresCompatibilities": F("list[str]", "EC2, FARGATE, EXTERNAL"),
        "taskRoleArn": F("str", "task role"),
        "executionRoleArn": F("str", "execution role"),
        "registeredAt": F("datetime", "registration time"),
        "containerDefinitions": F("list", "containers (environment variable values omitted)"),
        **_CONTAINER,
        "runtimePlatform": F("dict", "{operatingSystemFamily, cpuArchitecture}, null when not "
                             "set (Linux)"),
        "runtimePlatform.operatingSystemFamily": F("str", "LINUX, WINDOWS_SERVER_2022_CORE, ..."),
        "runtimePlatform.cpuArchitecture": F("str", "X86_64 or ARM64"),
        "volumes": F("list", "[{name, efsVolumeConfiguration}] data volumes of the task"),
        "volumes[].name": F("str", "volume name"),
        "volumes[].efsVolumeConfiguration": F("dict", "{fileSystemId, rootDirectory, "
                                              "transitEncryption}, null for other volume "
                                              "kinds"),
        "volumes[].efsVolumeConfiguration.fileSystemId": F("str", "EFS file system id"),
        "volumes[].efsVolumeConfiguration.transitEncryption": F("str", "ENABLED or DISABLED "
                                                                "(null = DISABLED)"),
        "Tags": _TAGS,
    },
)

ECS_CLUSTER = AssetType(
    name="aws.ecs.cluster",
    provider="aws",
    title="ECS cluster",
    id_field="clusterArn",
    fields={
        "clusterArn": F("str", "ARN", nullable=False),
        "clusterName": F("str", "name", nullable=False),
        "status": F("str", "ACTIVE, INACTIVE, ..."),
        "settings": F("list", "[{name, value}], e.g. containerInsights enabled"),
        "settings[].name": F("str", "setting name (containerInsights)"),
        "settings[].value": F("str", "enabled, enhanced or disabled"),
        "configuration": F("dict", "{executeCommandConfiguration: {kmsKeyId, logging, "
                                   "logConfiguration}}, null when none"),
        "activeServicesCount": F("int", "active services"),
        "registeredContainerInstancesCount": F("int", "container instances"),
        "Tags": _TAGS,
    },
)

ECS_SERVICE = AssetType(
    name="aws.ecs.service",
    provider="aws",
    title="ECS service",
    id_field="serviceArn",
    fields={
        "serviceArn": F("str", "ARN", nullable=False),
        "serviceName": F("str", "name", nullable=False),
        "clusterArn": F("str", "cluster ARN"),
        "status": F("str", "ACTIVE, DRAINING or INACTIVE"),
        "launchType": F("str", "EC2, FARGATE or EXTERNAL; null with a capacity provider "
                               "strategy"),
        "platformVersion": F("str", "Fargate platform version (LATEST, 1.4.0, ...)"),
        "taskDefinition": F("str", "task definition ARN"),
        "networkConfiguration": F("dict", "{awsvpcConfiguration: {subnets, securityGroups, "
                                          "assignPublicIp}}, null when not awsvpc"),
        "networkConfiguration.awsvpcConfiguration": F("dict", "awsvpc settings"),
        "networkConfiguration.awsvpcConfiguration.subnets": F("list[str]", "subnets"),
        "networkConfiguration.awsvpcConfiguration.securityGroups": F("list[str]", "groups"),
        "networkConfiguration.awsvpcConfiguration.assignPublicIp": F("str", "ENABLED or "
                                                                     "DISABLED"),
        "taskSets": F("list", "task sets of a service with the EXTERNAL or CODE_DEPLOY "
                      "deployment controller [{id, taskSetArn, status, assignPublicIp}]; empty "
                      "for other services"),
        "taskSets[].id": F("str", "task set id"),
        "taskSets[].taskSetArn": F("str", "task set ARN"),
        "taskSets[].status": F("str", "PRIMARY, ACTIVE or DRAINING"),
        "taskSets[].assignPublicIp": F("str", "ENABLED or DISABLED, null when not awsvpc"),
        "Tags": _TAGS,
    },
)

EKS_CLUSTER = AssetType(
    name="aws.eks.cluster",
    provider="aws",
    title="EKS cluster",
    id_field="arn",
    fields={
        "name": F("str", "cluster name", nullable=False),
        "arn": F("str", "ARN", nullable=False),
        "version": F("str", "Kubernetes version (1.30, ...)"),
        "platformVersion": F("str", "EKS platform version"),
        "status": F("str", "ACTIVE, CREATING, ..."),
        "roleArn": F("str", "cluster service role"),
        "createdAt": F("datetime", "creation time"),
        "resourcesVpcConfig": F("dict", "API server networking"),
        "resourcesVpcConfig.vpcId": F("str", "VPC id"),
        "resourcesVpcConfig.subnetIds": F("list[str]", "subnets"),
        "resourcesVpcConfig.securityGroupIds": F("list[str]", "additional security groups"),
        "resourcesVpcConfig.endpointPublicAccess": F("bool", "API server reachable from the "
                                                     "internet"),
        "resourcesVpcConfig.endpointPrivateAccess": F("bool", "API server reachable in the VPC"),
        "resourcesVpcConfig.publicAccessCidrs": F("list[str]", "CIDRs allowed to reach the "
                                                  "public endpoint"),
        "logging": F("dict", "{clusterLogging: [{types, enabled}]}"),
        "logging.clusterLogging": F("list", "[{types: [api, audit, authenticator, "
                                    "controllerManager, scheduler], enabled}]"),
        "logging.clusterLogging[].types": F("list[str]", "control plane log types"),
        "logging.clusterLogging[].enabled": F("bool", "those types are sent to CloudWatch"),
        "encryptionConfig": F("list", "[{resources: [secrets], provider: {keyArn}}], empty "
                              "when Kubernetes secrets use only the default encryption"),
        "encryptionConfig[].resources": F("list[str]", "encrypted resources (secrets)"),
        "encryptionConfig[].provider": F("dict", "{keyArn}"),
        "encryptionConfig[].provider.keyArn": F("str", "KMS key ARN"),
        "Tags": _TAGS,
    },
)

ECR_REPOSITORY = AssetType(
    name="aws.ecr.repository",
    provider="aws",
    title="ECR private repository",
    id_field="repositoryArn",
    fields={
        "repositoryArn": F("str", "ARN", nullable=False),
        "repositoryName": F("str", "name", nullable=False),
        "repositoryUri": F("str", "URI"),
        "registryId": F("str", "registry (account) id"),
        "createdAt": F("datetime", "creation time"),
        "imageTagMutability": F("str", "MUTABLE, IMMUTABLE, or *_WITH_EXCLUSION variants"),
        "imageScanningConfiguration": F("dict", "{scanOnPush}"),
        "imageScanningConfiguration.scanOnPush": F("bool", "basic scan on every push"),
        "encryptionConfiguration": F("dict", "{encryptionType, kmsKey}"),
        "encryptionConfiguration.encryptionType": F("str", "AES256, KMS or KMS_DSSE"),
        "encryptionConfiguration.kmsKey": F("str", "KMS key ARN, null for AES256 or the AWS "
                                                   "managed key"),
        "RegistryScanningConfiguration": F("dict", "the region's registry scanning "
                                           "configuration {scanType, rules}"),
        "RegistryScanningConfiguration.scanType": F("str", "BASIC or ENHANCED"),
        "RegistryScanningConfiguration.rules": F("list", "[{scanFrequency, repositoryFilters}]"),
        "RegistryScanningConfiguration.rules[].scanFrequency": F(
            "str", "SCAN_ON_PUSH, CONTINUOUS_SCAN or MANUAL"),
        "RegistryScanningConfiguration.rules[].repositoryFilters": F(
            "list", "[{filter, filterType}]"),
        "Policy": F("json", "repository policy, null when none"),
        "LifecyclePolicy": F("json", "lifecycle policy, null when none"),
        "Tags": _TAGS,
    },
)

_METADATA_OPTIONS = {
    "MetadataOptions": F("dict", "{HttpTokens, HttpEndpoint, HttpPutResponseHopLimit}, null "
                                 "when not set (the account or AMI default applies)"),
    "MetadataOptions.HttpTokens": F("str", "required (IMDSv2 only) or optional"),
    "MetadataOptions.HttpEndpoint": F("str", "enabled or disabled"),
    "MetadataOptions.HttpPutResponseHopLimit": F("int", "hop limit"),
}

LAUNCH_TEMPLATE = AssetType(
    name="aws.ec2.launch_template",
    provider="aws",
    title="EC2 launch template (its default version)",
    id_field="Arn",
    fields={
        "Arn": F("str", "arn:<partition>:ec2:<region>:<account>:launch-template/<id>",
                 nullable=False),
        "LaunchTemplateId": F("str", "lt-...", nullable=False),
        "LaunchTemplateName": F("str", "name"),
        "CreateTime": F("datetime", "creation time"),
        "DefaultVersionNumber": F("int", "default version"),
        "LatestVersionNumber": F("int", "latest version"),
        "LaunchTemplateData": F("dict", "data of the default version (UserData omitted); null "
                                        "when the version could not be read"),
        **{"LaunchTemplateData." + k: v for k, v in _METADATA_OPTIONS.items()},
        "LaunchTemplateData.NetworkInterfaces": F("list", "network interface specifications"),
        "LaunchTemplateData.NetworkInterfaces[].AssociatePublicIpAddress": F(
            "bool", "a public IPv4 address is assigned, null = the subnet default"),
        "LaunchTemplateData.NetworkInterfaces[].DeviceIndex": F("int", "device index"),
        "LaunchTemplateData.NetworkInterfaces[].Groups": F("list[str]", "security groups"),
        "LaunchTemplateData.ImageId": F("str", "AMI id"),
        "LaunchTemplateData.InstanceType": F("str", "instance type"),
        "LaunchTemplateData.IamInstanceProfile": F("dict", "{Arn, Name}"),
        "LaunchTemplateData.SecurityGroupIds": F("list[str]", "security groups"),
        "LaunchTemplateData.BlockDeviceMappings": F("list", "[{DeviceName, Ebs: {Encrypted, "
                                                    "KmsKeyId, VolumeSize, VolumeType}}]"),
        "LaunchTemplateData.BlockDeviceMappings[].Ebs.Encrypted": F("bool", "EBS encryption"),
        "Tags": _TAGS,
    },
)

LAUNCH_CONFIGURATION = AssetType(
    name="aws.autoscaling.launch_configuration",
    provider="aws",
    title="Auto Scaling launch configuration",
    id_field="LaunchConfigurationARN",
    fields={
        "LaunchConfigurationARN": F("str", "ARN", nullable=False),
        "LaunchConfigurationName": F("str", "name", nullable=False),
        "ImageId": F("str", "AMI id"),
        "InstanceType": F("str", "instance type"),
        "IamInstanceProfile": F("str", "instance profile name or ARN"),
        "SecurityGroups": F("list[str]", "security groups"),
        "AssociatePublicIpAddress": F("bool", "instances get a public IPv4 address, null = the "
                                              "subnet default"),
        **_METADATA_OPTIONS,
        "BlockDeviceMappings": F("list", "[{DeviceName, Ebs: {Encrypted, ...}}]"),
        "BlockDeviceMappings[].Ebs.Encrypted": F("bool", "EBS encryption"),
        "CreatedTime": F("datetime", "creation time"),
    },
)

AUTOSCALING_GROUP = AssetType(
    name="aws.autoscaling.group",
    provider="aws",
    title="Auto Scaling group",
    id_field="AutoScalingGroupARN",
    fields={
        "AutoScalingGroupARN": F("str", "ARN", nullable=False),
        "AutoScalingGroupName": F("str", "name", nullable=False),
        "AvailabilityZones": F("list[str]", "availability zones"),
        "VPCZoneIdentifier": F("str", "comma-separated subnet ids"),
        "LaunchConfigurationName": F("str", "launch configuration, null when none"),
        "LaunchTemplate": F("dict", "{LaunchTemplateId, LaunchTemplateName, Version}, null "
                                    "when none"),
        "LaunchTemplate.LaunchTemplateId": F("str", "template id"),
        "LaunchTemplate.Version": F("str", "version ($Default, $Latest or a number)"),
        "MixedInstancesPolicy": F("dict", "{LaunchTemplate: {LaunchTemplateSpecification, "
                                          "Overrides}, InstancesDistribution}, null when none"),
        "HealthCheckType": F("str", "EC2, ELB, VPC_LATTICE, EBS"),
        "LoadBalancerNames": F("list[str]", "Classic Load Balancers"),
        "TargetGroupARNs": F("list[str]", "target groups"),
        "MinSize": F("int", "minimum size"),
        "MaxSize": F("int", "maximum size"),
        "DesiredCapacity": F("int", "desired capacity"),
        "CreatedTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

BEANSTALK_ENVIRONMENT = AssetType(
    name="aws.elasticbeanstalk.environment",
    provider="aws",
    title="Elastic Beanstalk environment",
    id_field="EnvironmentArn",
    fields={
        "EnvironmentArn": F("str", "ARN", nullable=False),
        "EnvironmentName": F("str", "name", nullable=False),
        "EnvironmentId": F("str", "e-..."),
        "ApplicationName": F("str", "application"),
        "SolutionStackName": F("str", "solution stack"),
        "PlatformArn": F("str", "platform ARN"),
        "Status": F("str", "Ready, Updating, Terminated, ..."),
        "Health": F("str", "Green, Yellow, Red, Grey"),
        "Tier": F("dict", "{Name, Type, Version}"),
        "DateCreated": F("datetime", "creation time"),
        "OptionSettings": F("list", "DescribeConfigurationSettings option settings [{Namespace, "
                            "OptionName, Value}] (the application environment namespace, which "
                            "holds environment variable values, is left out); null when none"),
        "OptionSettings[].Namespace": F("str", "e.g. aws:elasticbeanstalk:managedactions"),
        "OptionSettings[].OptionName": F("str", "e.g. ManagedActionsEnabled"),
        "OptionSettings[].Value": F("str", "value as text (true, enhanced, ...)"),
        "Tags": _TAGS,
    },
)

ALL: tuple[AssetType, ...] = (
    LAMBDA_FUNCTION,
    ECS_TASK_DEFINITION,
    ECS_CLUSTER,
    ECS_SERVICE,
    EKS_CLUSTER,
    ECR_REPOSITORY,
    LAUNCH_TEMPLATE,
    LAUNCH_CONFIGURATION,
    AUTOSCALING_GROUP,
    BEANSTALK_ENVIRONMENT,
    *_MORE,
)
