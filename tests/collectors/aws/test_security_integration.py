"""The security and integration collectors against a real moto server, plus their pure
normalize functions.

moto lacks IAM Access Analyzer, Security Hub GetEnabledStandards and SSM managed-instance
information and compliance: those answers are canned through botocore's `before-send` event on
the injected session (see conftest), as AWS documents them. Failures are injected the same way.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.codebuild import mask_url, normalize_project
from cloudwarden.collectors.aws.cognito import normalize_user_pool
from cloudwarden.collectors.aws.guardduty import normalize_detector_status
from cloudwarden.collectors.aws.organizations import normalize_status
from cloudwarden.collectors.aws.securityhub import normalize_hub_status
from cloudwarden.collectors.aws.sqs import normalize_queue
from cloudwarden.core.errors import CollectionError
from cloudwarden.inventory.snapshot import Inventory


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def canned(status: int, body: str, content_type: str) -> AWSResponse:
    return AWSResponse("http://canned", status, {"Content-Type": content_type},
                       _Raw(body.encode()))

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVICES = ("guardduty", "securityhub", "accessanalyzer", "organizations", "secretsmanager",
            "ssm", "sqs", "kinesis", "glue", "sagemaker", "stepfunctions", "cognito", "athena",
            "codebuild")
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
         "aws_session_token": "testing"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/svc"
PUBLIC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}


def _json(body: dict[str, Any]) -> AWSResponse:
    return canned(200, json.dumps(body), "application/json")


def fill_moto_gaps(session: boto3.Session) -> None:
    """Canned answers (before-send) for the read APIs moto does not implement."""
    analyzers = {"analyzers": [{
        "name": "acct", "arn": f"arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/acct",
        "type": "ACCOUNT", "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"}]}
    standards = {"StandardsSubscriptions": [{
        "StandardsSubscriptionArn": "arn:sub/fsbp", "StandardsStatus": "READY",
        "StandardsArn": "arn:aws:securityhub:us-east-1::standards/"
                        "aws-foundational-security-best-practices/v/1.0.0",
        "StandardsInput": {}}]}
    instances = {"InstanceInformationList": [
        {"InstanceId": "i-0patched", "PingStatus": "Online", "PlatformType": "Linux",
         "AgentVersion": "3.3.0", "IsLatestVersion": True},
        {"InstanceId": "mi-0unpatched", "PingStatus": "Online", "PlatformType": "Windows"}]}
    compliance = {"ResourceComplianceSummaryItems": [
        {"ResourceId": "i-0patched", "ComplianceType": "Patch", "Status": "COMPLIANT"},
        {"ResourceId": "mi-0unpatched", "ComplianceType": "Patch", "Status": "NON_COMPLIANT"},
        {"ResourceId": "mi-0unpatched", "ComplianceType": "Association",
         "Status": "COMPLIANT"}]}
    for event, body in (("accessanalyzer.ListAnalyzers", analyzers),
                        ("securityhub.GetEnabledStandards", standards),
                        ("ssm.DescribeInstanceInformation", instances),
                        ("ssm.ListResourceComplianceSummaries", compliance)):
        session.events.register(f"before-send.{event}",
                                lambda body=body, **_: _json(body))
    session.events.register("before-send.sagemaker.DescribeModel", _isolated_model)
    # moto has no monitoring schedules: an account without any
    session.events.register("before-send.sagemaker.ListMonitoringSchedules",
                            lambda **_: _json({"MonitoringScheduleSummaries": []}))


def _isolated_model(request: Any, **_: Any) -> AWSResponse | None:
    """moto drops CreateModel's EnableNetworkIsolation: the isolated model is described as AWS
    documents it; the other models are left to moto."""
    if b"cw-isolated" not in (request.body or b""):
        return None
    return _json({
        "ModelName": "cw-isolated",
        "ModelArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/cw-isolated",
        "ExecutionRoleArn": ROLE, "EnableNetworkIsolation": True,
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"},
        "CreationTime": 1767225600.0})


def seed(c: Callable[..., Any]) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    gd = c("guardduty")
    ids["detector"] = gd.create_detector(Enable=True, FindingPublishingFrequency="ONE_HOUR",
                                         DataSources={"S3Logs": {"Enable": True}})["DetectorId"]
    c("securityhub").enable_security_hub()
    c("organizations").create_organization(FeatureSet="ALL")
    sm = c("secretsmanager")
    sm.create_secret(Name="cw-db", SecretString="never-read", KmsKeyId="alias/cw",
                     Tags=[{"Key": "team", "Value": "data"}])
    sm.create_secret(Name="cw-open", SecretString="never-read")
    sm.put_resource_policy(SecretId="cw-open", ResourcePolicy=json.dumps(PUBLIC))
    ssm = c("ssm")
    content = json.dumps({"schemaVersion": "2.2", "description": "d", "mainSteps": []})
    for name in ("cw-public-doc", "cw-private-doc"):
        ssm.create_document(Content=content, Name=name, DocumentType="Command")
    ssm.modify_document_permission(Name="cw-public-doc", PermissionType="Share",
                                   AccountIdsToAdd=["all"])
    ssm.put_parameter(Name="/cw/db_password", Value="plain", Type="String")
    ssm.put_parameter(Name="/cw/api_token", Value="sealed", Type="SecureString")
    sqs = c("sqs")
    dlq = sqs.create_queue(QueueName="cw-dlq", Attributes={"KmsMasterKeyId": "alias/cw"})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="cw-open-queue", Attributes={
        "SqsManagedSseEnabled": "false", "Policy": json.dumps(PUBLIC),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})
    kin = c("kinesis")
    kin.create_stream(StreamName="cw-plain", ShardCount=1)
    kin.create_stream(StreamName="cw-sealed", ShardCount=1)
    kin.start_stream_encryption(StreamName="cw-sealed", EncryptionType="KMS", KeyId="alias/cw")
    kin.increase_stream_retention_period(StreamName="cw-sealed", RetentionPeriodHours=168)
    glue = c("glue")
    glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings={
        "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/cw"},
        "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True,
                                         "AwsKmsKeyId": "alias/cw"}})
    glue.create_security_configuration(Name="cw-sec", EncryptionConfiguration={
        "S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": "arn:k"}],
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"},
        "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS",
                                   "KmsKeyArn": "arn:k"}})
    glue.create_job(Name="cw-job", Role=ROLE, Command={"Name": "glueetl"},
                    SecurityConfiguration="cw-sec", GlueVersion="4.0",
                    DefaultArguments={"--password": "never-kept"})
    sagemaker = c("sagemaker")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="cw-nb", InstanceType="ml.t3.medium", RoleArn=ROLE,
        DirectInternetAccess="Enabled", RootAccess="Enabled")
    image = {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"}
    sagemaker.create_model(ModelName="cw-isolated", ExecutionRoleArn=ROLE,
                           PrimaryContainer=image, EnableNetworkIsolation=True,
                           Tags=[{"Key": "team", "Value": "ml"}])
    sagemaker.create_model(ModelName="cw-open-model", ExecutionRoleArn=ROLE,
                           PrimaryContainer=image)
    sagemaker.create_endpoint_config(EndpointConfigName="cw-ha", ProductionVariants=[
        {"VariantName": "main", "ModelName": "cw-isolated", "InitialInstanceCount": 2,
         "InstanceType": "ml.m5.large"}])
    sagemaker.create_endpoint_config(EndpointConfigName="cw-single", ProductionVariants=[
        {"VariantName": "main", "ModelName": "cw-open-model", "InitialInstanceCount": 1,
         "InstanceType": "ml.m5.large"}])
    c("stepfunctions").create_state_machine(name="cw-sm", definition="{}", roleArn=ROLE)
    idp = c("cognito-idp")
    ids["pool"] = idp.create_user_pool(PoolName="cw-pool", MfaConfiguration="OFF", Policies={
        "PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": False,
                           "RequireLowercase": True, "RequireNumbers": True,
                           "RequireSymbols": False}})["UserPool"]["Id"]
    ids["identity_pool"] = c("cognito-identity").create_identity_pool(
        IdentityPoolName="cw_guests", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    c("athena").create_work_group(Name="cw-wg", Configuration={
        "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": True,
        "ResultConfiguration": {"OutputLocation": "s3://cw-results/",
                                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}}},
        Tags=[{"Key": "env", "Value": "prod"}])
    c("codebuild").create_project(
        name="cw-build", serviceRole=ROLE,
        source={"type": "GITHUB", "location": "https://ci:hunter2@github.com/org/app.git"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": True,
                     "environmentVariables": [
                         {"name": "AWS_SECRET_ACCESS_KEY", "value": "hunter3",
                          "type": "PLAINTEXT"}]})
    return ids


@pytest.fixture(scope="module")
def scanned(moto_server: str) -> dict[str, Any]:
    req = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AWS_PROFILE", raising=False)
        session = boto3.Session(region_name=REGION, **CREDS)
        ids = seed(lambda svc, region=REGION: session.client(svc, region_name=region,
                                                             endpoint_url=moto_server))
        scan_session = boto3.Session(region_name=REGION, **CREDS)
        fill_moto_gaps(scan_session)
        inv = collect(AwsScanOptions(regions=(REGION,), services=SERVICES,
                                     endpoint_url=moto_server), session=scan_session)
    return {"inv": inv, "ids": ids}


def props(inv: Inventory, type_: str, **match: Any) -> dict[str, Any]:
    found = inv.find(type_, **match)
    assert len(found) == 1, (type_, match, [a.ref.id for a in found])
    return dict(found[0].properties)


def test_collects_every_service_without_errors(scanned: dict[str, Any]) -> None:
    inv: Inventory = scanned["inv"]
    assert inv.errors == []
    assert {a.type: a.unknown for a in inv if a.unknown} == {}
    text = json.dumps([a.properties for a in inv], default=str)
    for secret in ("never-read", "hunter2", "hunter3", "never-kept", "plain", "sealed"):
        assert f'"{secret}"' not in text and f":{secret}@" not in text


def test_security_status_documents(scanned: dict[str, Any]) -> None:
    inv = scanned["inv"]
    assert props(inv, "aws.guardduty.detector_status") == {
        "Region": REGION, "Arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT}:settings",
        "DetectorId": scanned["ids"]["detector"], "Status": "ENABLED",
        "FindingPublishingFrequency": "ONE_HOUR",
        "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED",
                      "AdditionalConfiguration": []},
                     {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED",
                      "AdditionalConfiguration": []}], "Tags": {}}
    hub = props(inv, "aws.securityhub.hub_status")
    assert hub["Enabled"] is True and hub["AutoEnableControls"] is True
    assert hub["EnabledStandards"][0]["StandardsStatus"] == "READY"
    analyzers = props(inv, "aws.accessanalyzer.status")["Analyzers"]
    assert [(a["type"], a["status"]) for a in analyzers] == [("ACCOUNT", "ACTIVE")]
    assert analyzers[0]["createdAt"] == "2026-01-01T00:00:00+00:00"
    org = props(inv, "aws.organizations.status")
    assert org["InOrganization"] is True and org["IsManagementAccount"] is True
    assert org["FeatureSet"] == "ALL" and org["DelegatedAdministrators"] == []
    assert [(p["Name"], p["AwsManaged"]) for p in org["Policies"]] == [("FullAWSAccess", True)]
    assert org["Policies"][0]["Document"]["Statement"][0]["Action"] == "*"
    assert org["Policies"][0]["Targets"][0]["Type"] == "ROOT"


def test_secrets_and_ssm(scanned: dict[str, Any]) -> None:
    inv = scanned["inv"]
    db = props(inv, "aws.secretsmanager.secret", Name="cw-db")
    assert (db["KmsKeyId"], db["RotationEnabled"], db["ResourcePolicy"], db["Tags"]) == (
        "alias/cw", False, None, {"team": "data"})
    assert db["LastRotatedDate"] is None and db["CreatedDate"].endswith("+00:00")
    assert props(inv, "aws.secretsmanager.secret", Name="cw-open")["ResourcePolicy"] == PUBLIC
    public = props(inv, "aws.ssm.document", Name="cw-public-doc")
    assert public["AccountIds"] == ["all"] and public["Owner"] == ACCOUNT
    assert public["Arn"] == f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/cw-public-doc"
    assert props(inv, "aws.ssm.document", Name="cw-private-doc")["AccountIds"] == []
    assert props(inv, "aws.ssm.parameter", Name="/cw/db_password")["Type"] == "String"
    assert props(inv, "aws.ssm.parameter", Name="/cw/api_token")["Type"] == "SecureString"
    patched = props(inv, "aws.ssm.managed_instance", InstanceId="i-0patched")
    assert patched["Arn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0patched"
    assert (patched["PatchCompliance"], patched["AssociationCompliance"]) == ("COMPLIANT", None)
    other = props(inv, "aws.ssm.managed_instance", InstanceId="mi-0unpatched")
    assert other["Arn"].endswith(":managed-instance/mi-0unpatched")
    assert other["PatchCompliance"] == "NON_COMPLIANT"


def test_queues_and_streams(scanned: dict[str, Any]) -> None:
    inv = scanned["inv"]
    dlq = props(inv, "aws.sqs.queue", QueueName="cw-dlq")
    assert (dlq["KmsMasterKeyId"], dlq["IsDeadLetterQueue"], dlq["Policy"]) == (
        "alias/cw", True, None)
    open_q = props(inv, "aws.sqs.queue", QueueName="cw-open-queue")
    assert open_q["SqsManagedSseEnabled"] is False and open_q["KmsMasterKeyId"] is None
    assert open_q["Policy"] == PUBLIC
    assert open_q["RedrivePolicy"] == {"deadLetterTargetArn": dlq["QueueArn"],
                                       "maxReceiveCount": 5}
    assert open_q["MessageRetentionPeriod"] == 345600
    plain = props(inv, "aws.kinesis.stream", StreamName="cw-plain")
    assert (plain["EncryptionType"], plain["RetentionPeriodHours"]) == ("NONE", 24)
    sealed = props(inv, "aws.kinesis.stream", StreamName="cw-sealed")
    assert (sealed["EncryptionType"], sealed["KeyId"], sealed["RetentionPeriodHours"]) == (
        "KMS", "alias/cw", 168)


def test_analytics_and_build(scanned: dict[str, Any]) -> None:
    inv = scanned["inv"]
    catalog = props(inv, "aws.glue.catalog_settings")
    assert catalog["EncryptionAtRest"] == {"CatalogEncryptionMode": "SSE-KMS",
                                           "SseAwsKmsKeyId": "alias/cw"}
    assert catalog["ConnectionPasswordEncryption"]["ReturnConnectionPasswordEncrypted"] is True
    conf = props(inv, "aws.glue.security_configuration", Name="cw-sec")
    assert conf["EncryptionConfiguration"]["CloudWatchEncryption"][
        "CloudWatchEncryptionMode"] == "DISABLED"
    job = props(inv, "aws.glue.job", Name="cw-job")
    assert (job["SecurityConfiguration"], job["GlueVersion"], job["CommandName"]) == (
        "cw-sec", "4.0", "glueetl")
    nb = props(inv, "aws.sagemaker.notebook_instance", NotebookInstanceName="cw-nb")
    assert (nb["DirectInternetAccess"], nb["RootAccess"], nb["KmsKeyId"], nb["SubnetId"]) == (
        "Enabled", "Enabled", None, None)
    isolated = props(inv, "aws.sagemaker.model", ModelName="cw-isolated")
    assert isolated["ModelArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/cw-isolated"
    assert (isolated["EnableNetworkIsolation"], isolated["ExecutionRoleArn"]) == (True, ROLE)
    assert isolated["Tags"] == {"team": "ml"}
    assert props(inv, "aws.sagemaker.model",
                 ModelName="cw-open-model")["EnableNetworkIsolation"] is False
    ha = props(inv, "aws.sagemaker.endpoint_config", EndpointConfigName="cw-ha")
    assert ha["ProductionVariants"] == [
        {"VariantName": "main", "ModelName": "cw-isolated", "InstanceType": "ml.m5.large",
         "InitialInstanceCount": 2, "Serverless": False}]
    single = props(inv, "aws.sagemaker.endpoint_config", EndpointConfigName="cw-single")
    assert single["ProductionVariants"][0]["InitialInstanceCount"] == 1
    sm = props(inv, "aws.stepfunctions.state_machine", name="cw-sm")
    assert sm["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False,
                                          "destinations": []}
    assert sm["tracingConfiguration"] == {"enabled": False}
    pool = props(inv, "aws.cognito.user_pool", Name="cw-pool")
    assert pool["MfaConfiguration"] == "OFF" and pool["AdvancedSecurityMode"] is None
    assert pool["AdvancedSecurityCustomAuthMode"] is None
    assert pool["PasswordPolicy"]["RequireUppercase"] is False
    guests = props(inv, "aws.cognito.identity_pool", IdentityPoolName="cw_guests")
    assert guests["AllowUnauthenticatedIdentities"] is True
    wg = props(inv, "aws.athena.workgroup", Name="cw-wg")
    assert wg["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3", "KmsKey": None}
    assert wg["EnforceWorkGroupConfiguration"] is True and wg["Tags"] == {"env": "prod"}
    build = props(inv, "aws.codebuild.project", name="cw-build")
    assert build["SourceLocation"] == "https://***@github.com/org/app.git"
    assert build["SourceUrlHasCredentials"] is True and build["PrivilegedMode"] is True
    assert build["EnvironmentVariables"] == [{"name": "AWS_SECRET_ACCESS_KEY",
                                              "type": "PLAINTEXT"}]


def test_denied_call_is_one_error_and_the_field_is_unknown(
        aws_endpoint: str, aws_session: boto3.Session, make_client: Callable[..., Any]) -> None:
    sm = make_client("secretsmanager")
    sm.create_secret(Name="cw-a", SecretString="x")
    make_client("sqs").create_queue(QueueName="cw-q")
    denied = canned(400, json.dumps({"__type": "AccessDeniedException",
                                     "Message": "not allowed"}), "application/x-amz-json-1.1")
    aws_session.events.register("before-send.secrets-manager.GetResourcePolicy",
                                lambda **_: denied)
    inv = collect(AwsScanOptions(regions=(REGION,), services=("secretsmanager", "sqs"),
                                 endpoint_url=aws_endpoint), session=aws_session)
    assert inv.errors == [CollectionError("aws", ACCOUNT, REGION, "secretsmanager",
                                          "GetResourcePolicy",
                                          "AccessDeniedException: not allowed")]
    secret = inv.find("aws.secretsmanager.secret", Name="cw-a")[0]
    assert secret.unknown == {"ResourcePolicy": "GetResourcePolicy: AccessDeniedException"}
    assert secret.properties["ResourcePolicy"] is None
    assert secret.properties["RotationEnabled"] is False  # the rest is collected
    assert len(inv.find("aws.sqs.queue", QueueName="cw-q")) == 1


# -- pure normalize functions --------------------------------------------------------------------

def test_guardduty_without_detector_is_a_status_not_an_absence() -> None:
    doc = normalize_detector_status("eu-west-1", "arn:s", None, None)
    assert doc["Status"] is None and doc["Features"] == [] and doc["DetectorId"] is None
    modern = normalize_detector_status("eu-west-1", "arn:s", "d", {
        "Status": "ENABLED", "Features": [{"Name": "RUNTIME_MONITORING", "Status": "ENABLED",
                                           "AdditionalConfiguration": [
                                               {"Name": "ECS_FARGATE_AGENT_MANAGEMENT",
                                                "Status": "ENABLED"},
                                               {"Name": "EKS_ADDON_MANAGEMENT",
                                                "Status": "DISABLED"}]}],
        "DataSources": {"S3Logs": {"Status": "DISABLED"}}})
    assert modern["Features"] == [{"Name": "RUNTIME_MONITORING", "Status": "ENABLED",
                                   "AdditionalConfiguration": [
                                       {"Name": "ECS_FARGATE_AGENT_MANAGEMENT",
                                        "Status": "ENABLED"},
                                       {"Name": "EKS_ADDON_MANAGEMENT", "Status": "DISABLED"}]}]


def test_cognito_custom_auth_threat_protection() -> None:
    # moto keeps no UserPoolAddOns: the answer AWS documents is checked on the normalize step
    pool = normalize_user_pool({
        "Id": "us-east-1_aB3cD4eF5", "Name": "shop", "Arn": "arn:p",
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED",
                           "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"}}})
    assert (pool["AdvancedSecurityMode"], pool["AdvancedSecurityCustomAuthMode"]) == (
        "ENFORCED", "AUDIT")
    bare = normalize_user_pool({"Id": "i", "Name": "n", "Arn": "a"})
    assert bare["AdvancedSecurityCustomAuthMode"] is None


def test_securityhub_not_enabled_versus_unknown() -> None:
    assert normalize_hub_status("r", "a", {}, [])["Enabled"] is False
    assert normalize_hub_status("r", "a", None, None)["Enabled"] is None


def test_organizations_standalone_account() -> None:
    doc = normalize_status("arn", ACCOUNT, {}, roots=[], policies=[], delegated=[])
    assert doc["InOrganization"] is False and doc["IsManagementAccount"] is False
    member = normalize_status("arn", ACCOUNT, {"Id": "o-1", "MasterAccountId": "999"})
    assert member["IsManagementAccount"] is False and member["Policies"] is None


def test_sqs_attributes_are_typed() -> None:
    doc = normalize_queue("u", {"QueueArn": "arn:aws:sqs:r:1:q", "SqsManagedSseEnabled": "true",
                                "MessageRetentionPeriod": "60", "CreatedTimestamp": "0",
                                "RedrivePolicy": '{"deadLetterTargetArn": "d", '
                                                 '"maxReceiveCount": "3"}'}, {})
    assert doc["SqsManagedSseEnabled"] is True and doc["MessageRetentionPeriod"] == 60
    assert doc["RedrivePolicy"] == {"deadLetterTargetArn": "d", "maxReceiveCount": 3}
    assert doc["CreatedTimestamp"] == "1970-01-01T00:00:00+00:00" and doc["Policy"] is None


def test_codebuild_never_keeps_secrets() -> None:
    assert mask_url("https://x-token-auth:abc@bitbucket.org/a/b") == \
        "https://***@bitbucket.org/a/b"
    assert mask_url("https://github.com/a/b") == "https://github.com/a/b"
    doc = normalize_project({
        "name": "p", "arn": "arn", "source": {"type": "S3", "location": "bucket/key"},
        "secondarySources": [{"type": "GITHUB", "location": "https://tok@github.com/a/b"}],
        "environment": {"environmentVariables": [{"name": "TOKEN", "value": "s3cr3t"}]},
        "secondaryArtifacts": [{"type": "S3", "encryptionDisabled": True}]})
    assert doc["SourceUrlHasCredentials"] is True and doc["ArtifactsEncryptionDisabled"] is True
    assert doc["EnvironmentVariables"] == [{"name": "TOKEN", "type": "PLAINTEXT"}]
    assert "s3cr3t" not in json.dumps(doc)
    assert doc["logsConfig"]["cloudWatchLogs"]["status"] == "ENABLED"
