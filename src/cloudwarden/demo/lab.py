"""The demo lab: a realistic small AWS account in two regions, part well and part badly
configured, seeded through boto3 into an emulator.

`PLANTED` lists every misconfiguration planted on purpose (rule id -> resource name or id
fragment), and `WELL_CONFIGURED` the resources that must pass; the end-to-end test asserts both
(recall and precision).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cloudwarden.demo.emulator import demo_session

__all__ = ["LAB_REGIONS", "LAB_SERVICES", "PLANTED", "WELL_CONFIGURED", "seed_lab"]

LAB_REGIONS = ("us-east-1", "eu-west-1")
#: the services the lab seeds: the demo scans these (scanning services the emulator does not
#: implement would only add error results and retry delays)
LAB_SERVICES = ("iam", "s3", "ec2", "cloudtrail", "kms", "cloudwatch", "config", "rds",
                "dynamodb", "sqs", "ecr", "secretsmanager", "lambda")

#: (rule id, a fragment of the failing asset's name, id or Name tag) - planted on purpose.
#: The end-to-end test asserts each one is found (recall).
PLANTED: tuple[tuple[str, str], ...] = (
    ("aws.iam.password_policy_min_length", "123456789012"),
    ("aws.iam.password_policy_reuse_prevention", "123456789012"),
    ("aws.iam.user_console_mfa_enabled", "bob"),
    ("aws.iam.user_no_direct_policies", "ci-deployer"),
    ("aws.iam.user_single_active_access_key", "ci-deployer"),
    ("aws.iam.policy_no_full_admin", "LegacyFullAdmin"),
    ("aws.iam.role_trust_policy_not_public", "legacy-break-glass"),
    ("aws.s3.account_public_access_blocked", "123456789012"),
    ("aws.s3.bucket_no_public_read", "cw-demo-public-assets"),
    ("aws.s3.bucket_no_public_read", "cw-demo-customer-data-eu"),
    ("aws.s3.bucket_public_access_blocked", "cw-demo-public-assets"),
    ("aws.s3.bucket_public_access_blocked", "cw-demo-customer-data-eu"),
    ("aws.s3.bucket_default_encryption", "cw-demo-public-assets"),
    ("aws.s3.bucket_secure_transport_required", "cw-demo-public-assets"),
    ("aws.s3.bucket_versioning_enabled", "cw-demo-public-assets"),
    ("aws.ec2.instance_imdsv2_required", "web-1-us-east-1"),
    ("aws.ec2.instance_imdsv2_required", "web-1-eu-west-1"),
    ("aws.ec2.instance_no_public_ip", "web-1-us-east-1"),
    ("aws.ec2.security_group_no_ssh_from_world", "web-frontend-us-east-1"),
    ("aws.ec2.security_group_no_ssh_from_world", "web-frontend-eu-west-1"),
    ("aws.ec2.security_group_no_admin_ports_from_ipv6_world", "legacy-db-us-east-1"),
    ("aws.ec2.security_group_no_high_risk_ports_from_world", "legacy-db-eu-west-1"),
    ("aws.ec2.security_group_exposed_running_public_instance", "web-frontend-us-east-1"),
    ("aws.ec2.snapshot_not_public", "nightly-scratch-us-east-1"),
    ("aws.ec2.ebs_default_encryption_enabled", "eu-west-1"),
    ("aws.ec2.vpc_flow_logs_enabled", "workloads-eu-west-1"),
    ("aws.ec2.network_acl_no_admin_ports_from_world", "public-acl-us-east-1"),
    ("aws.cloudtrail.kms_encryption_enabled", "org-audit"),
    ("aws.cloudtrail.log_file_validation_enabled", "eu-app-trail"),
    ("aws.cloudtrail.trail_logging", "eu-app-trail"),
    ("aws.cloudtrail.s3_object_write_events_logged", "123456789012"),
    ("aws.cloudwatch.alarm_iam_policy_changes", "123456789012"),
    ("aws.config.recorder_enabled_all_resources", "eu-west-1"),
    ("aws.kms.key_rotation_enabled", "legacy application key"),
    ("aws.rds.instance_not_publicly_accessible", "legacy-reporting-db"),
    ("aws.rds.instance_storage_encrypted", "legacy-reporting-db"),
    ("aws.rds.instance_backups_enabled", "legacy-reporting-db"),
    ("aws.dynamodb.table_point_in_time_recovery", "sessions-scratch"),
    ("aws.sqs.queue_encrypted", "legacy-webhooks"),
    ("aws.ecr.repository_image_scanning_enabled", "sandbox-tools"),
    ("aws.ecr.repository_tag_immutability", "sandbox-tools"),
    ("aws.secretsmanager.rotation_enabled", "prod/orders-db/credentials"),
    ("aws.lambda.function_supported_runtime", "legacy-cron"),
)
#: (rule id, a fragment of an asset's name, id or Name tag) - configured well on purpose.
#: The end-to-end test asserts each one passes (precision).
WELL_CONFIGURED: tuple[tuple[str, str], ...] = (
    ("aws.iam.user_console_mfa_enabled", "alice"),
    ("aws.iam.user_no_direct_policies", "alice"),
    ("aws.iam.policy_no_full_admin", "AuditLogReader"),
    ("aws.iam.role_trust_policy_not_public", "web-app"),
    ("aws.s3.bucket_no_public_read", "cw-demo-audit-logs"),
    ("aws.s3.bucket_no_public_write", "cw-demo-audit-logs"),
    ("aws.s3.bucket_public_access_blocked", "cw-demo-audit-logs"),
    ("aws.s3.bucket_secure_transport_required", "cw-demo-audit-logs"),
    ("aws.s3.bucket_default_encryption", "cw-demo-audit-logs"),
    ("aws.s3.bucket_default_encryption_kms", "cw-demo-audit-logs"),
    ("aws.s3.bucket_versioning_enabled", "cw-demo-audit-logs"),
    ("aws.ec2.instance_imdsv2_required", "app-1-us-east-1"),
    ("aws.ec2.instance_imdsv2_required", "app-1-eu-west-1"),
    ("aws.ec2.instance_no_public_ip", "app-1-us-east-1"),
    ("aws.ec2.security_group_no_ssh_from_world", "app-internal-us-east-1"),
    ("aws.ec2.security_group_no_admin_ports_from_ipv4_world", "app-internal-eu-west-1"),
    ("aws.ec2.security_group_no_high_risk_ports_from_world", "app-internal-us-east-1"),
    ("aws.ec2.snapshot_not_public", "nightly-scratch-eu-west-1"),
    ("aws.ec2.ebs_default_encryption_enabled", "us-east-1"),
    ("aws.ec2.vpc_flow_logs_enabled", "workloads-us-east-1"),
    ("aws.cloudtrail.multi_region_trail_logging", "123456789012"),
    ("aws.cloudtrail.log_file_validation_enabled", "org-audit"),
    ("aws.cloudtrail.trail_logging", "org-audit"),
    ("aws.cloudwatch.alarm_root_account_usage", "123456789012"),
    ("aws.config.recorder_enabled_all_resources", "us-east-1"),
    ("aws.kms.key_rotation_enabled", "audit log encryption"),
    ("aws.rds.instance_not_publicly_accessible", "orders-db"),
    ("aws.rds.instance_storage_encrypted", "orders-db"),
    ("aws.rds.instance_deletion_protection", "orders-db"),
    ("aws.dynamodb.table_point_in_time_recovery", "orders"),
    ("aws.sqs.queue_encrypted", "order-events"),
    ("aws.ecr.repository_image_scanning_enabled", "payments-api"),
    ("aws.ecr.repository_tag_immutability", "payments-api"),
    ("aws.lambda.function_supported_runtime", "thumbnailer"),
)

Progress = Callable[[str], None]


def _client(endpoint: str, service: str, region: str) -> Any:
    return demo_session(region).client(service, endpoint_url=endpoint)  # type: ignore[call-overload, unused-ignore]


def seed_lab(endpoint: str, progress: Progress | None = None) -> dict[str, Any]:
    """Create the lab's resources. Returns a few ids the caller may want to show."""
    say = progress or (lambda _m: None)
    out: dict[str, Any] = {}
    say("identity and access")
    out.update(_seed_iam(endpoint))
    say("storage")
    out.update(_seed_s3(endpoint))
    for region in LAB_REGIONS:
        say(f"compute and network in {region}")
        out.update(_seed_ec2(endpoint, region))
    say("keys, audit trail and monitoring")
    out.update(_seed_kms_trail_monitoring(endpoint))
    say("configuration recording")
    _seed_config(endpoint)
    say("databases, queues, registries, secrets and functions")
    out.update(_seed_data_and_apps(endpoint))
    return out


