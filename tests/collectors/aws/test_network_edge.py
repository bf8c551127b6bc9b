"""The network and edge collectors (ELB, CloudFront, API Gateway, WAFv2, Route 53, ACM) against a
real moto server: resources seeded well and badly configured, collected once per module.

moto answers Route 53 GetDNSSEC with NOT_SIGNING for every zone; the signing zone's answer is a
canned reply injected through botocore's `before-send` event (the injected transport technique),
as AWS documents it. Failures are injected the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws.apigateway import normalize_stage, normalize_v2_api
from cloudwarden.collectors.aws.cloudfront import normalize_distribution
from cloudwarden.collectors.aws.elb import (
    normalize_classic,
    normalize_load_balancer,
    reference_policies,
)
from cloudwarden.collectors.aws.route53 import normalize_zone
from cloudwarden.collectors.aws.wafv2 import normalize_web_acl
from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import Asset
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVICES = ("elb", "cloudfront", "apigateway", "wafv2", "route53", "acm")
NETWORK_TYPES = {"aws.elb.classic_load_balancer", "aws.elb.load_balancer",
                 "aws.cloudfront.distribution", "aws.apigateway.rest_api",
                 "aws.apigateway.stage", "aws.apigateway.v2_api", "aws.apigateway.v2_stage",
                 "aws.wafv2.web_acl", "aws.route53.hosted_zone", "aws.acm.certificate"}
R53_NS = "https://route53.amazonaws.com/doc/2013-04-01/"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
         "aws_session_token": "testing"}


class _Raw:
    """The bit of a urllib3 response that AWSResponse reads."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def canned(status: int, body: str) -> AWSResponse:
    return AWSResponse("http://canned", status, {"Content-Type": "text/xml"},
                       _Raw(body.encode()))


def client_for(session: boto3.Session, endpoint: str, service: str,
               region: str = REGION) -> Any:
    return session.client(service, region_name=region,  # type: ignore[call-overload]
                          endpoint_url=endpoint)


def reset_moto(endpoint: str) -> None:
    req = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def self_signed(bits: int, days: int) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"rsa{bits}.example.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def _visibility(name: str, metrics: bool = True) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": metrics,
            "MetricName": name}


def _seed_acm(c: Callable[..., Any]) -> dict[str, str]:
    acm = c("acm")
    strong_cert, strong_key = self_signed(2048, 365)
    weak_cert, weak_key = self_signed(1024, 10)
    strong = acm.import_certificate(Certificate=strong_cert, PrivateKey=strong_key,
                                    Tags=[{"Key": "env", "Value": "prod"}])["CertificateArn"]
    weak = acm.import_certificate(Certificate=weak_cert, PrivateKey=weak_key)["CertificateArn"]
    return {"strong_cert": strong, "weak_cert": weak}


