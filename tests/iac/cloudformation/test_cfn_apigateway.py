"""API Gateway REST and HTTP APIs and their stages from CloudFormation, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import Status

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AccessLogs:
    Type: AWS::Logs::LogGroup
  Orders:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
      EndpointConfiguration: {Types: [REGIONAL]}
  OrdersAuthorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      Name: cognito
      RestApiId: !Ref Orders
      Type: COGNITO_USER_POOLS
      ProviderARNs: [arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc]
  OrdersProd:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Orders
      DeploymentId: abc123
      TracingEnabled: true
      ClientCertificateId: cert-1
      CacheClusterEnabled: true
      AccessLogSetting: {DestinationArn: !GetAtt AccessLogs.Arn, Format: $context.requestId}
      MethodSettings:
        - {ResourcePath: "/*", HttpMethod: "*", LoggingLevel: ERROR, MetricsEnabled: true,
           CachingEnabled: true, CacheDataEncrypted: true}
  OrdersWaf:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Sub "arn:aws:apigateway:eu-west-1::/restapis/${Orders}/stages/${OrdersProd}"
      WebACLArn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1
  Legacy:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: legacy}
  LegacyProd:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Legacy
      DeploymentId: def456
      CacheClusterEnabled: true
      MethodSettings:
        - {ResourcePath: /pets, HttpMethod: GET, CachingEnabled: true}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: http, ProtocolType: HTTP}
  HttpRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /orders, AuthorizationType: JWT,
                 AuthorizerId: authz}
  HttpIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Http, IntegrationType: HTTP_PROXY, ConnectionType: VPC_LINK,
                 ConnectionId: link, IntegrationMethod: ANY, IntegrationUri: arn:listener,
                 PayloadFormatVersion: "1.0"}
  HttpProd:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Http
      StageName: prod
      AccessLogSettings: {DestinationArn: !GetAtt AccessLogs.Arn, Format: $context.requestId}
  Quick:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: quick, ProtocolType: HTTP,
                 Target: arn:aws:lambda:eu-west-1:123456789012:function:quick}
  QuickDev:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Quick, StageName: dev}
"""


def test_apis_and_stages(tmp_path: Path) -> None:
    found = load_cfn(tmp_path, TEMPLATE)
    prod = found["OrdersProd"].properties
    assert prod["restApiName"] == "orders" and prod["restApiId"] == "${Orders}"
    assert prod["methodSettings"][0]["resourcePath"] == "*/*"
    assert prod["webAclArn"] == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1"
    assert prod["Arn"] == "arn:aws:apigateway:${AWS::Region}::/restapis/${Orders}/stages/prod"
    assert found["LegacyProd"].properties["methodSettings"][0]["resourcePath"] == "pets/GET"
    http = found["Http"].properties
    assert http["Integrations"][0]["TlsConfig"] is None

    results = verdicts(found)
    for rule in ("aws.apigateway.stage_cache_encrypted", "aws.apigateway.stage_client_certificate",
                 "aws.apigateway.stage_execution_logging", "aws.apigateway.stage_waf",
                 "aws.apigateway.stage_xray_tracing"):
        assert results[(rule, "OrdersProd")] is Status.PASS, rule
        assert results[(rule, "LegacyProd")] is Status.FAIL, rule
    assert results[("aws.apigateway.rest_api_authorizer", "Orders")] is Status.PASS
    assert results[("aws.apigateway.rest_api_authorizer", "Legacy")] is Status.FAIL
    assert results[("aws.apigateway.v2_route_authorization", "Http")] is Status.PASS
    assert results[("aws.apigateway.v2_route_authorization", "Quick")] is Status.FAIL
    assert results[("aws.apigateway.v2_private_integrations_use_tls", "Http")] is Status.FAIL
    assert results[("aws.apigateway.v2_stage_access_logging", "HttpProd")] is Status.PASS
    assert results[("aws.apigateway.v2_stage_access_logging", "QuickDev")] is Status.FAIL
