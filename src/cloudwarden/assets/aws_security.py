"""Canonical document shapes of AWS security asset types, declared once (see `aws.py` for the
conventions: AWS API field names, ISO-8601 UTC timestamps, parsed policies, null when absent).

The per-region services (GuardDuty, Security Hub, IAM Access Analyzer) give one status document
per account and region, present even when the service is off, so that "not enabled" is judged.
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")

GUARDDUTY_DETECTOR_STATUS = AssetType(
    name="aws.guardduty.detector_status",
    provider="aws",
    title="GuardDuty in one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:guardduty:region:account:settings", nullable=False),
        "DetectorId": F("str", "the region's detector, null when there is none"),
        "Status": F("str", "ENABLED or DISABLED; null when there is no detector"),
        "FindingPublishingFrequency": F("str", "FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS"),
        "Features": F("list", "[{Name, Status}] protection plans of GetDetector (older "
                      "DataSources mapped to S3_DATA_EVENTS, EKS_AUDIT_LOGS, "
                      "EBS_MALWARE_PROTECTION); empty when there is no detector"),
        "Features[].Name": F("str", "S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, "
                             "RDS_LOGIN_EVENTS, EKS_RUNTIME_MONITORING, LAMBDA_NETWORK_LOGS, "
                             "RUNTIME_MONITORING"),
        "Features[].Status": F("str", "ENABLED or DISABLED"),
        "Features[].AdditionalConfiguration": F("list", "[{Name, Status}] settings of the plan "
                                                "(EKS_ADDON_MANAGEMENT, "
                                                "ECS_FARGATE_AGENT_MANAGEMENT, "
                                                "EC2_AGENT_MANAGEMENT); empty when none"),
        "Features[].AdditionalConfiguration[].Name": F("str", "setting name"),
        "Features[].AdditionalConfiguration[].Status": F("str", "ENABLED or DISABLED"),
        "Tags": _TAGS,
    },
)

SECURITYHUB_HUB_STATUS = AssetType(
    name="aws.securityhub.hub_status",
    provider="aws",
    title="Security Hub in one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:securityhub:region:account:settings", nullable=False),
        "Enabled": F("bool", "Security Hub is enabled in the region"),
        "HubArn": F("str", "the hub ARN, null when not enabled"),
        "SubscribedAt": F("datetime", "when Security Hub was enabled"),
        "AutoEnableControls": F("bool", "new controls of enabled standards are enabled"),
        "ControlFindingGenerator": F("str", "SECURITY_CONTROL or STANDARD_CONTROL"),
        "EnabledStandards": F("list", "[{StandardsArn, StandardsSubscriptionArn, "
                              "StandardsStatus}]; empty when not enabled"),
        "EnabledStandards[].StandardsArn": F("str", "the standard"),
        "EnabledStandards[].StandardsSubscriptionArn": F("str", "the subscription"),
        "EnabledStandards[].StandardsStatus": F("str", "PENDING, READY, FAILED, DELETING, "
                                                "INCOMPLETE"),
    },
)

ACCESSANALYZER_STATUS = AssetType(
    name="aws.accessanalyzer.status",
    provider="aws",
    title="IAM Access Analyzer in one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:access-analyzer:region:account:settings", nullable=False),
        "Analyzers": F("list", "[{name, arn, type, status, createdAt}]; empty when none"),
        "Analyzers[].name": F("str", "analyzer name"),
        "Analyzers[].arn": F("str", "analyzer ARN"),
        "Analyzers[].type": F("str", "ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, "
                              "ORGANIZATION_UNUSED_ACCESS"),
        "Analyzers[].status": F("str", "ACTIVE, CREATING, DISABLED, FAILED"),
        "Analyzers[].createdAt": F("datetime", "created at"),
    },
)

ORGANIZATIONS_STATUS = AssetType(
    name="aws.organizations.status",
    provider="aws",
    title="AWS Organizations membership of the account",
    id_field="Arn",
    scope="account",
    fields={
        "Arn": F("str", "arn:aws:organizations::account:settings", nullable=False),
        "InOrganization": F("bool", "the account belongs to an organization"),
        "OrganizationId": F("str", "o-..., null when not in an organization"),
        "OrganizationArn": F("str", "organization ARN"),
        "FeatureSet": F("str", "ALL or CONSOLIDATED_BILLING"),
        "MasterAccountId": F("str", "the management account"),
        "IsManagementAccount": F("bool", "the scanned account is the management account"),
        "EnabledPolicyTypes": F("list[str]", "policy types enabled on the root "
                                "(SERVICE_CONTROL_POLICY, TAG_POLICY, ...); management only"),
        "Policies": F("list", "service control policies [{Id, Arn, Name, AwsManaged, "
                      "Document (json), Targets: [{TargetId, Type, Name}]}]; management only"),
        "Policies[].Id": F("str", "p-..."),
        "Policies[].Arn": F("str", "policy ARN"),
        "Policies[].Name": F("str", "policy name"),
        "Policies[].AwsManaged": F("bool", "AWS managed (FullAWSAccess)"),
        "Policies[].Document": F("json", "the policy document"),
        "Policies[].Targets": F("list", "[{TargetId, Type, Name}] roots, OUs and accounts"),
        "Policies[].Targets[].TargetId": F("str", "r-..., ou-... or account id"),
        "Policies[].Targets[].Type": F("str", "ROOT, ORGANIZATIONAL_UNIT or ACCOUNT"),
        "Policies[].Targets[].Name": F("str", "target name"),
        "DelegatedAdministrators": F("list", "[{Id, Name, Email, ServicePrincipals}]; "
                                     "management only"),
        "DelegatedAdministrators[].Id": F("str", "account id"),
        "DelegatedAdministrators[].Name": F("str", "account name"),
        "DelegatedAdministrators[].Email": F("str", "account e-mail"),
        "DelegatedAdministrators[].ServicePrincipals": F("list[str]", "delegated services"),
    },
)

SECRETSMANAGER_SECRET = AssetType(
    name="aws.secretsmanager.secret",
    provider="aws",
    title="Secrets Manager secret (metadata only, never the value)",
    id_field="ARN",
    fields={
        "Name": F("str", "secret name", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "Description": F("str", "description"),
        "KmsKeyId": F("str", "KMS key, null for the AWS managed key aws/secretsmanager"),
        "RotationEnabled": F("bool", "automatic rotation is on"),
        "RotationLambdaARN": F("str", "rotation function"),
        "RotationRules": F("dict", "{AutomaticallyAfterDays, ScheduleExpression, Duration}"),
        "RotationRules.AutomaticallyAfterDays": F("int", "days between rotations"),
        "RotationRules.ScheduleExpression": F("str", "rate() or cron() expression"),
        "RotationRules.Duration": F("str", "rotation window"),
        "LastRotatedDate": F("datetime", "last rotation, null if never"),
        "LastChangedDate": F("datetime", "last change"),
        "LastAccessedDate": F("datetime", "last retrieval (day precision), null if never"),
        "CreatedDate": F("datetime", "created at"),
        "DeletedDate": F("datetime", "scheduled deletion, null when none"),
        "PrimaryRegion": F("str", "primary region of a replicated secret"),
        "ResourcePolicy": F("json", "resource-based policy, null when none"),
        "Tags": _TAGS,
    },
)

SSM_DOCUMENT = AssetType(
    name="aws.ssm.document",
    provider="aws",
    title="SSM document owned by the account",
    id_field="Arn",
    fields={
        "Name": F("str", "document name", nullable=False),
        "Arn": F("str", "arn:aws:ssm:region:account:document/name", nullable=False),
        "DocumentType": F("str", "Command, Automation, Session, ..."),
        "DocumentFormat": F("str", "JSON or YAML"),
        "Owner": F("str", "owner account"),
        "DocumentVersion": F("str", "latest version"),
        "AccountIds": F("list[str]", "accounts the document is shared with; 'all' = public"),
        "Tags": _TAGS,
    },
)

SSM_PARAMETER = AssetType(
    name="aws.ssm.parameter",
    provider="aws",
    title="SSM Parameter Store parameter (metadata only, never the value)",
    id_field="ARN",
    fields={
        "Name": F("str", "parameter name", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "Type": F("str", "String, StringList or SecureString"),
        "KeyId": F("str", "KMS key of a SecureString"),
        "Tier": F("str", "Standard, Advanced or Intelligent-Tiering"),
        "DataType": F("str", "text, aws:ec2:image, ..."),
        "Description": F("str", "description"),
        "LastModifiedDate": F("datetime", "last change"),
        "Tags": _TAGS,
    },
)

SSM_MANAGED_INSTANCE = AssetType(
    name="aws.ssm.managed_instance",
    provider="aws",
    title="Instance managed by Systems Manager",
    id_field="Arn",
    fields={
        "InstanceId": F("str", "instance id (i-... or mi-...)", nullable=False),
        "Arn": F("str", "instance ARN (managed-instance ARN for mi-...)", nullable=False),
        "PingStatus": F("str", "Online, ConnectionLost, Inactive"),
        "PlatformType": F("str", "Windows, Linux, MacOS"),
        "PlatformName": F("str", "OS name"),
        "AgentVersion": F("str", "SSM agent version"),
        "IsLatestVersion": F("bool", "agent is the latest version"),
        "LastPingDateTime": F("datetime", "last heartbeat"),
        "PatchCompliance": F("str", "COMPLIANT or NON_COMPLIANT; null when never scanned"),
        "AssociationCompliance": F("str", "COMPLIANT or NON_COMPLIANT; null when no "
                                   "association"),
    },
)

ALL: tuple[AssetType, ...] = (
    GUARDDUTY_DETECTOR_STATUS,
    SECURITYHUB_HUB_STATUS,
    ACCESSANALYZER_STATUS,
    ORGANIZATIONS_STATUS,
    SECRETSMANAGER_SECRET,
    SSM_DOCUMENT,
    SSM_PARAMETER,
    SSM_MANAGED_INSTANCE,
)
