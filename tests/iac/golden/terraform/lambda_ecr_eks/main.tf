provider "aws" {
  region = "us-east-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

resource "aws_iam_role" "lambda" {
  name = "api-${var.environment}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_lambda_function" "api" {
  function_name = "api-${var.environment}"
  role          = aws_iam_role.lambda.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "api.zip"

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      STAGE          = var.environment
      API_KEY_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api"
    }
  }
}

resource "aws_lambda_function" "webhook" {
  function_name = "webhook"
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.8"
  handler       = "main.handler"
  filename      = "webhook.zip"

  environment {
    variables = {
      GITHUB_TOKEN = "ghp_example"
    }
  }
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:123456789012:abcdef/*"
}

resource "aws_lambda_permission" "public_url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.webhook.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_function_url" "webhook" {
  function_name      = aws_lambda_function.webhook.function_name
  authorization_type = "NONE"
}

resource "aws_kms_key" "images" {
  description         = "ECR images"
  enable_key_rotation = true
}

resource "aws_ecr_repository" "images" {
  name                 = "images"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.images.arn
  }
}

resource "aws_ecr_lifecycle_policy" "images" {
  repository = aws_ecr_repository.images.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "expire untagged images"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 7
      }
      action = { type = "expire" }
    }]
  })
}

resource "aws_ecr_repository" "sandbox" {
  name = "sandbox"
}

resource "aws_ecr_repository_policy" "sandbox" {
  repository = aws_ecr_repository.sandbox.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicPull"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    }]
  })
}

resource "aws_ecr_registry_scanning_configuration" "registry" {
  scan_type = "BASIC"
}

resource "aws_eks_cluster" "platform" {
  name     = "platform"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids              = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    endpoint_public_access  = true
    endpoint_private_access = true
    public_access_cidrs     = ["203.0.113.0/24"]
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}

resource "aws_eks_cluster" "dev" {
  name     = "dev"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d"]
  }

  enabled_cluster_log_types = ["api"]
}
