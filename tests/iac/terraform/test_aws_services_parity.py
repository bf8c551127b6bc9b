"""Code to cloud: a Terraform resource and the API's answer for the same resource, read by the
collector's own normalize step, are judged alike by every rule of their asset type (a rule
reading a field the code leaves open is not applicable on the code side only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tf_judge import load_tf

from cloudwarden.collectors.aws._shapes import make_asset
from cloudwarden.collectors.aws.cloudfront import normalize_distribution
from cloudwarden.collectors.aws.eks import normalize_cluster as normalize_eks
from cloudwarden.collectors.aws.elb import normalize_load_balancer
from cloudwarden.collectors.aws.lambda_ import normalize_function
from cloudwarden.collectors.aws.opensearch import normalize_domain
from cloudwarden.collectors.aws.redshift import normalize_cluster
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.inventory.snapshot import Inventory

ALB_TF = """
provider "aws" { region = "eu-west-1" }
resource "aws_subnet" "a" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
resource "aws_lb" "web" {
  name    = "web"
  subnets = [aws_subnet.a.id, aws_subnet.b.id]
  access_logs {
    bucket  = "logs"
    enabled = true
  }
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/c"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
"""


def _alb_live() -> dict[str, Any]:
    raw = {"LoadBalancerName": "web", "LoadBalancerArn": "arn:lb/web", "Type": "application",
           "Scheme": "internet-facing", "VpcId": "vpc-1", "State": {"Code": "active"},
           "AvailabilityZones": [{"ZoneName": "eu-west-1a"}, {"ZoneName": "eu-west-1b"}]}
    forward = [{"Type": "forward", "TargetGroupArn": "arn:tg"}]
    listeners = [
        {"ListenerArn": "arn:l/1", "Protocol": "HTTP", "Port": 80, "DefaultActions": forward},
        {"ListenerArn": "arn:l/2", "Protocol": "HTTPS", "Port": 443,
         "SslPolicy": "ELBSecurityPolicy-2016-08",
         "Certificates": [{"CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/c"}],
         "DefaultActions": forward}]
    attributes = [{"Key": "access_logs.s3.enabled", "Value": "true"},
                  {"Key": "access_logs.s3.bucket", "Value": "logs"},
                  {"Key": "deletion_protection.enabled", "Value": "false"},
                  {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "false"},
                  {"Key": "routing.http.desync_mitigation_mode", "Value": "defensive"},
                  {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]
    return normalize_load_balancer(raw, listeners=listeners, attributes=attributes,
                                   web_acl={}, tags=[])


CLOUDFRONT_TF = """
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "web"
    domain_name = "web.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "match-viewer"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "web"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/c"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
"""


def _cloudfront_live() -> dict[str, Any]:
    config = {
        "Enabled": True, "Aliases": {"Quantity": 0}, "DefaultRootObject": "",
        "HttpVersion": "http2", "PriceClass": "PriceClass_All", "WebACLId": "",
        "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
        "ViewerCertificate": {"CloudFrontDefaultCertificate": False,
                              "ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:"
                                                   "certificate/c",
                              "SSLSupportMethod": "sni-only",
                              "MinimumProtocolVersion": "TLSv1.2_2021"},
        "DefaultCacheBehavior": {"TargetOriginId": "web",
                                 "ViewerProtocolPolicy": "redirect-to-https"},
        "CacheBehaviors": {"Quantity": 0},
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "web", "DomainName": "web.example.com", "OriginAccessControlId": "",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "match-viewer",
                                   "OriginSslProtocols": {"Quantity": 1,
                                                          "Items": ["TLSv1.2"]}}}]},
        "OriginGroups": {"Quantity": 0},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}}}
    summary = {"Id": "E1", "ARN": "arn:aws:cloudfront::123456789012:distribution/E1",
               "DomainName": "d1.cloudfront.net", "Status": "Deployed"}
    return normalize_distribution(summary, config=config, tags={"Tags": {"Items": []}})


OPENSEARCH_TF = """
resource "aws_opensearch_domain" "logs" {
  domain_name    = "logs"
  engine_version = "OpenSearch_2.13"
  cluster_config {
    instance_type  = "r6g.large.search"
    instance_count = 1
  }
  encrypt_at_rest { enabled = true }
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }
}
"""


def _opensearch_live() -> dict[str, Any]:
    raw = {"DomainName": "logs", "ARN": "arn:aws:es:eu-west-1:123456789012:domain/logs",
           "EngineVersion": "OpenSearch_2.13", "Endpoint": "search-logs.eu-west-1.es.aws",
           "EncryptionAtRestOptions": {"Enabled": True, "KmsKeyId": "arn:key"},
           "NodeToNodeEncryptionOptions": {"Enabled": False},
           "DomainEndpointOptions": {"EnforceHTTPS": True,
                                     "TLSSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"},
           "AdvancedSecurityOptions": {"Enabled": False, "InternalUserDatabaseEnabled": False,
                                       "AnonymousAuthEnabled": False},
           "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 1,
                             "DedicatedMasterEnabled": False, "ZoneAwarenessEnabled": False},
           "ServiceSoftwareOptions": {"UpdateAvailable": False, "UpdateStatus": "COMPLETED",
                                      "CurrentVersion": "OpenSearch_2_13_R1"}}
    return normalize_domain(raw, tags=[])


REDSHIFT_TF = """
resource "aws_redshift_cluster" "dw" {
  cluster_identifier  = "dw"
  node_type           = "dc2.large"
  master_username     = "awsuser"
  encrypted           = true
  publicly_accessible = true
}
"""


def _redshift_live() -> dict[str, Any]:
    raw = {"ClusterIdentifier": "dw", "ClusterStatus": "available", "NodeType": "dc2.large",
           "MasterUsername": "awsuser", "DBName": "dev",
           "Endpoint": {"Address": "dw.x.redshift.amazonaws.com", "Port": 5439},
           "VpcId": "vpc-1", "PubliclyAccessible": True, "Encrypted": True,
           "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/aws-redshift",
           "AutomatedSnapshotRetentionPeriod": 1, "EnhancedVpcRouting": False,
           "MultiAZ": "Disabled", "AllowVersionUpgrade": True,
           "ClusterParameterGroups": [{"ParameterGroupName": "default.redshift-1.0"}],
           "Tags": []}
    parameters = [{"ParameterName": "require_ssl", "ParameterValue": "false",
                   "Source": "engine-default"},
                  {"ParameterName": "enable_user_activity_logging", "ParameterValue": "false",
                   "Source": "engine-default"}]
    return normalize_cluster(raw, "arn:aws:redshift:eu-west-1:123456789012:cluster:dw",
                             logging={"LoggingEnabled": False}, parameters=parameters)


LAMBDA_TF = """
resource "aws_lambda_function" "hook" {
  function_name = "hook"
  role          = "arn:aws:iam::123456789012:role/hook"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "hook.zip"
  environment {
    variables = { SLACK_TOKEN = "x", STAGE = "prod" }
  }
}
resource "aws_lambda_permission" "public" {
  statement_id  = "Public"
  action        = "lambda:InvokeFunctionUrl"
  function_name = aws_lambda_function.hook.function_name
  principal     = "*"
  function_url_auth_type = "NONE"
}
resource "aws_lambda_function_url" "hook" {
  function_name      = aws_lambda_function.hook.function_name
  authorization_type = "NONE"
  cors { allow_origins = ["*"] }
}
"""


def _lambda_live() -> dict[str, Any]:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:hook"
    fn = {"FunctionName": "hook", "FunctionArn": arn, "Runtime": "python3.12",
          "PackageType": "Zip", "Handler": "app.handler",
          "Role": "arn:aws:iam::123456789012:role/hook", "Architectures": ["x86_64"],
          "Timeout": 3, "MemorySize": 128,
          "Environment": {"Variables": {"SLACK_TOKEN": "x", "STAGE": "prod"}},
          "TracingConfig": {"Mode": "PassThrough"}}
    policy = {"Policy": json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": [{
        "Sid": "Public", "Effect": "Allow", "Principal": "*",
        "Action": "lambda:InvokeFunctionUrl", "Resource": arn,
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]})}
    url = {"FunctionUrl": "https://x.lambda-url.eu-west-1.on.aws/", "AuthType": "NONE",
           "Cors": {"AllowOrigins": ["*"]}}
    return normalize_function(fn, policy=policy, url=url, signing={}, tags={})


EKS_TF = """
resource "aws_eks_cluster" "k8s" {
  name     = "k8s"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.31"
  vpc_config { subnet_ids = ["subnet-1", "subnet-2"] }
  enabled_cluster_log_types = ["api", "audit"]
}
"""


def _eks_live() -> dict[str, Any]:
    return normalize_eks({
        "name": "k8s", "arn": "arn:aws:eks:eu-west-1:123456789012:cluster/k8s",
        "version": "1.31", "platformVersion": "eks.5", "status": "ACTIVE",
        "roleArn": "arn:aws:iam::123456789012:role/eks",
        "resourcesVpcConfig": {"vpcId": "vpc-1", "subnetIds": ["subnet-1", "subnet-2"],
                               "endpointPublicAccess": True, "endpointPrivateAccess": False,
                               "publicAccessCidrs": ["0.0.0.0/0"]},
        "logging": {"clusterLogging": [
            {"types": ["api", "audit"], "enabled": True},
            {"types": ["authenticator", "controllerManager", "scheduler"], "enabled": False}]},
        "tags": {}})


CASES = {
    "alb": (ALB_TF, "aws_lb.web", _alb_live),
    "cloudfront": (CLOUDFRONT_TF, "aws_cloudfront_distribution.cdn", _cloudfront_live),
    "opensearch": (OPENSEARCH_TF, "aws_opensearch_domain.logs", _opensearch_live),
    "redshift": (REDSHIFT_TF, "aws_redshift_cluster.dw", _redshift_live),
    "lambda": (LAMBDA_TF, "aws_lambda_function.hook", _lambda_live),
    "eks": (EKS_TF, "aws_eks_cluster.k8s", _eks_live),
}


def _verdicts(engine: Engine, asset: Asset) -> dict[str, Status]:
    return {f.rule_id: f.status for f in engine.assess(Inventory([asset]))
            if f.asset == asset.ref}


@pytest.mark.parametrize("case", sorted(CASES))
def test_code_and_cloud_are_judged_alike(case: str, tmp_path: Path,
                                         aws_engine: Engine) -> None:
    text, address, live_doc = CASES[case]
    code = load_tf(tmp_path, text)[address]
    doc = live_doc()
    live = make_asset("123456789012", "eu-west-1", code.type, "arn:live", code.name, doc)
    assert set(live.properties) == set(code.properties)
    from_code, from_cloud = _verdicts(aws_engine, code), _verdicts(aws_engine, live)
    assert from_code.keys() == from_cloud.keys()
    judged = {r for r, s in from_code.items() if s is not Status.NOT_APPLICABLE}
    assert {r: from_code[r] for r in judged} == {r: from_cloud[r] for r in judged}
    # the case judges both outcomes: agreement means something
    assert {Status.PASS, Status.FAIL} <= {from_code[r] for r in judged}
