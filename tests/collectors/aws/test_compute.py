"""The compute collectors (lambda, ecs, eks, ecr, autoscaling, elasticbeanstalk) against a real
moto server, seeded with well and badly configured resources.

moto lacks Elastic Beanstalk's DescribeConfigurationSettings: it is answered with a canned reply
through botocore's `before-send` event on the injected session (the injected transport
technique), as AWS documents the response. The failing-call test injects AccessDenied the same
way.
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.autoscaling import normalize_group, normalize_launch_template
from cloudwarden.collectors.aws.ecr import normalize_repository
from cloudwarden.collectors.aws.ecs import normalize_service, normalize_task_definition
from cloudwarden.collectors.aws.eks import normalize_cluster
from cloudwarden.collectors.aws.elasticbeanstalk import normalize_environment
from cloudwarden.collectors.aws.lambda_ import normalize_function
from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import Asset
from cloudwarden.core.secretnames import secret_like
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVICES = ("lambda", "ecs", "eks", "ecr", "autoscaling", "elasticbeanstalk")
SECRET_VALUE = "hunter2-do-not-store"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
         "aws_session_token": "testing"}
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
EB_NS = "http://elasticbeanstalk.amazonaws.com/docs/2010-12-01/"


class _Raw:
    """The bit of a urllib3 response that AWSResponse reads."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def canned(status: int, body: str, content_type: str = "text/xml") -> AWSResponse:
    return AWSResponse("http://canned", status, {"Content-Type": content_type},
                       _Raw(body.encode()))


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def _eb_settings_reply(**_: Any) -> AWSResponse:
    """DescribeConfigurationSettings, which moto lacks, as AWS answers it."""
    options = [
        ("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
        ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true"),
        ("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", "false"),
        ("aws:elasticbeanstalk:application:environment", "DB_PASSWORD", SECRET_VALUE),
    ]
    members = "".join(f"<member><Namespace>{ns}</Namespace><OptionName>{name}</OptionName>"
                      f"<Value>{value}</Value></member>" for ns, name, value in options)
    return canned(200, f'<DescribeConfigurationSettingsResponse xmlns="{EB_NS}">'
                       f"<DescribeConfigurationSettingsResult><ConfigurationSettings><member>"
                       f"<ApplicationName>shop</ApplicationName><OptionSettings>{members}"
                       f"</OptionSettings></member></ConfigurationSettings>"
                       f"</DescribeConfigurationSettingsResult><ResponseMetadata><RequestId>r"
                       f"</RequestId></ResponseMetadata></DescribeConfigurationSettingsResponse>")


def _seed_lambda(c: Callable[..., Any], subnets: list[str], sg: str) -> None:
    role = c("iam").create_role(RoleName="fn-role",
                                AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    lam = c("lambda")
    lam.create_function(
        FunctionName="good-fn", Runtime="python3.12", Role=role, Handler="index.handler",
        Code={"ZipFile": _zip()}, TracingConfig={"Mode": "Active"},
        VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [sg]},
        DeadLetterConfig={"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"},
        Environment={"Variables": {"LOG_LEVEL": "info",
                                   "DB_SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:"
                                                    f"{ACCOUNT}:secret:db"}},
        Tags={"team": "payments"})
    lam.add_permission(FunctionName="good-fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceAccount=ACCOUNT)
    lam.create_function_url_config(FunctionName="good-fn", AuthType="AWS_IAM")
    lam.create_function(
        FunctionName="bad-fn", Runtime="python3.7", Role=role, Handler="index.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": {"DB_PASSWORD": SECRET_VALUE,
                                   "AWS_SECRET_ACCESS_KEY": SECRET_VALUE}})
    lam.add_permission(FunctionName="bad-fn", StatementId="open", Action="lambda:InvokeFunction",
                       Principal="*")
    lam.create_function_url_config(FunctionName="bad-fn", AuthType="NONE",
                                   Cors={"AllowOrigins": ["*"]})


def _seed_ecs(c: Callable[..., Any], subnets: list[str], sg: str) -> None:
    ecs = c("ecs")
    ecs.register_task_definition(
        family="good-task", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="256", memory="512",
        containerDefinitions=[{
            "name": "app", "image": "app:1", "essential": True, "user": "1000",
            "readonlyRootFilesystem": True, "privileged": False,
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "secrets": [{"name": "DB_PASSWORD",
                         "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/db"}],
            "logConfiguration": {"logDriver": "awslogs",
                                 "options": {"awslogs-group": "/ecs/good"}}}],
        tags=[{"key": "env", "value": "prod"}])
    ecs.register_task_definition(family="bad-task", containerDefinitions=[{
        "name": "old", "image": "app:0", "memory": 128}])
    ecs.register_task_definition(
        family="bad-task", networkMode="host", pidMode="host",
        containerDefinitions=[{
            "name": "root", "image": "app:1", "memory": 128, "privileged": True,
            "environment": [{"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET_VALUE},
                            {"name": "MODE", "value": "x"}]}])
    ecs.create_cluster(clusterName="insights",
                       settings=[{"name": "containerInsights", "value": "enabled"}])
    ecs.create_cluster(clusterName="plain")
    ecs.create_service(
        cluster="insights", serviceName="public-svc", taskDefinition="good-task",
        desiredCount=0, launchType="FARGATE", platformVersion="1.3.0",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": subnets, "securityGroups": [sg], "assignPublicIp": "ENABLED"}})
    ecs.register_task_definition(
        family="win-task", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="1024", memory="2048",
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
                         "cpuArchitecture": "X86_64"},
        containerDefinitions=[{"name": "iis", "image": "iis:2022", "essential": True,
                               "user": "ContainerUser",
                               "mountPoints": [{"sourceVolume": "shared",
                                                "containerPath": "C:\\data"}]}],
        volumes=[{"name": "shared", "efsVolumeConfiguration": {
            "fileSystemId": "fs-0123456789abcdef0", "transitEncryption": "ENABLED"}},
            {"name": "scratch"}])
    ecs.create_service(
        cluster="plain", serviceName="blue-green", taskDefinition="good-task", desiredCount=0,
        deploymentController={"type": "EXTERNAL"})
    ecs.create_task_set(
        cluster="plain", service="blue-green", taskDefinition="good-task", launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": subnets, "securityGroups": [sg], "assignPublicIp": "ENABLED"}})


def _seed_eks(c: Callable[..., Any], subnets: list[str], key: str) -> None:
    eks = c("eks")
    role = f"arn:aws:iam::{ACCOUNT}:role/eks"
    eks.create_cluster(
        name="private", version="1.31", roleArn=role,
        resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": False,
                            "endpointPrivateAccess": True},
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key}}],
        tags={"env": "prod"})
    eks.create_cluster(name="open", version="1.24", roleArn=role,
                       resourcesVpcConfig={"subnetIds": subnets})


