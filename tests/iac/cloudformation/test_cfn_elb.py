"""Application, Network and Classic Load Balancers from CloudFormation, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import UNRESOLVED, Status

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  OtherSubnet:
    Type: AWS::EC2::Subnet::Id
Resources:
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.1.0/24, AvailabilityZone: eu-west-1a}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.2.0/24, AvailabilityZone: eu-west-1b}
  WebAcl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig: {CloudWatchMetricsEnabled: true, MetricName: w,
                         SampledRequestsEnabled: true}
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: web
      Subnets: [!Ref SubnetA, !Ref SubnetB]
      LoadBalancerAttributes:
        - {Key: routing.http.drop_invalid_header_fields.enabled, Value: "true"}
        - {Key: deletion_protection.enabled, Value: "true"}
        - {Key: access_logs.s3.enabled, Value: "true"}
        - {Key: access_logs.s3.bucket, Value: lb-logs}
  WebHttps:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: 443
      Protocol: HTTPS
      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06
      Certificates: [{CertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/a}]
      DefaultActions: [{Type: forward, TargetGroupArn: arn:tg}]
  WebHttp:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig: {Protocol: HTTPS, Port: 443, StatusCode: HTTP_301}
  WebWaf:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Ref Web
      WebACLArn: !GetAtt WebAcl.Arn
  Legacy:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [!Ref OtherSubnet]
      LoadBalancerAttributes:
        - {Key: routing.http.desync_mitigation_mode, Value: monitor}
  LegacyHttps:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Legacy
      Port: 443
      Protocol: HTTPS
      Certificates: [{CertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/a}]
      DefaultActions: [{Type: forward, TargetGroupArn: arn:tg}]
  LegacyHttp:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Legacy
      Port: 80
      Protocol: HTTP
      DefaultActions: [{Type: forward, TargetGroupArn: arn:tg}]
  Classic:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Subnets: [!Ref SubnetA, !Ref SubnetB]
      CrossZone: true
      Listeners:
        - {LoadBalancerPort: "443", InstancePort: "80", Protocol: HTTPS,
           SSLCertificateId: arn:aws:acm:eu-west-1:123456789012:certificate/a,
           PolicyNames: [Tls12]}
      Policies:
        - PolicyName: Tls12
          PolicyType: SSLNegotiationPolicyType
          Attributes: [{Name: Reference-Security-Policy, Value: ELBSecurityPolicy-TLS-1-2-2017-01}]
      AccessLoggingPolicy: {Enabled: true, S3BucketName: elb-logs, EmitInterval: 5}
      ConnectionDrainingPolicy: {Enabled: true, Timeout: 60}
  OldClassic:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AvailabilityZones: [eu-west-1a]
      Listeners:
        - {LoadBalancerPort: "443", InstancePort: "80", Protocol: HTTPS,
           SSLCertificateId: arn:aws:iam::123456789012:server-certificate/old}
        - {LoadBalancerPort: "80", InstancePort: "80", Protocol: HTTP}
"""


def test_load_balancers(tmp_path: Path) -> None:
    found = load_cfn(tmp_path, TEMPLATE)
    web = found["Web"].properties
    assert web["AvailabilityZones"] == ["eu-west-1a", "eu-west-1b"]
    assert web["WebACLArn"] == "${WebAcl.Arn}"
    assert web["AccessLogsS3Bucket"] == "lb-logs" and web["DesyncMitigationMode"] == "defensive"
    https = next(item for item in web["Listeners"] if item["Port"] == 443)
    assert https["ListenerArn"] == "${WebHttps}"
    http = next(item for item in web["Listeners"] if item["Port"] == 80)
    assert http["DefaultActions"][0]["RedirectConfig"] == {"Protocol": "HTTPS", "Port": "443",
                                                           "StatusCode": "HTTP_301"}
    legacy = found["Legacy"]
    assert legacy.properties["LoadBalancerName"] == "${Legacy.LoadBalancerName}"
    assert legacy.unknown["AvailabilityZones"].startswith(UNRESOLVED)
    assert {item["SslPolicy"] for item in legacy.properties["Listeners"]} == {
        "ELBSecurityPolicy-2016-08", None}
    classic = found["Classic"].properties
    assert classic["Listeners"][0]["ReferenceSecurityPolicy"] == \
        "ELBSecurityPolicy-TLS-1-2-2017-01"
    assert found["OldClassic"].properties["CrossZoneLoadBalancing"] is False

    results = verdicts(found)
    for rule, web_status, legacy_status in (
            ("aws.elb.alb_desync_mitigation", Status.PASS, Status.FAIL),
            ("aws.elb.alb_drops_invalid_headers", Status.PASS, Status.FAIL),
            ("aws.elb.alb_http_redirects_to_https", Status.PASS, Status.FAIL),
            ("aws.elb.alb_waf_attached", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_access_logs", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_deletion_protection", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_listeners_encrypted", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_strong_tls_policy", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_multi_az", Status.PASS, Status.NOT_APPLICABLE),
    ):
        assert results[(rule, "Web")] is web_status, rule
        assert results[(rule, "Legacy")] is legacy_status, rule
    for rule in ("aws.elb.classic_access_logs", "aws.elb.classic_connection_draining",
                 "aws.elb.classic_cross_zone", "aws.elb.classic_listeners_encrypted",
                 "aws.elb.classic_multi_az", "aws.elb.classic_strong_ssl_policy",
                 "aws.elb.classic_uses_acm_certificate"):
        assert results[(rule, "Classic")] is Status.PASS, rule
        assert results[(rule, "OldClassic")] is Status.FAIL, rule