def _seed_iam(endpoint: str) -> dict[str, Any]:
    iam = _client(endpoint, "iam", "us-east-1")
    # A weak password policy: too short, no reuse prevention.
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=False,
                                       RequireNumbers=True, RequireUppercaseCharacters=True,
                                       RequireLowercaseCharacters=True,
                                       AllowUsersToChangePassword=True)
    admin_doc = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    read_doc = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                               "Resource": ["arn:aws:s3:::cw-demo-audit-logs-*"]}]}
    full_admin = iam.create_policy(PolicyName="LegacyFullAdmin",
                                   PolicyDocument=json.dumps(admin_doc))["Policy"]["Arn"]
    reader = iam.create_policy(PolicyName="AuditLogReader",
                               PolicyDocument=json.dumps(read_doc))["Policy"]["Arn"]

    iam.create_group(GroupName="platform-engineers")
    iam.attach_group_policy(GroupName="platform-engineers", PolicyArn=reader)

    # alice: console user with a virtual MFA device, permissions through a group only.
    iam.create_user(UserName="alice", Tags=[{"Key": "owner", "Value": "security"}])
    iam.create_login_profile(UserName="alice", Password="Corr3ct-Horse-Battery!")  # noqa: S106
    iam.add_user_to_group(GroupName="platform-engineers", UserName="alice")
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=mfa["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")

    # bob: console password, no MFA.
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Summer2026!")  # noqa: S106
    iam.add_user_to_group(GroupName="platform-engineers", UserName="bob")

    # ci-deployer: programmatic user with two active keys and admin attached directly.
    iam.create_user(UserName="ci-deployer", Tags=[{"Key": "owner", "Value": "platform"}])
    iam.create_access_key(UserName="ci-deployer")
    iam.create_access_key(UserName="ci-deployer")
    iam.attach_user_policy(UserName="ci-deployer", PolicyArn=full_admin)

    trust_ec2 = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="web-app", AssumeRolePolicyDocument=json.dumps(trust_ec2))
    iam.attach_role_policy(RoleName="web-app", PolicyArn=reader)
    iam.create_instance_profile(InstanceProfileName="web-app")
    iam.add_role_to_instance_profile(InstanceProfileName="web-app", RoleName="web-app")

    trust_any = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="legacy-break-glass", AssumeRolePolicyDocument=json.dumps(trust_any))
    iam.attach_role_policy(RoleName="legacy-break-glass", PolicyArn=full_admin)
    return {"users": ["alice", "bob", "ci-deployer"]}


