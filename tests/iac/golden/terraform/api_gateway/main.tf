provider "aws" {
  region = "ap-southeast-2"
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/access"
  retention_in_days = 90
}

# --- REST API ----------------------------------------------------------------
resource "aws_api_gateway_rest_api" "payments" {
  name = "payments"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_authorizer" "payments" {
  name                   = "lambda-auth"
  rest_api_id            = aws_api_gateway_rest_api.payments.id
  authorizer_uri         = "arn:aws:apigateway:ap-southeast-2:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-southeast-2:123456789012:function:auth/invocations"
  type                   = "REQUEST"
  identity_source        = "method.request.header.Authorization"
}

resource "aws_api_gateway_deployment" "payments" {
  rest_api_id = aws_api_gateway_rest_api.payments.id
}

resource "aws_api_gateway_stage" "payments_live" {
  stage_name            = "live"
  rest_api_id           = aws_api_gateway_rest_api.payments.id
  deployment_id         = aws_api_gateway_deployment.payments.id
  xray_tracing_enabled  = true
  client_certificate_id = "abc123"

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = jsonencode({ requestId = "$context.requestId" })
  }
}

resource "aws_api_gateway_method_settings" "payments_live" {
  rest_api_id = aws_api_gateway_rest_api.payments.id
  stage_name  = aws_api_gateway_stage.payments_live.stage_name
  method_path = "*/*"

  settings {
    logging_level   = "INFO"
    metrics_enabled = true
  }
}

resource "aws_wafv2_web_acl_association" "payments_live" {
  resource_arn = aws_api_gateway_stage.payments_live.arn
  web_acl_arn  = "arn:aws:wafv2:ap-southeast-2:123456789012:regional/webacl/payments/1"
}

resource "aws_api_gateway_rest_api" "internal" {
  name = "internal-tools"
}

resource "aws_api_gateway_deployment" "internal" {
  rest_api_id = aws_api_gateway_rest_api.internal.id
}

resource "aws_api_gateway_stage" "internal_test" {
  stage_name    = "test"
  rest_api_id   = aws_api_gateway_rest_api.internal.id
  deployment_id = aws_api_gateway_deployment.internal.id
}

# --- HTTP API ----------------------------------------------------------------
resource "aws_apigatewayv2_api" "webhooks" {
  name          = "webhooks"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "github" {
  api_id             = aws_apigatewayv2_api.webhooks.id
  route_key          = "POST /github"
  authorization_type = "AWS_IAM"
}

resource "aws_apigatewayv2_route" "ping" {
  api_id    = aws_apigatewayv2_api.webhooks.id
  route_key = "GET /ping"
}

resource "aws_apigatewayv2_stage" "webhooks_default" {
  api_id      = aws_apigatewayv2_api.webhooks.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = "$context.requestId $context.status"
  }
}

resource "aws_apigatewayv2_api" "socket" {
  name                       = "chat"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_route" "connect" {
  api_id             = aws_apigatewayv2_api.socket.id
  route_key          = "$connect"
  authorization_type = "CUSTOM"
  authorizer_id      = "authz1"
}

resource "aws_apigatewayv2_stage" "socket_prod" {
  api_id = aws_apigatewayv2_api.socket.id
  name   = "prod"
}