def _seed_elb(c: Callable[..., Any], cert: str) -> dict[str, str]:
    ec2 = c("ec2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]][:2]
    elb = c("elb")
    elb.create_load_balancer(LoadBalancerName="cw-classic-good", AvailabilityZones=[
        "us-east-1a", "us-east-1b"], Listeners=[{
            "Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTPS",
            "InstancePort": 443, "SSLCertificateId": cert}],
        Tags=[{"Key": "tier", "Value": "web"}])
    elb.create_load_balancer_policy(
        LoadBalancerName="cw-classic-good", PolicyName="tls12",
        PolicyTypeName="SSLNegotiationPolicyType", PolicyAttributes=[{
            "AttributeName": "Reference-Security-Policy",
            "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01"}])
    elb.set_load_balancer_policies_of_listener(LoadBalancerName="cw-classic-good",
                                               LoadBalancerPort=443, PolicyNames=["tls12"])
    elb.modify_load_balancer_attributes(LoadBalancerName="cw-classic-good",
                                        LoadBalancerAttributes={
        "CrossZoneLoadBalancing": {"Enabled": True},
        "AccessLog": {"Enabled": True, "S3BucketName": "cw-logs", "EmitInterval": 5,
                      "S3BucketPrefix": "elb"},
        "ConnectionDraining": {"Enabled": True, "Timeout": 300}})
    elb.create_load_balancer(LoadBalancerName="cw-classic-bad", AvailabilityZones=[
        "us-east-1a"], Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80,
                                   "InstanceProtocol": "HTTP", "InstancePort": 80}])
    v2 = c("elbv2")
    good = v2.create_load_balancer(Name="cw-alb-good", Subnets=subnets, Scheme="internal",
                                   Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    bad = v2.create_load_balancer(Name="cw-alb-bad", Subnets=subnets, Scheme="internet-facing",
                                  Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    vpc = ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    group = v2.create_target_group(Name="cw-tg", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"][0]["TargetGroupArn"]
    v2.create_listener(LoadBalancerArn=good, Protocol="HTTP", Port=80, DefaultActions=[{
        "Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                               "StatusCode": "HTTP_301"}}])
    v2.create_listener(LoadBalancerArn=good, Protocol="HTTPS", Port=443,
                       SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                       Certificates=[{"CertificateArn": cert}],
                       DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    v2.create_listener(LoadBalancerArn=bad, Protocol="HTTP", Port=80,
                       DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    v2.modify_load_balancer_attributes(LoadBalancerArn=good, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "true"},
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "cw-logs"},
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        {"Key": "routing.http.desync_mitigation_mode", "Value": "strictest"}])
    v2.add_tags(ResourceArns=[good], Tags=[{"Key": "tier", "Value": "web"}])
    return {"alb_good": good, "alb_bad": bad, "alb_good_zones": subnets}


def _seed_waf(c: Callable[..., Any], alb: str) -> dict[str, str]:
    waf = c("wafv2")
    rule = {"Name": "common", "Priority": 0, "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS",
                                                        "Name": "AWSManagedRulesCommonRuleSet"}},
            "VisibilityConfig": _visibility("common")}
    good = waf.create_web_acl(Name="cw-acl-good", Scope="REGIONAL", DefaultAction={"Allow": {}},
                              Rules=[rule], VisibilityConfig=_visibility("good"),
                              Tags=[{"Key": "team", "Value": "edge"}])["Summary"]
    empty = waf.create_web_acl(Name="cw-acl-empty", Scope="REGIONAL",
                               DefaultAction={"Block": {}},
                               VisibilityConfig=_visibility("empty", metrics=False))["Summary"]
    edge = waf.create_web_acl(Name="cw-acl-edge", Scope="CLOUDFRONT", DefaultAction={"Allow": {}},
                              Rules=[rule], VisibilityConfig=_visibility("edge"))["Summary"]
    waf.put_logging_configuration(LoggingConfiguration={
        "ResourceArn": good["ARN"],
        "LogDestinationConfigs": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-cw"]})
    waf.associate_web_acl(WebACLArn=good["ARN"], ResourceArn=alb)
    return {"acl_good": good["ARN"], "acl_empty": empty["ARN"], "acl_edge": edge["ARN"]}


OAI = "origin-access-identity/cloudfront/E2QWRUHAPOMQZL"


def _distribution_config(ref: str, *, good: bool, acl: str | None = None) -> dict[str, Any]:
    s3_origin: dict[str, Any] = {"Id": "s3", "DomainName": "cw-site.s3.amazonaws.com",
                                 "S3OriginConfig": {"OriginAccessIdentity": OAI if good else ""}}
    custom = {"Id": "app", "DomainName": "app.example.com", "CustomOriginConfig": {
        "HTTPPort": 80, "HTTPSPort": 443,
        "OriginProtocolPolicy": "https-only" if good else "http-only",
        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2" if good else "SSLv3"]}}}
    config: dict[str, Any] = {
        "CallerReference": ref, "Comment": ref, "Enabled": True,
        "Origins": {"Quantity": 2, "Items": [s3_origin, custom]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "s3",
            "ViewerProtocolPolicy": "redirect-to-https" if good else "allow-all",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    }
    if good:
        config["DefaultRootObject"] = "index.html"
        config["Logging"] = {"Enabled": True, "IncludeCookies": False,
                             "Bucket": "cw-logs.s3.amazonaws.com", "Prefix": "cf/"}
        config["WebACLId"] = acl
    return config


def _seed_cloudfront(c: Callable[..., Any], acl: str) -> dict[str, str]:
    cf = c("cloudfront")
    good = cf.create_distribution(
        DistributionConfig=_distribution_config("good", good=True, acl=acl))["Distribution"]
    cf.tag_resource(Resource=good["ARN"], Tags={"Items": [{"Key": "site", "Value": "www"}]})
    bad = cf.create_distribution(
        DistributionConfig=_distribution_config("bad", good=False))["Distribution"]
    return {"cf_good": good["ARN"], "cf_bad": bad["ARN"]}


def _seed_route53(c: Callable[..., Any]) -> dict[str, str]:
    r53 = c("route53")
    logs = c("logs")
    logs.create_log_group(logGroupName="/aws/route53/signed.example.com")
    group = logs.describe_log_groups()["logGroups"][0]["arn"]  # moto wants the :* form
    signed = r53.create_hosted_zone(Name="signed.example.com", CallerReference="a")[
        "HostedZone"]["Id"].rsplit("/", 1)[-1]
    r53.create_query_logging_config(HostedZoneId=signed, CloudWatchLogsLogGroupArn=group)
    r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=signed,
                                 AddTags=[{"Key": "env", "Value": "prod"}])
    plain = r53.create_hosted_zone(Name="plain.example.com", CallerReference="b")[
        "HostedZone"]["Id"].rsplit("/", 1)[-1]
    vpc = c("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    private = r53.create_hosted_zone(Name="internal.example.com", CallerReference="c",
                                     VPC={"VPCRegion": REGION, "VPCId": vpc},
                                     HostedZoneConfig={"PrivateZone": True, "Comment": "vpc"})[
        "HostedZone"]["Id"].rsplit("/", 1)[-1]
    return {"zone_signed": signed, "zone_plain": plain, "zone_private": private,
            "query_log_group": group}


def _seed_apigateway(c: Callable[..., Any]) -> dict[str, str]:
    apigw = c("apigateway")
    api = apigw.create_rest_api(name="cw-rest", endpointConfiguration={"types": ["REGIONAL"]},
                                tags={"app": "pets"})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigw.create_authorizer(restApiId=api, name="tokens", type="TOKEN",
                            authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/fn",
                            identitySource="method.request.header.Authorization")
    deployment = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment,
                       tracingEnabled=True, cacheClusterEnabled=True, cacheClusterSize="0.5")
    apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
        {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"}])
    apigw.create_stage(restApiId=api, stageName="dev", deploymentId=deployment)
    v2 = c("apigatewayv2")
    http = v2.create_api(Name="cw-http", ProtocolType="HTTP", Tags={"app": "orders"})["ApiId"]
    v2.create_route(ApiId=http, RouteKey="GET /orders", AuthorizationType="AWS_IAM")
    v2.create_route(ApiId=http, RouteKey="GET /health")
    listener = (f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/orders/"
                "50dc6c495c0c9188/0467ef3c8400ae65")
    v2.create_integration(ApiId=http, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                          ConnectionType="VPC_LINK", ConnectionId="vlk-1a2b3c",
                          IntegrationUri=listener, PayloadFormatVersion="1.0",
                          TlsConfig={"ServerNameToVerify": "orders.internal.example.com"})
    v2.create_integration(ApiId=http, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                          ConnectionType="VPC_LINK", ConnectionId="vlk-1a2b3c",
                          IntegrationUri=listener, PayloadFormatVersion="1.0")
    v2.create_stage(ApiId=http, StageName="live", AutoDeploy=True, AccessLogSettings={
        "DestinationArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api", "Format": "$context"})
    v2.create_stage(ApiId=http, StageName="test")
    return {"rest_api": api, "http_api": http}


def seed(c: Callable[..., Any]) -> dict[str, Any]:
    ids: dict[str, Any] = _seed_acm(c)
    ids |= _seed_elb(c, ids["strong_cert"])
    ids |= _seed_waf(c, ids["alb_good"])
    ids |= _seed_cloudfront(c, ids["acl_edge"])
    ids |= _seed_route53(c)
    ids |= _seed_apigateway(c)
    return ids


def signing_dnssec(zone: str) -> Callable[..., AWSResponse | None]:
    """GetDNSSEC as AWS answers it for a zone that signs (moto always says NOT_SIGNING)."""

    def reply(request: Any, **_: Any) -> AWSResponse | None:
        if zone not in request.url:
            return None
        return canned(200, f'<GetDNSSECResponse xmlns="{R53_NS}"><Status>'
                           f"<ServeSignature>SIGNING</ServeSignature></Status><KeySigningKeys>"
                           f"<member><Name>ksk1</Name><Status>ACTIVE</Status></member>"
                           f"</KeySigningKeys></GetDNSSECResponse>")

    return reply


@pytest.fixture(scope="module")
def world(moto_server: str) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_SESSION_TOKEN": "testing"}.items():
            mp.setenv(key, value)
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        reset_moto(moto_server)
        seed_session = boto3.Session(region_name=REGION, **CREDS)
        ids = seed(partial(client_for, seed_session, moto_server))
        session = boto3.Session(region_name=REGION, **CREDS)
        session.events.register("before-send.route53.GetDNSSEC",
                                signing_dnssec(ids["zone_signed"]))
        inv = collect(AwsScanOptions(regions=(REGION,), services=SERVICES,
                                     endpoint_url=moto_server), session=session)
    return {"ids": ids, "inv": inv}


@pytest.fixture(scope="module")
def inv(world: dict[str, Any]) -> Inventory:
    inventory: Inventory = world["inv"]
    return inventory


@pytest.fixture(scope="module")
def ids(world: dict[str, Any]) -> dict[str, Any]:
    seeded: dict[str, Any] = world["ids"]
    return seeded


def only(inv: Inventory, type_: str, **props: Any) -> Asset:
    found = inv.find(type_, **props)
    assert len(found) == 1, f"{type_} {props}: {[a.ref.id for a in found]}"
    return found[0]


# -- the collection as a whole ------------------------------------------------------------------

def test_collects_every_type_without_errors(inv: Inventory) -> None:
    # the account task always runs; moto lacks two of its calls: not this module's concern
    assert [e for e in inv.errors if e.service != "account"] == []
    assert {a.type for a in inv if a.type != "aws.account"} == NETWORK_TYPES
    assert [(a.ref.id, a.unknown) for a in inv if a.unknown] == []


def test_documents_have_exactly_the_declared_fields(inv: Inventory) -> None:
    registry = default_registry()
    for asset in inv:
        spec = registry[asset.type]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        assert set(asset.properties) == top, (asset.ref, set(asset.properties) ^ top)
        assert asset.ref.id == asset.properties[spec.id_field]
        assert asset.tags == (asset.properties.get("Tags") or {})
        if asset.type in {"aws.cloudfront.distribution", "aws.route53.hosted_zone"}:
            assert asset.ref.region == "global"


# -- ELB ----------------------------------------------------------------------------------------

def test_classic_load_balancers(inv: Inventory, ids: dict[str, Any]) -> None:
    good = only(inv, "aws.elb.classic_load_balancer", LoadBalancerName="cw-classic-good")
    p = good.properties
    assert p["Arn"] == f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/" \
                       "cw-classic-good"
    assert p["Listeners"] == [{
        "Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTPS",
        "InstancePort": 443, "SSLCertificateId": ids["strong_cert"], "PolicyNames": ["tls12"],
        "ReferenceSecurityPolicy": "ELBSecurityPolicy-TLS-1-2-2017-01"}]
    assert p["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    assert p["CrossZoneLoadBalancing"] is True
    assert p["AccessLog"] == {"Enabled": True, "S3BucketName": "cw-logs",
                              "S3BucketPrefix": "elb", "EmitInterval": 5}
    assert p["ConnectionDraining"] == {"Enabled": True, "Timeout": 300}
    assert p["Tags"] == {"tier": "web"}
    bad = only(inv, "aws.elb.classic_load_balancer", LoadBalancerName="cw-classic-bad").properties
    assert bad["Listeners"] == [{
        "Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
        "InstancePort": 80, "SSLCertificateId": None, "PolicyNames": [],
        "ReferenceSecurityPolicy": None}]
    assert bad["CrossZoneLoadBalancing"] is False
    assert bad["AccessLog"]["Enabled"] is False
    assert bad["ConnectionDraining"]["Enabled"] is False
    assert bad["Tags"] == {}


def test_application_load_balancers(inv: Inventory, ids: dict[str, Any]) -> None:
    good = only(inv, "aws.elb.load_balancer", LoadBalancerName="cw-alb-good").properties
    assert good["LoadBalancerArn"] == ids["alb_good"]
    assert (good["Type"], good["Scheme"], good["State"]) == ("application", "internal", "active")
    assert len(good["AvailabilityZones"]) == 2
    by_port = {item["Port"]: item for item in good["Listeners"]}
    assert by_port[80]["Protocol"] == "HTTP"
    assert by_port[80]["DefaultActions"] == [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    assert by_port[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert by_port[443]["Certificates"] == [ids["strong_cert"]]
    assert by_port[443]["DefaultActions"] == [{"Type": "forward", "RedirectConfig": None}]
    assert (good["DeletionProtectionEnabled"], good["AccessLogsS3Enabled"],
            good["AccessLogsS3Bucket"], good["DropInvalidHeaderFieldsEnabled"],
            good["DesyncMitigationMode"]) == (True, True, "cw-logs", True, "strictest")
    assert good["WebACLArn"] == ids["acl_good"]
    assert good["Tags"] == {"tier": "web"}
    bad = only(inv, "aws.elb.load_balancer", LoadBalancerName="cw-alb-bad").properties
    assert bad["Scheme"] == "internet-facing"
    assert [(item["Protocol"], item["SslPolicy"]) for item in bad["Listeners"]] == [
        ("HTTP", None)]
    # moto reports only the attributes that were ever set (AWS reports all, with defaults);
    # an attribute not reported stays null: the collector never guesses
    assert (bad["DeletionProtectionEnabled"], bad["AccessLogsS3Enabled"],
            bad["AccessLogsS3Bucket"], bad["DropInvalidHeaderFieldsEnabled"]) == (
        False, None, None, None)
    assert bad["WebACLArn"] is None


# -- CloudFront ---------------------------------------------------------------------------------

def test_cloudfront_distributions(inv: Inventory, ids: dict[str, Any]) -> None:
    good = only(inv, "aws.cloudfront.distribution", ARN=ids["cf_good"]).properties
    assert good["DefaultRootObject"] == "index.html"
    assert good["Logging"] == {"Enabled": True, "Bucket": "cw-logs.s3.amazonaws.com",
                               "Prefix": "cf/", "IncludeCookies": False}
    assert good["WebACLId"] == ids["acl_edge"]
    assert good["DefaultCacheBehavior"] == {"TargetOriginId": "s3",
                                            "ViewerProtocolPolicy": "redirect-to-https",
                                            "FieldLevelEncryptionId": None}
    assert good["Origins"] == [
        {"Id": "s3", "DomainName": "cw-site.s3.amazonaws.com", "S3Origin": True,
         # moto does not return S3OriginConfig (OAI): test_normalize_distribution covers it
         "OriginAccessIdentity": None, "OriginAccessControlId": None,
         "OriginProtocolPolicy": None, "OriginSslProtocols": []},
        {"Id": "app", "DomainName": "app.example.com", "S3Origin": False,
         "OriginAccessIdentity": None, "OriginAccessControlId": None,
         "OriginProtocolPolicy": "https-only", "OriginSslProtocols": ["TLSv1.2"]}]
    assert good["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True
    assert good["Tags"] == {}  # moto's server mode loses CloudFront tags; see the unit test
    assert good["Enabled"] is True and good["CacheBehaviors"] == []
    bad = only(inv, "aws.cloudfront.distribution", ARN=ids["cf_bad"]).properties
    assert bad["DefaultRootObject"] is None
    assert bad["Logging"]["Enabled"] is False
    assert bad["WebACLId"] is None
    assert bad["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "allow-all"
    assert bad["Origins"][0]["S3Origin"] is True  # moto drops S3OriginConfig with an empty OAI
    assert bad["Origins"][0]["OriginAccessIdentity"] is None
    assert bad["Origins"][1]["OriginProtocolPolicy"] == "http-only"
    assert bad["Origins"][1]["OriginSslProtocols"] == ["SSLv3"]
    assert bad["Tags"] == {}


# -- API Gateway --------------------------------------------------------------------------------

def test_rest_api_and_stages(inv: Inventory, ids: dict[str, Any]) -> None:
    api = only(inv, "aws.apigateway.rest_api", id=ids["rest_api"]).properties
    assert api["Arn"] == f"arn:aws:apigateway:{REGION}::/restapis/{ids['rest_api']}"
    assert api["endpointConfiguration"] == {"types": ["REGIONAL"]}
    assert [(a["name"], a["type"]) for a in api["authorizers"]] == [("tokens", "TOKEN")]
    assert api["Tags"] == {"app": "pets"}
    prod = only(inv, "aws.apigateway.stage", stageName="prod").properties
    assert prod["Arn"] == f"{api['Arn']}/stages/prod"
    assert prod["restApiName"] == "cw-rest"
    assert (prod["tracingEnabled"], prod["cacheClusterEnabled"],
            prod["webAclArn"]) == (True, True, None)
    assert prod["methodSettings"] == [{
        "resourcePath": "*/*", "loggingLevel": "ERROR", "dataTraceEnabled": False,
        "metricsEnabled": False, "cachingEnabled": True, "cacheDataEncrypted": True}]
    dev = only(inv, "aws.apigateway.stage", stageName="dev").properties
    assert (dev["tracingEnabled"], dev["clientCertificateId"], dev["webAclArn"],
            dev["accessLogSettings"], dev["methodSettings"]) == (False, None, None, None, [])


def test_http_api_and_stages(inv: Inventory, ids: dict[str, Any]) -> None:
    api = only(inv, "aws.apigateway.v2_api", ApiId=ids["http_api"]).properties
    assert api["ProtocolType"] == "HTTP"
    assert sorted((r["RouteKey"], r["AuthorizationType"]) for r in api["Routes"]) == [
        ("GET /health", "NONE"), ("GET /orders", "AWS_IAM")]
    assert api["Tags"] == {"app": "orders"}
    assert sorted((i["ConnectionType"], i["TlsConfig"] is None) for i in api["Integrations"]) == [
        ("VPC_LINK", False), ("VPC_LINK", True)]
    assert {"ServerNameToVerify": "orders.internal.example.com"} in [
        i["TlsConfig"] for i in api["Integrations"]]
    live = only(inv, "aws.apigateway.v2_stage", StageName="live").properties
    assert live["AccessLogSettings"] == {
        "DestinationArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api",
        "Format": "$context"}
    assert live["ApiName"] == "cw-http" and live["AutoDeploy"] is True
    test = only(inv, "aws.apigateway.v2_stage", StageName="test").properties
    assert test["AccessLogSettings"] is None


# -- WAF, Route 53, ACM -------------------------------------------------------------------------

def test_web_acls(inv: Inventory, ids: dict[str, Any]) -> None:
    good = only(inv, "aws.wafv2.web_acl", ARN=ids["acl_good"]).properties
    assert (good["Scope"], good["DefaultAction"]) == ("REGIONAL", "Allow")
    assert [(r["Name"], r["Action"], r["OverrideAction"], r["VisibilityConfig"])
            for r in good["Rules"]] == [("common", None, "None", _visibility("common"))]
    assert good["LoggingConfiguration"] == {"LogDestinationConfigs": [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-cw"], "RedactedFields": []}
    assert good["Tags"] == {"team": "edge"}
    empty = only(inv, "aws.wafv2.web_acl", ARN=ids["acl_empty"]).properties
    assert (empty["Rules"], empty["DefaultAction"], empty["LoggingConfiguration"]) == (
        [], "Block", None)
    assert empty["VisibilityConfig"]["CloudWatchMetricsEnabled"] is False
    assert only(inv, "aws.wafv2.web_acl", ARN=ids["acl_edge"]).properties["Scope"] == "CLOUDFRONT"


def test_hosted_zones(inv: Inventory, ids: dict[str, Any]) -> None:
    signed = only(inv, "aws.route53.hosted_zone", Id=ids["zone_signed"]).properties
    assert signed["Arn"] == f"arn:aws:route53:::hostedzone/{ids['zone_signed']}"
    assert signed["Name"] == "signed.example.com." and signed["PrivateZone"] is False
    assert [c["CloudWatchLogsLogGroupArn"] for c in signed["QueryLoggingConfigs"]] == [
        ids["query_log_group"]]
    assert signed["DNSSEC"] == {"ServeSignature": "SIGNING", "StatusMessage": None,
                                "KeySigningKeys": [{"Name": "ksk1", "Status": "ACTIVE"}]}
    assert signed["Tags"] == {"env": "prod"}
    plain = only(inv, "aws.route53.hosted_zone", Id=ids["zone_plain"]).properties
    assert plain["QueryLoggingConfigs"] == []
    assert plain["DNSSEC"]["ServeSignature"] == "NOT_SIGNING"
    private = only(inv, "aws.route53.hosted_zone", Id=ids["zone_private"]).properties
    assert (private["PrivateZone"], private["DNSSEC"], private["Comment"]) == (True, None, "vpc")


def test_certificates(inv: Inventory, ids: dict[str, Any]) -> None:
    strong = only(inv, "aws.acm.certificate", CertificateArn=ids["strong_cert"]).properties
    assert (strong["Type"], strong["Status"], strong["KeyAlgorithm"]) == (
        "IMPORTED", "ISSUED", "RSA_2048")
    assert strong["DomainName"] == "rsa2048.example.com"
    assert strong["NotAfter"] > "2026"
    assert strong["Tags"] == {"env": "prod"}
    weak = only(inv, "aws.acm.certificate", CertificateArn=ids["weak_cert"]).properties
    assert weak["KeyAlgorithm"] == "RSA_1024"
    assert weak["NotAfter"] < strong["NotAfter"]


# -- failures -----------------------------------------------------------------------------------

def _error(code: str) -> str:
    return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>denied</Message></Error><RequestId>r</RequestId></ErrorResponse>")


def test_denied_calls_leave_fields_unknown_and_the_rest_collected(
        aws_endpoint: str, aws_session: boto3.Session,
        make_client: Callable[..., Any]) -> None:
    elb = make_client("elb")
    elb.create_load_balancer(LoadBalancerName="cw-denied", AvailabilityZones=["us-east-1a"],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80,
                                         "InstancePort": 80}])
    zone = make_client("route53").create_hosted_zone(Name="denied.example.com",
                                                     CallerReference="d")["HostedZone"]["Id"]
    aws_session.events.register("before-send.elastic-load-balancing."
                                "DescribeLoadBalancerAttributes",
                                lambda **_: canned(403, _error("AccessDenied")))
    aws_session.events.register("before-send.route53.GetDNSSEC",
                                lambda **_: canned(403, _error("AccessDenied")))
    inv = collect(AwsScanOptions(regions=(REGION,), services=("elb", "route53"),
                                 endpoint_url=aws_endpoint), session=aws_session)
    assert sorted((e for e in inv.errors if e.service != "account"), key=repr) == sorted([
        CollectionError("aws", ACCOUNT, REGION, "elb", "DescribeLoadBalancerAttributes",
                        "AccessDenied: denied"),
        CollectionError("aws", ACCOUNT, "global", "route53", "GetDNSSEC",
                        "AccessDenied: denied")], key=repr)
    lb = only(inv, "aws.elb.classic_load_balancer", LoadBalancerName="cw-denied")
    reason = "DescribeLoadBalancerAttributes: AccessDenied"
    assert lb.unknown == dict.fromkeys(("CrossZoneLoadBalancing", "AccessLog",
                                        "ConnectionDraining", "DesyncMitigationMode"), reason)
    assert lb.properties["AccessLog"] is None
    assert lb.properties["Listeners"][0]["Protocol"] == "HTTP"
    hosted = only(inv, "aws.route53.hosted_zone", Id=zone.rsplit("/", 1)[-1])
    assert hosted.unknown == {"DNSSEC": "GetDNSSEC: AccessDenied"}
    assert hosted.properties["QueryLoggingConfigs"] == []


# -- the pure normalize functions ---------------------------------------------------------------

def test_normalize_classic_without_attributes_or_policies() -> None:
    raw = {"LoadBalancerName": "x", "ListenerDescriptions": [{
        "Listener": {"Protocol": "ssl", "LoadBalancerPort": 443, "InstanceProtocol": "tcp",
                     "InstancePort": 80, "SSLCertificateId": "arn:aws:iam::1:server-certificate/c"},
        "PolicyNames": ["custom"]}], "VPCId": ""}
    doc = normalize_classic(raw, "arn", attributes=None, policies={}, tags=None)
    assert doc["Listeners"][0]["Protocol"] == "SSL"
    assert doc["Listeners"][0]["ReferenceSecurityPolicy"] is None
    assert (doc["VpcId"], doc["AccessLog"], doc["CrossZoneLoadBalancing"], doc["Tags"]) == (
        None, None, None, None)
    assert reference_policies([{"PolicyName": "p", "PolicyAttributeDescriptions": [
        {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
        {"AttributeName": "Reference-Security-Policy",
         "AttributeValue": "ELBSecurityPolicy-2016-08"}]}]) == {"p": "ELBSecurityPolicy-2016-08"}
    attrs = {"AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode",
                                       "Value": "defensive"}]}
    doc = normalize_classic(raw, "arn", attributes=attrs, policies=None, tags=[])
    assert doc["DesyncMitigationMode"] == "defensive"
    assert doc["AccessLog"] == {"Enabled": False, "S3BucketName": None, "S3BucketPrefix": None,
                                "EmitInterval": None}


def test_normalize_load_balancer_types_attributes() -> None:
    raw = {"LoadBalancerName": "n", "LoadBalancerArn": "a", "Type": "network",
           "AvailabilityZones": [{"ZoneName": "z1"}, {"ZoneName": "z2"}]}
    doc = normalize_load_balancer(raw, listeners=[{"Protocol": "TLS", "Port": 443,
                                                   "SslPolicy": "p"}],
                                  attributes=[{"Key": "deletion_protection.enabled",
                                               "Value": "false"},
                                              {"Key": "access_logs.s3.bucket", "Value": ""}],
                                  web_acl={}, tags=None)
    assert doc["DeletionProtectionEnabled"] is False
    assert doc["AccessLogsS3Bucket"] is None and doc["DropInvalidHeaderFieldsEnabled"] is None
    assert doc["AvailabilityZones"] == ["z1", "z2"] and doc["WebACLArn"] is None
    assert doc["Listeners"] == [{"ListenerArn": None, "Protocol": "TLS", "Port": 443,
                                 "SslPolicy": "p", "Certificates": [], "DefaultActions": []}]


def test_normalize_distribution_from_the_summary_alone() -> None:
    summary = {"Id": "E1", "ARN": "arn", "WebACLId": "", "Enabled": True,
               "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "b.s3.amazonaws.com",
                                                     "S3OriginConfig": {
                                                         "OriginAccessIdentity": "x/y"}}]},
               "OriginGroups": {"Quantity": 1, "Items": [{"Id": "g", "Members": {
                   "Quantity": 2, "Items": [{"OriginId": "a"}, {"OriginId": "b"}]}}]},
               "Restrictions": {"GeoRestriction": {"RestrictionType": "none"}}}
    tagged = normalize_distribution(summary, config=None, tags={"Tags": {"Quantity": 1, "Items": [
        {"Key": "site", "Value": "www"}]}})
    assert tagged["Tags"] == {"site": "www"}
    doc = normalize_distribution(summary, config=None, tags=None)
    assert (doc["DefaultRootObject"], doc["Logging"], doc["WebACLId"], doc["Tags"]) == (
        None, None, None, None)
    assert doc["Origins"][0]["OriginAccessIdentity"] == "x/y"
    assert doc["OriginGroups"] == [{"Id": "g", "Members": ["a", "b"]}]
    assert doc["GeoRestrictionType"] == "none" and doc["Aliases"] == []


def test_normalize_stages_routes_acls_and_zones() -> None:
    stage = normalize_stage({"stageName": "s", "methodSettings": {
        "~1pets/GET": {"loggingLevel": "INFO"}}}, {"id": "a", "name": "n"}, "arn")
    assert stage["methodSettings"][0]["resourcePath"] == "~1pets/GET"
    assert stage["methodSettings"][0]["cacheDataEncrypted"] is None
    api = normalize_v2_api({"ApiId": "a"}, "arn", routes=[{"RouteKey": "$default"}])
    assert api["Routes"][0]["AuthorizationType"] == "NONE"
    assert normalize_v2_api({"ApiId": "a"}, "arn", routes=None)["Routes"] is None
    acl = normalize_web_acl({"Name": "n", "Id": "i", "ARN": "a", "DefaultAction": {"Block": {}},
                             "Rules": [{"Name": "r", "Action": {"Count": {}}}]}, "REGIONAL",
                            logging={}, tags=None)
    assert (acl["DefaultAction"], acl["Rules"][0]["Action"], acl["LoggingConfiguration"]) == (
        "Block", "Count", None)
    zone = normalize_zone({"Id": "/hostedzone/Z1", "Config": {"PrivateZone": False}}, "aws",
                          query_logging=None, dnssec=None, tags=None)
    assert (zone["Id"], zone["QueryLoggingConfigs"], zone["DNSSEC"]) == ("Z1", None, None)


def test_cli_scan_runs_the_network_services(world: dict[str, Any]) -> None:
    assert json.dumps(sorted(SERVICES))  # services are registered by name in services.py
    from cloudwarden.collectors.aws import SERVICES as REGISTERED

    assert set(SERVICES) <= set(REGISTERED)