def _seed_s3(endpoint: str) -> dict[str, Any]:
    s3 = _client(endpoint, "s3", "us-east-1")
    s3_eu = _client(endpoint, "s3", "eu-west-1")
    account = _client(endpoint, "sts", "us-east-1").get_caller_identity()["Account"]
    logs = f"cw-demo-audit-logs-{account}"
    public = f"cw-demo-public-assets-{account}"
    data_eu = f"cw-demo-customer-data-eu-{account}"

    # The audit log bucket: everything right.
    s3.create_bucket(Bucket=logs)
    s3.put_public_access_block(Bucket=logs, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=logs, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
         "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket=logs, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(Bucket=logs, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"},
             "Action": "s3:*", "Resource": [f"arn:aws:s3:::{logs}", f"arn:aws:s3:::{logs}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "CloudTrailWrite", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::{logs}/AWSLogs/{account}/*"},
            {"Sid": "S3ServerAccessLogs", "Effect": "Allow",
             "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::{logs}/*"},
        ]}))
    s3.put_bucket_tagging(Bucket=logs, Tagging={"TagSet": [{"Key": "owner", "Value": "security"}]})

    # A static-assets bucket made public with an ACL, nothing else configured.
    s3.create_bucket(Bucket=public)
    s3.put_bucket_ownership_controls(Bucket=public, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_bucket_acl(Bucket=public, ACL="public-read")
    s3.put_bucket_logging(Bucket=public, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": logs, "TargetPrefix": "s3/public-assets/"}})

    # Customer data in Europe, shared with everyone through a bucket policy.
    s3_eu.create_bucket(Bucket=data_eu,
                        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3_eu.put_bucket_policy(Bucket=data_eu, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{data_eu}/*"}]}))
    s3_eu.put_bucket_versioning(Bucket=data_eu, VersioningConfiguration={"Status": "Enabled"})
    return {"buckets": [logs, public, data_eu], "log_bucket": logs, "account": account}


def _seed_ec2(endpoint: str, region: str) -> dict[str, Any]:
    ec2 = _client(endpoint, "ec2", region)
    account = _client(endpoint, "sts", region).get_caller_identity()["Account"]
    ami = ec2.register_image(Name=f"golden-linux-{region}", RootDeviceName="/dev/xvda",
                             Architecture="x86_64")["ImageId"]
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": f"workloads-{region}"}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]

    web_sg = _group(ec2, vpc, f"web-frontend-{region}", "web tier")
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temporary debugging"}]},
    ])
    app_sg = _group(ec2, vpc, f"app-internal-{region}", "app tier")
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "UserIdGroupPairs": [{"GroupId": web_sg}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.20.0.0/16"}]},
    ])
    db_sg = _group(ec2, vpc, f"legacy-db-{region}", "database")
    ec2.authorize_security_group_ingress(GroupId=db_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ])

    web = _run(ec2, ami, subnet, web_sg, "optional", f"web-1-{region}", public=True)
    app = _run(ec2, ami, subnet, app_sg, "required", f"app-1-{region}", public=False)

    az = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailabilityZone"]
    plain = ec2.create_volume(AvailabilityZone=az, Size=20, Encrypted=False)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone=az, Size=20, Encrypted=True)["VolumeId"]
    ec2.create_tags(Resources=[plain], Tags=[{"Key": "Name", "Value": f"scratch-{region}"}])
    ec2.create_tags(Resources=[sealed], Tags=[{"Key": "Name", "Value": f"data-{region}"}])
    snap = ec2.create_snapshot(VolumeId=plain, Description="nightly", TagSpecifications=[
        {"ResourceType": "snapshot",
         "Tags": [{"Key": "Name", "Value": f"nightly-scratch-{region}"}]}])["SnapshotId"]
    if region == LAB_REGIONS[0]:
        ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission",
                                      OperationType="add", GroupNames=["all"])
        ec2.enable_ebs_encryption_by_default()
        flow = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                    LogDestinationType="s3",
                                    LogDestination=f"arn:aws:s3:::cw-demo-audit-logs-{account}")
        if flow.get("Unsuccessful"):
            raise RuntimeError(f"the lab's flow log was refused: {flow['Unsuccessful']}")
    nacl = ec2.create_network_acl(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "network-acl",
         "Tags": [{"Key": "Name", "Value": f"public-acl-{region}"}]}])["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=nacl, RuleNumber=100, Protocol="6",
                                 RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0",
                                 PortRange={"From": 22, "To": 22})
    return {f"instances_{region}": [web, app], f"vpc_{region}": vpc}


def _group(ec2: Any, vpc: str, name: str, description: str) -> str:
    group = ec2.create_security_group(
        GroupName=name, Description=description, VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group",
                            "Tags": [{"Key": "Name", "Value": name}]}])
    return str(group["GroupId"])


def _run(ec2: Any, ami: str, subnet: str, sg: str, tokens: str, name: str,
         public: bool) -> str:
    instance = ec2.run_instances(
        ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.small",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg],
                            "AssociatePublicIpAddress": public}],
        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": name}]}],
    )["Instances"][0]
    return str(instance["InstanceId"])


def _seed_kms_trail_monitoring(endpoint: str) -> dict[str, Any]:
    region = LAB_REGIONS[0]
    kms = _client(endpoint, "kms", region)
    rotated = kms.create_key(Description="audit log encryption")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_key(Description="legacy application key")
    kms_eu = _client(endpoint, "kms", LAB_REGIONS[1])
    kms_eu.create_key(Description="eu data key")

    account = _client(endpoint, "sts", region).get_caller_identity()["Account"]
    logs_bucket = f"cw-demo-audit-logs-{account}"
    logs = _client(endpoint, "logs", region)
    logs.create_log_group(logGroupName="cloudtrail/audit")
    group_arn = f"arn:aws:logs:{region}:{account}:log-group:cloudtrail/audit:*"

    trail = _client(endpoint, "cloudtrail", region)
    trail.create_trail(Name="org-audit", S3BucketName=logs_bucket, IsMultiRegionTrail=True,
                       IncludeGlobalServiceEvents=True, EnableLogFileValidation=True,
                       CloudWatchLogsLogGroupArn=group_arn,
                       CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/cloudtrail-logs")
    trail.put_event_selectors(TrailName="org-audit", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    trail.start_logging(Name="org-audit")
    trail_eu = _client(endpoint, "cloudtrail", LAB_REGIONS[1])
    trail_eu.create_trail(Name="eu-app-trail", S3BucketName=logs_bucket)

    sns = _client(endpoint, "sns", region)
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="secops@example.com")
    logs.put_metric_filter(
        logGroupName="cloudtrail/audit", filterName="root-usage",
        filterPattern='{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
                      '&& $.eventType != "AwsServiceEvent" }',
        metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CISBenchmark",
                                "metricValue": "1"}])
    cw = _client(endpoint, "cloudwatch", region)
    cw.put_metric_alarm(AlarmName="root-usage", MetricName="RootUsage",
                        Namespace="CISBenchmark", Statistic="Sum", Period=300,
                        EvaluationPeriods=1, Threshold=1.0,
                        ComparisonOperator="GreaterThanOrEqualToThreshold",
                        AlarmActions=[topic])
    return {"trail": "org-audit"}


def _seed_config(endpoint: str) -> None:
    region = LAB_REGIONS[0]
    config = _client(endpoint, "config", region)
    account = _client(endpoint, "sts", region).get_caller_identity()["Account"]
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config-recorder",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={
        "name": "default", "s3BucketName": f"cw-demo-audit-logs-{account}"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def _seed_data_and_apps(endpoint: str) -> dict[str, Any]:
    region = LAB_REGIONS[0]
    rds = _client(endpoint, "rds", region)
    rds.create_db_instance(DBInstanceIdentifier="legacy-reporting-db",
                           DBInstanceClass="db.t3.micro", Engine="mysql", MasterUsername="admin",
                           MasterUserPassword="lab-only-Passw0rd",
                           AllocatedStorage=20, PubliclyAccessible=True, StorageEncrypted=False,
                           BackupRetentionPeriod=0)
    rds.create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro",
                           Engine="postgres", MasterUsername="orders_owner",
                           MasterUserPassword="lab-only-Passw0rd",
                           AllocatedStorage=20, PubliclyAccessible=False, StorageEncrypted=True,
                           MultiAZ=True, DeletionProtection=True, BackupRetentionPeriod=7,
                           EnableIAMDatabaseAuthentication=True)

    ddb = _client(endpoint, "dynamodb", region)
    for name, pitr in (("orders", True), ("sessions-scratch", False)):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         DeletionProtectionEnabled=pitr)
        if pitr:
            ddb.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

    sqs = _client(endpoint, "sqs", region)
    sqs.create_queue(QueueName="order-events", Attributes={"SqsManagedSseEnabled": "true"})
    sqs.create_queue(QueueName="legacy-webhooks", Attributes={"SqsManagedSseEnabled": "false"})

    ecr = _client(endpoint, "ecr", region)
    ecr.create_repository(repositoryName="payments-api", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="sandbox-tools", imageTagMutability="MUTABLE",
                          imageScanningConfiguration={"scanOnPush": False})

    secrets = _client(endpoint, "secretsmanager", region)
    secrets.create_secret(Name="prod/orders-db/credentials",
                          SecretString="lab-only-not-a-real-secret")

    account = _client(endpoint, "sts", region).get_caller_identity()["Account"]
    role = f"arn:aws:iam::{account}:role/web-app"
    lam = _client(endpoint, "lambda", region)
    for name, runtime in (("thumbnailer", "python3.12"), ("legacy-cron", "python3.7")):
        lam.create_function(FunctionName=name, Runtime=runtime, Role=role,
                            Handler="app.handler", Code={"ZipFile": _tiny_zip()},
                            TracingConfig={"Mode": "Active" if runtime == "python3.12"
                                           else "PassThrough"})
    return {"databases": ["legacy-reporting-db", "orders-db"]}


def _tiny_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()
