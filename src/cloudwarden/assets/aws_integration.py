"""Canonical document shapes of AWS integration asset types, declared once (see `aws.py` for the
conventions: AWS API field names, ISO-8601 UTC timestamps, parsed policies, null when absent).

Secrets are never collected: CodeBuild environment variables keep their name and type only,
and a source URL with embedded credentials is kept with the credentials masked.
"""

from __future__ import annotations

from cloudwarden.assets.aws_integration_ext import ALL as _MORE
from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")

SQS_QUEUE = AssetType(
    name="aws.sqs.queue",
    provider="aws",
    title="SQS queue",
    id_field="QueueArn",
    fields={
        "QueueName": F("str", "queue name", nullable=False),
        "QueueArn": F("str", "ARN", nullable=False),
        "QueueUrl": F("str", "URL"),
        "FifoQueue": F("bool", "FIFO queue"),
        "SqsManagedSseEnabled": F("bool", "SSE with SQS owned keys (SSE-SQS)"),
        "KmsMasterKeyId": F("str", "SSE-KMS key, null when not encrypted with KMS"),
        "MessageRetentionPeriod": F("int", "seconds"),
        "VisibilityTimeout": F("int", "seconds"),
        "Policy": F("json", "access policy, null when none"),
        "RedrivePolicy": F("dict", "{deadLetterTargetArn, maxReceiveCount}, null when none"),
        "RedrivePolicy.deadLetterTargetArn": F("str", "dead-letter queue ARN"),
        "RedrivePolicy.maxReceiveCount": F("int", "receives before a message moves"),
        "IsDeadLetterQueue": F("bool", "another queue of the region redrives to this one"),
        "CreatedTimestamp": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

KINESIS_STREAM = AssetType(
    name="aws.kinesis.stream",
    provider="aws",
    title="Kinesis data stream",
    id_field="StreamARN",
    fields={
        "StreamName": F("str", "stream name", nullable=False),
        "StreamARN": F("str", "ARN", nullable=False),
        "StreamStatus": F("str", "CREATING, ACTIVE, ..."),
        "StreamMode": F("str", "PROVISIONED or ON_DEMAND"),
        "EncryptionType": F("str", "NONE or KMS"),
        "KeyId": F("str", "KMS key, null when not encrypted"),
        "RetentionPeriodHours": F("int", "hours records are kept"),
        "OpenShardCount": F("int", "open shards"),
        "StreamCreationTimestamp": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

GLUE_CATALOG_SETTINGS = AssetType(
    name="aws.glue.catalog_settings",
    provider="aws",
    title="Glue Data Catalog settings of one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:glue:region:account:catalog", nullable=False),
        "EncryptionAtRest": F("dict", "{CatalogEncryptionMode, SseAwsKmsKeyId}"),
        "EncryptionAtRest.CatalogEncryptionMode": F("str", "DISABLED, SSE-KMS, SSE-KMS-WITH-"
                                                    "SERVICE-ROLE"),
        "EncryptionAtRest.SseAwsKmsKeyId": F("str", "KMS key"),
        "ConnectionPasswordEncryption": F("dict", "{ReturnConnectionPasswordEncrypted, "
                                          "AwsKmsKeyId}"),
        "ConnectionPasswordEncryption.ReturnConnectionPasswordEncrypted": F(
            "bool", "connection passwords are encrypted"),
        "ConnectionPasswordEncryption.AwsKmsKeyId": F("str", "KMS key"),
    },
)

GLUE_SECURITY_CONFIGURATION = AssetType(
    name="aws.glue.security_configuration",
    provider="aws",
    title="Glue security configuration",
    id_field="Arn",
    fields={
        "Name": F("str", "name", nullable=False),
        "Arn": F("str", "arn:aws:glue:region:account:securityConfiguration/name",
                 nullable=False),
        "CreatedTimeStamp": F("datetime", "created at"),
        "EncryptionConfiguration": F("dict", "{S3Encryption, CloudWatchEncryption, "
                                     "JobBookmarksEncryption}"),
        "EncryptionConfiguration.S3Encryption": F("list", "[{S3EncryptionMode, KmsKeyArn}]"),
        "EncryptionConfiguration.S3Encryption[].S3EncryptionMode": F("str", "DISABLED, "
                                                                     "SSE-KMS, SSE-S3"),
        "EncryptionConfiguration.S3Encryption[].KmsKeyArn": F("str", "KMS key"),
        "EncryptionConfiguration.CloudWatchEncryption": F("dict", "{CloudWatchEncryptionMode, "
                                                          "KmsKeyArn}"),
        "EncryptionConfiguration.CloudWatchEncryption.CloudWatchEncryptionMode": F(
            "str", "DISABLED or SSE-KMS"),
        "EncryptionConfiguration.CloudWatchEncryption.KmsKeyArn": F("str", "KMS key"),
        "EncryptionConfiguration.JobBookmarksEncryption": F("dict", "{JobBookmarksEncryption"
                                                            "Mode, KmsKeyArn}"),
        "EncryptionConfiguration.JobBookmarksEncryption.JobBookmarksEncryptionMode": F(
            "str", "DISABLED or CSE-KMS"),
        "EncryptionConfiguration.JobBookmarksEncryption.KmsKeyArn": F("str", "KMS key"),
    },
)

GLUE_JOB = AssetType(
    name="aws.glue.job",
    provider="aws",
    title="Glue job",
    id_field="Arn",
    fields={
        "Name": F("str", "job name", nullable=False),
        "Arn": F("str", "arn:aws:glue:region:account:job/name", nullable=False),
        "Role": F("str", "IAM role"),
        "SecurityConfiguration": F("str", "security configuration name, null when none"),
        "GlueVersion": F("str", "0.9, 1.0, 2.0, 3.0, 4.0, 5.0"),
        "CommandName": F("str", "glueetl, gluestreaming, pythonshell, glueray"),
        "CreatedOn": F("datetime", "created at"),
        "LastModifiedOn": F("datetime", "last change"),
        "Tags": _TAGS,
    },
)

SAGEMAKER_NOTEBOOK_INSTANCE = AssetType(
    name="aws.sagemaker.notebook_instance",
    provider="aws",
    title="SageMaker notebook instance",
    id_field="NotebookInstanceArn",
    fields={
        "NotebookInstanceName": F("str", "name", nullable=False),
        "NotebookInstanceArn": F("str", "ARN", nullable=False),
        "NotebookInstanceStatus": F("str", "InService, Stopped, ..."),
        "InstanceType": F("str", "ml.t3.medium, ..."),
        "DirectInternetAccess": F("str", "Enabled or Disabled"),
        "RootAccess": F("str", "Enabled or Disabled"),
        "KmsKeyId": F("str", "KMS key of the ML storage volume, null when none"),
        "SubnetId": F("str", "VPC subnet, null when not in a VPC"),
        "SecurityGroups": F("list[str]", "security group ids"),
        "PlatformIdentifier": F("str", "notebook-al2-v2, notebook-al2-v3, ..."),
        "RoleArn": F("str", "execution role"),
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

STEPFUNCTIONS_STATE_MACHINE = AssetType(
    name="aws.stepfunctions.state_machine",
    provider="aws",
    title="Step Functions state machine",
    id_field="stateMachineArn",
    fields={
        "name": F("str", "name", nullable=False),
        "stateMachineArn": F("str", "ARN", nullable=False),
        "type": F("str", "STANDARD or EXPRESS"),
        "status": F("str", "ACTIVE or DELETING"),
        "roleArn": F("str", "execution role"),
        "loggingConfiguration": F("dict", "{level, includeExecutionData, destinations}"),
        "loggingConfiguration.level": F("str", "ALL, ERROR, FATAL or OFF"),
        "loggingConfiguration.includeExecutionData": F("bool", "input and output are logged"),
        "loggingConfiguration.destinations": F("list[str]", "log group ARNs"),
        "tracingConfiguration": F("dict", "{enabled}"),
        "tracingConfiguration.enabled": F("bool", "X-Ray tracing"),
        "encryptionConfiguration": F("dict", "{type, kmsKeyId}, null when the default"),
        "encryptionConfiguration.type": F("str", "AWS_OWNED_KEY or CUSTOMER_MANAGED_KMS_KEY"),
        "encryptionConfiguration.kmsKeyId": F("str", "KMS key"),
        "creationDate": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

_PASSWORD_POLICY = {
    "MinimumLength": F("int", "minimum length"),
    "RequireUppercase": F("bool", "upper case required"),
    "RequireLowercase": F("bool", "lower case required"),
    "RequireNumbers": F("bool", "numbers required"),
    "RequireSymbols": F("bool", "symbols required"),
    "PasswordHistorySize": F("int", "previous passwords refused"),
    "TemporaryPasswordValidityDays": F("int", "days a temporary password is valid"),
}

COGNITO_USER_POOL = AssetType(
    name="aws.cognito.user_pool",
    provider="aws",
    title="Cognito user pool",
    id_field="Arn",
    fields={
        "Id": F("str", "pool id", nullable=False),
        "Name": F("str", "pool name", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "MfaConfiguration": F("str", "OFF, ON or OPTIONAL"),
        "AdvancedSecurityMode": F("str", "OFF, AUDIT or ENFORCED (UserPoolAddOns); null when "
                                  "add-ons are not set"),
        "AdvancedSecurityCustomAuthMode": F("str", "AUDIT or ENFORCED: threat protection of "
                                            "custom authentication flows (UserPoolAddOns."
                                            "AdvancedSecurityAdditionalFlows.CustomAuthMode); "
                                            "null when not set"),
        "PasswordPolicy": F("dict", "Policies.PasswordPolicy"),
        **{f"PasswordPolicy.{k}": v for k, v in _PASSWORD_POLICY.items()},
        "DeletionProtection": F("str", "ACTIVE or INACTIVE"),
        "EstimatedNumberOfUsers": F("int", "users"),
        "CreationDate": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

COGNITO_IDENTITY_POOL = AssetType(
    name="aws.cognito.identity_pool",
    provider="aws",
    title="Cognito identity pool",
    id_field="Arn",
    fields={
        "IdentityPoolId": F("str", "pool id", nullable=False),
        "IdentityPoolName": F("str", "pool name", nullable=False),
        "Arn": F("str", "arn:aws:cognito-identity:region:account:identitypool/id",
                 nullable=False),
        "AllowUnauthenticatedIdentities": F("bool", "guest (unauthenticated) identities"),
        "AllowClassicFlow": F("bool", "basic (classic) authentication flow"),
        "Tags": _TAGS,
    },
)

ATHENA_WORKGROUP = AssetType(
    name="aws.athena.workgroup",
    provider="aws",
    title="Athena workgroup",
    id_field="Arn",
    fields={
        "Name": F("str", "workgroup name", nullable=False),
        "Arn": F("str", "arn:aws:athena:region:account:workgroup/name", nullable=False),
        "State": F("str", "ENABLED or DISABLED"),
        "EnforceWorkGroupConfiguration": F("bool", "workgroup settings override client ones"),
        "PublishCloudWatchMetricsEnabled": F("bool", "query metrics go to CloudWatch"),
        "OutputLocation": F("str", "query results location"),
        "EncryptionConfiguration": F("dict", "{EncryptionOption, KmsKey}, null when results "
                                     "are not encrypted"),
        "EncryptionConfiguration.EncryptionOption": F("str", "SSE_S3, SSE_KMS or CSE_KMS"),
        "EncryptionConfiguration.KmsKey": F("str", "KMS key"),
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

CODEBUILD_PROJECT = AssetType(
    name="aws.codebuild.project",
    provider="aws",
    title="CodeBuild project",
    id_field="arn",
    fields={
        "name": F("str", "project name", nullable=False),
        "arn": F("str", "ARN", nullable=False),
        "SourceType": F("str", "GITHUB, BITBUCKET, CODECOMMIT, S3, NO_SOURCE, ..."),
        "SourceLocation": F("str", "source URL, with any user:password@ replaced by ***@"),
        "SourceUrlHasCredentials": F("bool", "a source URL (primary or secondary) embeds "
                                     "credentials or a token"),
        "Buildspec": F("str", "inline buildspec file name or null (read from the repository)"),
        "PrivilegedMode": F("bool", "the build container runs privileged"),
        "EnvironmentType": F("str", "LINUX_CONTAINER, ..."),
        "Image": F("str", "build image"),
        "EnvironmentVariables": F("list", "[{name, type}] - names and types only, never "
                                  "values"),
        "EnvironmentVariables[].name": F("str", "variable name"),
        "EnvironmentVariables[].type": F("str", "PLAINTEXT, PARAMETER_STORE, SECRETS_MANAGER"),
        "logsConfig": F("dict", "{cloudWatchLogs: {status, groupName}, s3Logs: {status, "
                        "location, encryptionDisabled}}"),
        "logsConfig.cloudWatchLogs": F("dict", "{status, groupName}"),
        "logsConfig.cloudWatchLogs.status": F("str", "ENABLED or DISABLED"),
        "logsConfig.cloudWatchLogs.groupName": F("str", "log group"),
        "logsConfig.s3Logs": F("dict", "{status, location, encryptionDisabled}"),
        "logsConfig.s3Logs.status": F("str", "ENABLED or DISABLED"),
        "logsConfig.s3Logs.location": F("str", "bucket/prefix"),
        "logsConfig.s3Logs.encryptionDisabled": F("bool", "S3 logs are not encrypted"),
        "ArtifactsEncryptionDisabled": F("bool", "an artifact (primary or secondary) has "
                                         "encryption disabled"),
        "ArtifactsType": F("str", "CODEPIPELINE, S3, NO_ARTIFACTS"),
        "encryptionKey": F("str", "KMS key of the artifacts"),
        "serviceRole": F("str", "service role"),
        "created": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

ALL: tuple[AssetType, ...] = (
    SQS_QUEUE,
    KINESIS_STREAM,
    GLUE_CATALOG_SETTINGS,
    GLUE_SECURITY_CONFIGURATION,
    GLUE_JOB,
    SAGEMAKER_NOTEBOOK_INSTANCE,
    STEPFUNCTIONS_STATE_MACHINE,
    COGNITO_USER_POOL,
    COGNITO_IDENTITY_POOL,
    ATHENA_WORKGROUP,
    CODEBUILD_PROJECT,
    *_MORE,
)