def _seed_ecr(c: Callable[..., Any], key: str) -> None:
    ecr = c("ecr")
    ecr.create_repository(repositoryName="good-repo", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True},
                          encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
                          tags=[{"Key": "env", "Value": "prod"}])
    ecr.put_lifecycle_policy(repositoryName="good-repo", lifecyclePolicyText=json.dumps(
        {"rules": [{"rulePriority": 1, "selection": {
            "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
            "countNumber": 14}, "action": {"type": "expire"}}]}))
    ecr.create_repository(repositoryName="bad-repo")
    ecr.set_repository_policy(repositoryName="bad-repo", policyText=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Sid": "open", "Effect": "Allow",
                                                 "Principal": "*", "Action": "ecr:*"}]}))


def _seed_autoscaling(c: Callable[..., Any], subnets: list[str]) -> None:
    ec2, asg = c("ec2"), c("autoscaling")
    ec2.create_launch_template(
        LaunchTemplateName="good-lt", LaunchTemplateData={
            "ImageId": "ami-12c6146b", "InstanceType": "t3.micro",
            "UserData": "c2VjcmV0", "MetadataOptions": {"HttpTokens": "required",
                                                      "HttpEndpoint": "enabled"}},
        TagSpecifications=[{"ResourceType": "launch-template",
                            "Tags": [{"Key": "env", "Value": "prod"}]}])
    ec2.create_launch_template(
        LaunchTemplateName="bad-lt", LaunchTemplateData={
            "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "optional"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}]})
    asg.create_launch_configuration(LaunchConfigurationName="legacy-lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro", AssociatePublicIpAddress=True,
                                    MetadataOptions={"HttpTokens": "optional"})
    asg.create_auto_scaling_group(
        AutoScalingGroupName="good-asg", MinSize=0, MaxSize=2,
        LaunchTemplate={"LaunchTemplateName": "good-lt", "Version": "$Default"},
        VPCZoneIdentifier=",".join(subnets[:2]),
        Tags=[{"Key": "env", "Value": "prod", "PropagateAtLaunch": True}])
    asg.create_auto_scaling_group(AutoScalingGroupName="bad-asg", MinSize=0, MaxSize=1,
                                  LaunchConfigurationName="legacy-lc",
                                  AvailabilityZones=[f"{REGION}a"])


def _seed_beanstalk(c: Callable[..., Any]) -> None:
    eb = c("elasticbeanstalk")
    eb.create_application(ApplicationName="shop")
    eb.create_environment(ApplicationName="shop", EnvironmentName="shop-prod",
                          SolutionStackName="64bit Amazon Linux 2023 v4.0.0 running Python 3.11",
                          Tags=[{"Key": "env", "Value": "prod"}])


def seed(c: Callable[..., Any]) -> dict[str, Any]:
    ec2 = c("ec2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    sg = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    key = c("kms").create_key(Description="compute")["KeyMetadata"]["Arn"]
    _seed_lambda(c, subnets, sg)
    _seed_ecs(c, subnets, sg)
    _seed_eks(c, subnets, key)
    _seed_ecr(c, key)
    _seed_autoscaling(c, subnets)
    _seed_beanstalk(c)
    return {"subnets": subnets, "sg": sg, "vpc": vpc, "key": key}


#: moto fails DescribeCapacityProviders called without names (all providers): answered as
#: AWS documents it, with AWS's FARGATE provider and two Auto Scaling group providers.
CAPACITY_PROVIDERS = {"capacityProviders": [
    {"capacityProviderArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:capacity-provider/FARGATE",
     "name": "FARGATE", "status": "ACTIVE", "tags": []},
    {"capacityProviderArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:capacity-provider/asg-protected",
     "name": "asg-protected", "status": "ACTIVE",
     "autoScalingGroupProvider": {
         "autoScalingGroupArn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:"
                                "1a2b:autoScalingGroupName/ecs-a",
         "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
         "managedTerminationProtection": "ENABLED", "managedDraining": "ENABLED"},
     "tags": [{"key": "env", "value": "prod"}]},
    {"capacityProviderArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:capacity-provider/asg-open",
     "name": "asg-open", "status": "ACTIVE",
     "autoScalingGroupProvider": {
         "autoScalingGroupArn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:"
                                "3c4d:autoScalingGroupName/ecs-b",
         "managedScaling": {"status": "DISABLED", "targetCapacity": 100},
         "managedTerminationProtection": "DISABLED"}}]}


def _capacity_providers_reply(**_: Any) -> AWSResponse:
    return canned(200, json.dumps(CAPACITY_PROVIDERS), "application/x-amz-json-1.1")


def scan(session: boto3.Session, endpoint: str) -> Inventory:
    session.events.register("before-send.elastic-beanstalk.DescribeConfigurationSettings",
                            _eb_settings_reply)
    session.events.register("before-send.ecs.DescribeCapacityProviders",
                            _capacity_providers_reply)
    return collect(AwsScanOptions(regions=(REGION,), services=SERVICES, endpoint_url=endpoint),
                   session=session)


def only(inv: Inventory, type_: str, name: str) -> Asset:
    found = [a for a in inv.of_type(type_) if a.name == name]
    assert len(found) == 1, f"{type_} {name}: {[a.name for a in inv.of_type(type_)]}"
    return found[0]


@pytest.fixture(scope="module")
def seeded(moto_server: str) -> tuple[dict[str, Any], Inventory]:
    """One seeded account collected once for the module (the tests only read the result)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
            mp.setenv(key, value)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        req = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
        ids = seed(partial(_client, boto3.Session(region_name=REGION, **CREDS), moto_server))
        return ids, scan(boto3.Session(region_name=REGION, **CREDS), moto_server)


def _client(session: boto3.Session, endpoint: str, service: str) -> Any:
    return session.client(service, region_name=REGION,  # type: ignore[call-overload]
                          endpoint_url=endpoint)


COMPUTE_TYPES = {"aws.lambda.function", "aws.ecs.task_definition", "aws.ecs.cluster",
                 "aws.ecs.service", "aws.ecs.capacity_provider", "aws.eks.cluster",
                 "aws.ecr.repository",
                 "aws.ec2.launch_template", "aws.autoscaling.launch_configuration",
                 "aws.autoscaling.group", "aws.elasticbeanstalk.environment"}


def test_collects_every_compute_type_with_the_declared_fields_and_no_secret_values(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    assert inv.errors == []
    assert set(inv.types()) >= COMPUTE_TYPES
    registry = default_registry()
    for asset in inv:
        if asset.type not in COMPUTE_TYPES:
            continue
        spec = registry[asset.type]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        assert set(asset.properties) == top, asset.ref
        assert asset.ref.id == asset.properties[spec.id_field]
        assert asset.unknown == {}
        assert asset.ref.region == REGION and asset.origin == "aws:api"
        # environment variable values never reach the inventory
        assert SECRET_VALUE not in json.dumps(asset.properties), asset.ref


def test_lambda_functions(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    good = only(inv, "aws.lambda.function", "good-fn").properties
    bad = only(inv, "aws.lambda.function", "bad-fn").properties
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
    assert good["FunctionArn"] == arn + "good-fn"
    assert good["Runtime"] == "python3.12" and bad["Runtime"] == "python3.7"
    assert good["Role"] == bad["Role"] == f"arn:aws:iam::{ACCOUNT}:role/fn-role"
    assert good["EnvironmentVariableNames"] == ["DB_SECRET_ARN", "LOG_LEVEL"]
    assert good["SecretLikeEnvironmentVariableNames"] == []
    assert bad["EnvironmentVariableNames"] == ["AWS_SECRET_ACCESS_KEY", "DB_PASSWORD"]
    assert bad["SecretLikeEnvironmentVariableNames"] == ["AWS_SECRET_ACCESS_KEY", "DB_PASSWORD"]
    assert good["VpcConfig"]["SubnetIds"] == ids["subnets"]
    assert good["VpcConfig"]["SecurityGroupIds"] == [ids["sg"]]
    assert bad["VpcConfig"] is None
    assert good["TracingConfig"] == {"Mode": "Active"}
    assert bad["TracingConfig"] == {"Mode": "PassThrough"}
    assert good["Policy"]["Statement"] == [{
        "Action": "lambda:InvokeFunction", "Principal": {"Service": "s3.amazonaws.com"},
        "Effect": "Allow", "Resource": arn + "good-fn", "Sid": "s3",
        "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}}]
    assert bad["Policy"]["Statement"][0]["Principal"] == "*"
    assert good["FunctionUrlConfig"]["AuthType"] == "AWS_IAM"
    assert good["FunctionUrlConfig"]["Cors"] is None
    assert bad["FunctionUrlConfig"]["AuthType"] == "NONE"
    assert bad["FunctionUrlConfig"]["Cors"] == {"AllowOrigins": ["*"]}
    assert bad["FunctionUrlConfig"]["FunctionUrl"].startswith("https://")
    assert good["CodeSigningConfigArn"] is None and good["KMSKeyArn"] is None
    assert good["Tags"] == {"team": "payments"} and bad["Tags"] == {}
    assert good["LastModified"].endswith("+00:00")


def test_ecs(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    good = only(inv, "aws.ecs.task_definition", "good-task:1").properties
    bad = only(inv, "aws.ecs.task_definition", "bad-task:2").properties  # latest revision only
    assert len(inv.of_type("aws.ecs.task_definition")) == 3
    assert good["networkMode"] == "awsvpc" and good["pidMode"] is None
    assert good["requiresCompatibilities"] == ["FARGATE"] and good["Tags"] == {"env": "prod"}
    assert good["containerDefinitions"] == [{
        "name": "app", "image": "app:1", "privileged": False, "readonlyRootFilesystem": True,
        "user": "1000", "environmentVariableNames": ["LOG_LEVEL"],
        "secretLikeEnvironmentVariableNames": [], "environmentFiles": [],
        "secrets": [{"name": "DB_PASSWORD",
                     "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/db"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/good"}},
        "linuxParameters": None, "essential": True}]
    assert bad["taskDefinitionArn"] == (
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/bad-task:2")
    assert bad["networkMode"] == "host" and bad["pidMode"] == "host"
    assert bad["containerDefinitions"] == [{
        "name": "root", "image": "app:1", "privileged": True, "readonlyRootFilesystem": None,
        "user": None, "environmentVariableNames": ["AWS_SECRET_ACCESS_KEY", "MODE"],
        "secretLikeEnvironmentVariableNames": ["AWS_SECRET_ACCESS_KEY"],
        "environmentFiles": [], "secrets": [], "logConfiguration": None,
        "linuxParameters": None, "essential": True}]
    insights = only(inv, "aws.ecs.cluster", "insights").properties
    plain = only(inv, "aws.ecs.cluster", "plain").properties
    assert insights["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert plain["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    service = only(inv, "aws.ecs.service", "public-svc").properties
    assert service == {
        "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/insights/public-svc",
        "serviceName": "public-svc", "clusterArn": insights["clusterArn"], "status": "ACTIVE",
        "launchType": "FARGATE", "platformVersion": "1.3.0",
        "taskDefinition": good["taskDefinitionArn"],
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": ids["subnets"], "securityGroups": [ids["sg"]],
            "assignPublicIp": "ENABLED"}},
        "taskSets": [], "Tags": {}}
    assert (good["runtimePlatform"], good["volumes"]) == (None, [])


def test_ecs_task_sets_windows_platform_efs_volumes_and_capacity_providers(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    blue_green = only(inv, "aws.ecs.service", "blue-green").properties
    [task_set] = blue_green["taskSets"]
    assert task_set["taskSetArn"].startswith(
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-set/plain/blue-green/")
    assert (task_set["status"], task_set["assignPublicIp"]) == ("ACTIVE", "ENABLED")
    win = only(inv, "aws.ecs.task_definition", "win-task:1").properties
    assert win["runtimePlatform"] == {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
                                      "cpuArchitecture": "X86_64"}
    assert win["containerDefinitions"][0]["user"] == "ContainerUser"
    assert win["volumes"] == [
        {"name": "shared", "efsVolumeConfiguration": {
            "fileSystemId": "fs-0123456789abcdef0", "rootDirectory": "/",
            "transitEncryption": "ENABLED"}},
        {"name": "scratch", "efsVolumeConfiguration": None}]
    fargate = only(inv, "aws.ecs.capacity_provider", "FARGATE").properties
    assert (fargate["autoScalingGroupProvider"], fargate["Tags"]) == (None, {})
    protected = only(inv, "aws.ecs.capacity_provider", "asg-protected").properties
    assert protected["autoScalingGroupProvider"]["managedTerminationProtection"] == "ENABLED"
    assert protected["autoScalingGroupProvider"]["managedScaling"] == {
        "status": "ENABLED", "targetCapacity": 100}
    assert protected["Tags"] == {"env": "prod"}
    open_ = only(inv, "aws.ecs.capacity_provider", "asg-open").properties
    assert open_["autoScalingGroupProvider"]["managedTerminationProtection"] == "DISABLED"
    assert open_["autoScalingGroupProvider"]["managedDraining"] is None


def test_eks(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    private = only(inv, "aws.eks.cluster", "private").properties
    open_ = only(inv, "aws.eks.cluster", "open").properties
    assert private["arn"] == f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/private"
    assert private["version"] == "1.31" and open_["version"] == "1.24"
    vpc = private["resourcesVpcConfig"]
    assert (vpc["endpointPublicAccess"], vpc["endpointPrivateAccess"]) == (False, True)
    assert vpc["subnetIds"] == ids["subnets"]
    assert private["logging"] == {"clusterLogging": [{"types": ["api", "audit"],
                                                      "enabled": True}]}
    assert private["encryptionConfig"] == [{"resources": ["secrets"],
                                            "provider": {"keyArn": ids["key"]}}]
    assert private["Tags"] == {"env": "prod"}
    assert open_["encryptionConfig"] == []
    assert [e["enabled"] for e in open_["logging"]["clusterLogging"]] == [False]


def test_ecr(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    good = only(inv, "aws.ecr.repository", "good-repo").properties
    bad = only(inv, "aws.ecr.repository", "bad-repo").properties
    assert good["repositoryArn"] == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/good-repo"
    assert good["imageTagMutability"] == "IMMUTABLE" and bad["imageTagMutability"] == "MUTABLE"
    assert good["imageScanningConfiguration"] == {"scanOnPush": True}
    assert bad["imageScanningConfiguration"] == {"scanOnPush": False}
    assert good["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": ids["key"]}
    assert bad["encryptionConfiguration"] == {"encryptionType": "AES256", "kmsKey": None}
    assert good["RegistryScanningConfiguration"] == {"scanType": "BASIC", "rules": []}
    assert good["Policy"] is None
    assert bad["Policy"]["Statement"] == [{"Sid": "open", "Effect": "Allow", "Principal": "*",
                                           "Action": "ecr:*"}]
    assert good["LifecyclePolicy"]["rules"][0]["action"] == {"type": "expire"}
    assert bad["LifecyclePolicy"] is None
    assert good["Tags"] == {"env": "prod"} and bad["Tags"] == {}


def test_autoscaling(seeded: tuple[dict[str, Any], Inventory]) -> None:
    ids, inv = seeded
    good = only(inv, "aws.ec2.launch_template", "good-lt").properties
    bad = only(inv, "aws.ec2.launch_template", "bad-lt").properties
    assert good["Arn"] == (f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/"
                           f"{good['LaunchTemplateId']}")
    assert good["DefaultVersionNumber"] == 1 and good["Tags"] == {"env": "prod"}
    assert good["LaunchTemplateData"] == {
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled",
                            "HttpPutResponseHopLimit": None},
        "NetworkInterfaces": [], "ImageId": "ami-12c6146b", "InstanceType": "t3.micro",
        "IamInstanceProfile": None, "SecurityGroupIds": [], "BlockDeviceMappings": []}
    assert bad["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "optional"
    assert bad["LaunchTemplateData"]["NetworkInterfaces"] == [
        {"AssociatePublicIpAddress": True, "DeviceIndex": 0, "Groups": []}]
    lc = only(inv, "aws.autoscaling.launch_configuration", "legacy-lc").properties
    assert lc["AssociatePublicIpAddress"] is True
    assert lc["MetadataOptions"] == {"HttpTokens": "optional", "HttpEndpoint": None,
                                     "HttpPutResponseHopLimit": None}
    good_asg = only(inv, "aws.autoscaling.group", "good-asg").properties
    bad_asg = only(inv, "aws.autoscaling.group", "bad-asg").properties
    assert good_asg["AvailabilityZones"] == [f"{REGION}a", f"{REGION}b"]
    assert good_asg["VPCZoneIdentifier"] == ",".join(ids["subnets"])
    assert good_asg["LaunchTemplate"] == {"LaunchTemplateId": good["LaunchTemplateId"],
                                          "LaunchTemplateName": "good-lt",
                                          "Version": "$Default"}
    assert good_asg["LaunchConfigurationName"] is None and good_asg["Tags"] == {"env": "prod"}
    assert bad_asg["AvailabilityZones"] == [f"{REGION}a"]
    assert bad_asg["LaunchConfigurationName"] == "legacy-lc" and bad_asg["LaunchTemplate"] is None
    assert bad_asg["HealthCheckType"] == "EC2" and bad_asg["TargetGroupARNs"] == []


def test_beanstalk_option_settings_come_from_a_canned_reply(
        seeded: tuple[dict[str, Any], Inventory]) -> None:
    _, inv = seeded
    env = only(inv, "aws.elasticbeanstalk.environment", "shop-prod").properties
    assert env["EnvironmentArn"] == (
        f"arn:aws:elasticbeanstalk:{REGION}:{ACCOUNT}:environment/shop/shop-prod")
    assert env["ApplicationName"] == "shop" and env["Status"] == "Ready"
    # the application environment namespace (variable values) is left out
    assert env["OptionSettings"] == [
        {"Namespace": "aws:elasticbeanstalk:healthreporting:system", "OptionName": "SystemType",
         "Value": "enhanced"},
        {"Namespace": "aws:elasticbeanstalk:managedactions",
         "OptionName": "ManagedActionsEnabled", "Value": "true"},
        {"Namespace": "aws:elasticbeanstalk:cloudwatch:logs", "OptionName": "StreamLogs",
         "Value": "false"}]
    assert env["Tags"] == {"env": "prod"}


def test_denied_lambda_policy_is_one_error_and_the_function_is_still_collected(
        aws_session: boto3.Session, make_client: Callable[..., Any], aws_endpoint: str) -> None:
    seed(make_client)

    def deny(request: Any, **_: Any) -> AWSResponse | None:
        if "/functions/bad-fn/" in request.url:  # AccessDenied, injected through before-send
            return canned(403, json.dumps({"Message": "not authorized"}), "application/json")
        return None

    aws_session.events.register("before-send.lambda.GetPolicy", deny)
    # lambda answers errors with an x-amzn-errortype header; botocore also reads the status
    inv = scan(aws_session, aws_endpoint)
    assert [(e.service, e.operation) for e in inv.errors] == [("lambda", "GetPolicy")]
    error = inv.errors[0]
    assert isinstance(error, CollectionError) and error.region == REGION
    bad = only(inv, "aws.lambda.function", "bad-fn")
    assert set(bad.unknown) == {"Policy"}
    assert bad.unknown["Policy"].startswith("GetPolicy: ")
    assert bad.properties["Policy"] is None
    assert bad.properties["FunctionUrlConfig"]["AuthType"] == "NONE"  # the rest was collected
    good = only(inv, "aws.lambda.function", "good-fn")
    assert good.unknown == {} and good.properties["Policy"] is not None


# -- the pure normalize functions ---------------------------------------------------------------

def test_secret_like_names() -> None:
    names = ["DB_PASSWORD", "db_passwd", "GITHUB_TOKEN", "STRIPE_API_KEY", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA", "DB_SECRET_ARN", "TOKEN_PARAM_NAME",
             "LOG_LEVEL", "PWD", "KEYBOARD", "SECRET_ID"]
    assert secret_like(names) == ["DB_PASSWORD", "db_passwd", "GITHUB_TOKEN", "STRIPE_API_KEY",
                                  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                  "ECS_ENGINE_AUTH_DATA", "PWD"]


def test_normalize_function_outside_a_vpc_with_nothing_configured() -> None:
    doc = normalize_function(
        {"FunctionName": "f", "FunctionArn": "arn:f", "PackageType": "Image",
         "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""},
         "Environment": {"Variables": {"API_KEY": "v", "MODE": "x"}},
         "DeadLetterConfig": {}, "KMSKeyArn": ""},
        policy={}, url={}, signing={"CodeSigningConfigArn": ""}, tags={"a": "b"})
    assert doc["Runtime"] is None and doc["VpcConfig"] is None
    assert doc["Policy"] is None and doc["FunctionUrlConfig"] is None
    assert doc["DeadLetterConfig"] is None and doc["KMSKeyArn"] is None
    assert doc["CodeSigningConfigArn"] is None and doc["TracingConfig"] is None
    assert doc["EnvironmentVariableNames"] == ["API_KEY", "MODE"]
    assert doc["SecretLikeEnvironmentVariableNames"] == ["API_KEY"]
    assert "v" not in json.dumps(doc["EnvironmentVariableNames"])
    assert doc["Tags"] == {"a": "b"}
    failed = normalize_function({"FunctionName": "f", "FunctionArn": "arn:f"}, policy=None,
                                url=None, signing=None, tags=None)
    assert failed["Policy"] is None and failed["Tags"] is None
    assert failed["EnvironmentVariableNames"] == []


def test_normalize_ecs_and_eks_minimal() -> None:
    td = normalize_task_definition({"taskDefinitionArn": "arn:td:1", "family": "td",
                                    "containerDefinitions": [{"name": "c", "user": ""}]}, None)
    assert td["containerDefinitions"][0]["user"] is None
    assert td["containerDefinitions"][0]["privileged"] is None
    assert td["Tags"] is None and td["requiresCompatibilities"] == []
    svc = normalize_service({"serviceArn": "arn:s", "serviceName": "s"})
    assert svc["networkConfiguration"] is None and svc["Tags"] == {}
    eks = normalize_cluster({"name": "c", "arn": "arn:c", "tags": {"k": "v"}})
    assert eks["logging"] == {"clusterLogging": []} and eks["encryptionConfig"] == []
    assert eks["resourcesVpcConfig"]["publicAccessCidrs"] == [] and eks["Tags"] == {"k": "v"}


def test_normalize_ecr_autoscaling_beanstalk_minimal() -> None:
    repo = normalize_repository({"repositoryArn": "arn:r", "repositoryName": "r",
                                 "encryptionConfiguration": {"encryptionType": "AES256"}},
                                policy={"policyText": '{"Statement": []}'}, lifecycle=None,
                                scanning={"scanType": "ENHANCED", "rules": [
                                    {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [
                                        {"filter": "*", "filterType": "WILDCARD"}]}]},
                                tags=[{"Key": "a", "Value": "b"}])
    assert repo["Policy"] == {"Statement": []} and repo["LifecyclePolicy"] is None
    assert repo["RegistryScanningConfiguration"]["rules"][0]["scanFrequency"] == (
        "CONTINUOUS_SCAN")
    assert repo["imageScanningConfiguration"] == {"scanOnPush": None}
    lt = normalize_launch_template({"LaunchTemplateId": "lt-1"}, "arn:lt", None)
    assert lt["LaunchTemplateData"] is None and lt["Tags"] == {}
    group = normalize_group({"AutoScalingGroupARN": "arn:g", "AutoScalingGroupName": "g",
                             "LaunchConfigurationName": "", "VPCZoneIdentifier": ""})
    assert group["LaunchConfigurationName"] is None and group["VPCZoneIdentifier"] is None
    assert group["AvailabilityZones"] == []
    env = normalize_environment({"EnvironmentArn": "arn:e", "EnvironmentName": "e"},
                                settings=None, tags=None)
    assert env["OptionSettings"] is None and env["Tags"] is None
