"""SAM REST and HTTP APIs: the API and stage the transform creates, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import UNRESOLVED, Status

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    TracingEnabled: true
Resources:
  AccessLogs:
    Type: AWS::Logs::LogGroup
  OrdersApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      EndpointConfiguration: {Type: REGIONAL}
      AccessLogSetting: {DestinationArn: !GetAtt AccessLogs.Arn, Format: $context.requestId}
      MethodSettings:
        - {ResourcePath: "/*", HttpMethod: "*", LoggingLevel: INFO}
      Auth:
        DefaultAuthorizer: Cognito
        Authorizers:
          Cognito: {UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x}
  OrdersWaf:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Sub "arn:aws:apigateway:eu-west-1::/restapis/${OrdersApi}/stages/prod"
      WebACLArn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/orders/1
  OpenApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      TracingEnabled: false
      Auth:
        ResourcePolicy: {IpRangeWhitelist: [10.0.0.0/8]}
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      AccessLogSettings: {DestinationArn: !GetAtt AccessLogs.Arn, Format: $context.requestId}
  QuietHttp:
    Type: AWS::Serverless::HttpApi
"""


def test_sam_apis(tmp_path: Path) -> None:
    found = load_cfn(tmp_path, TEMPLATE)
    assert set(found) >= {"OrdersApi", "OrdersApiprodStage", "OpenApi", "OpenApidevStage",
                          "HttpStage", "QuietHttpStage"}
    orders = found["OrdersApi"].properties
    assert orders["authorizers"] == [{"id": "${Cognito}", "name": "Cognito",
                                      "type": "COGNITO_USER_POOLS"}]
    assert orders["endpointConfiguration"] == {"types": ["REGIONAL"]}
    assert found["OpenApi"].unknown["policy"].startswith(UNRESOLVED)
    stage = found["OrdersApiprodStage"].properties
    assert stage["restApiId"] == "${OrdersApi}" and stage["stageName"] == "prod"
    assert stage["webAclArn"] == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/orders/1"
    assert found["HttpStage"].properties["StageName"] == "$default"

    results = verdicts(found)
    for rule in ("aws.apigateway.stage_xray_tracing", "aws.apigateway.stage_execution_logging",
                 "aws.apigateway.stage_waf"):
        assert results[(rule, "OrdersApiprodStage")] is Status.PASS, rule
        assert results[(rule, "OpenApidevStage")] is Status.FAIL, rule
    assert results[("aws.apigateway.rest_api_authorizer", "OrdersApi")] is Status.PASS
    assert results[("aws.apigateway.rest_api_authorizer", "OpenApi")] is Status.FAIL
    rule = "aws.apigateway.v2_stage_access_logging"
    assert results[(rule, "HttpStage")] is Status.PASS
    assert results[(rule, "QuietHttpStage")] is Status.FAIL
