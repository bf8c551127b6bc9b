"""API Gateway REST and HTTP APIs and their stages from Terraform, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from tf_judge import load_tf, verdicts

from cloudwarden.core.model import Status
from cloudwarden.engine import Engine

APIS = """
provider "aws" { region = "eu-west-1" }

resource "aws_cloudwatch_log_group" "access" { name = "api-access" }

resource "aws_api_gateway_rest_api" "orders" {
  name = "orders"
  endpoint_configuration { types = ["REGIONAL"] }
}
resource "aws_api_gateway_authorizer" "orders" {
  name          = "cognito"
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"]
}
resource "aws_api_gateway_stage" "orders_prod" {
  stage_name            = "prod"
  rest_api_id           = aws_api_gateway_rest_api.orders.id
  deployment_id         = "abc123"
  xray_tracing_enabled  = true
  client_certificate_id = "cert-1"
  cache_cluster_enabled = true
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = "$context.requestId"
  }
}
resource "aws_api_gateway_method_settings" "orders_all" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  stage_name  = aws_api_gateway_stage.orders_prod.stage_name
  method_path = "*/*"
  settings {
    logging_level        = "ERROR"
    metrics_enabled      = true
    caching_enabled      = true
    cache_data_encrypted = true
  }
}
resource "aws_wafv2_web_acl_association" "orders_prod" {
  resource_arn = aws_api_gateway_stage.orders_prod.arn
  web_acl_arn  = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1"
}

resource "aws_api_gateway_rest_api" "legacy" { name = "legacy" }
resource "aws_api_gateway_stage" "legacy_prod" {
  stage_name            = "prod"
  rest_api_id           = aws_api_gateway_rest_api.legacy.id
  deployment_id         = "def456"
  cache_cluster_enabled = true
}
resource "aws_api_gateway_method_settings" "legacy_all" {
  rest_api_id = aws_api_gateway_rest_api.legacy.id
  stage_name  = "prod"
  method_path = "*/*"
  settings { caching_enabled = true }
}

resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}
resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id          = aws_apigatewayv2_api.http.id
  authorizer_type = "JWT"
  name            = "jwt"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    audience = ["api"]
    issuer   = "https://issuer.example.com"
  }
}
resource "aws_apigatewayv2_route" "orders" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /orders"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}
resource "aws_apigatewayv2_integration" "private" {
  api_id             = aws_apigatewayv2_api.http.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  connection_type    = "VPC_LINK"
  connection_id      = "vpclink-1"
  integration_uri    = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/x/1/2"
  tls_config { server_name_to_verify = "internal.example.com" }
}
resource "aws_apigatewayv2_stage" "http_prod" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "prod"
  auto_deploy = true
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = "$context.requestId"
  }
}

resource "aws_apigatewayv2_api" "quick" {
  name          = "quick"
  protocol_type = "HTTP"
  target        = "arn:aws:lambda:eu-west-1:123456789012:function:quick"
}
resource "aws_apigatewayv2_stage" "quick_dev" {
  api_id = aws_apigatewayv2_api.quick.id
  name   = "dev"
}
"""


def test_rest_and_http_apis(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, APIS)
    orders = found["aws_api_gateway_rest_api.orders"].properties
    assert orders["authorizers"] == [{"id": "tf:aws_api_gateway_authorizer.orders",
                                      "name": "cognito", "type": "COGNITO_USER_POOLS"}]
    prod = found["aws_api_gateway_stage.orders_prod"].properties
    assert prod["restApiName"] == "orders"
    assert prod["methodSettings"] == [{
        "resourcePath": "*/*", "loggingLevel": "ERROR", "dataTraceEnabled": False,
        "metricsEnabled": True, "cachingEnabled": True, "cacheDataEncrypted": True}]
    assert prod["accessLogSettings"]["destinationArn"] == "tf:aws_cloudwatch_log_group.access"
    # joined by its literal stage name, but only to the stage of its own API
    legacy = found["aws_api_gateway_stage.legacy_prod"].properties
    assert [s["cacheDataEncrypted"] for s in legacy["methodSettings"]] == [False]
    quick = found["aws_apigatewayv2_api.quick"].properties
    assert quick["Routes"][0]["RouteKey"] == "$default"

    results = verdicts(aws_engine, found)
    op, lp = "aws_api_gateway_stage.orders_prod", "aws_api_gateway_stage.legacy_prod"
    for rule in ("aws.apigateway.stage_cache_encrypted", "aws.apigateway.stage_client_certificate",
                 "aws.apigateway.stage_execution_logging", "aws.apigateway.stage_waf",
                 "aws.apigateway.stage_xray_tracing"):
        assert results[(rule, op)] is Status.PASS, rule
        assert results[(rule, lp)] is Status.FAIL, rule
    assert results[("aws.apigateway.rest_api_authorizer", "aws_api_gateway_rest_api.orders")] \
        is Status.PASS
    assert results[("aws.apigateway.rest_api_authorizer", "aws_api_gateway_rest_api.legacy")] \
        is Status.FAIL
    h, q = "aws_apigatewayv2_api.http", "aws_apigatewayv2_api.quick"
    assert results[("aws.apigateway.v2_route_authorization", h)] is Status.PASS
    assert results[("aws.apigateway.v2_route_authorization", q)] is Status.FAIL
    assert results[("aws.apigateway.v2_private_integrations_use_tls", h)] is Status.PASS
    rule = "aws.apigateway.v2_stage_access_logging"
    assert results[(rule, "aws_apigatewayv2_stage.http_prod")] is Status.PASS
    assert results[(rule, "aws_apigatewayv2_stage.quick_dev")] is Status.FAIL
