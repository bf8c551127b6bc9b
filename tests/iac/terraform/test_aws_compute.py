"""Lambda functions, ECR repositories and EKS clusters from Terraform, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from tf_judge import load_tf, verdicts

from cloudwarden.core.model import UNRESOLVED, Status
from cloudwarden.engine import Engine

LAMBDA = """
provider "aws" { region = "eu-west-1" }

resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = jsonencode({ Statement = [] })
}
resource "aws_sqs_queue" "dlq" { name = "dlq" }
resource "aws_s3_bucket" "uploads" { bucket = "uploads" }

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.exec.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "worker.zip"
  environment {
    variables = { DB_PASSWORD = "hunter2", DB_SECRET_ARN = "arn:x", STAGE = "prod" }
  }
  vpc_config {
    subnet_ids         = [aws_subnet.a.id, aws_subnet.b.id]
    security_group_ids = []
  }
  tracing_config { mode = "Active" }
  dead_letter_config { target_arn = aws_sqs_queue.dlq.arn }
}

resource "aws_lambda_function" "legacy" {
  function_name = "legacy"
  role          = "arn:aws:iam::123456789012:role/legacy"
  runtime       = "python3.7"
  handler       = "app.handler"
  filename      = "legacy.zip"
}

resource "aws_lambda_permission" "from_s3" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.uploads.arn
}

resource "aws_lambda_permission" "anyone" {
  action        = "lambda:InvokeFunctionUrl"
  function_name = "legacy"
  principal     = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "alias_only" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "*"
  qualifier     = "live"
}

resource "aws_lambda_function_url" "legacy" {
  function_name      = aws_lambda_function.legacy.function_name
  authorization_type = "NONE"
  cors {
    allow_origins = ["*"]
    allow_methods = ["GET"]
  }
}
"""


def test_lambda_functions_with_permissions_and_url(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, LAMBDA)
    worker = found["aws_lambda_function.worker"]
    p = worker.properties
    assert p["FunctionArn"] == "tf:aws_lambda_function.worker"
    assert p["Role"] == "tf:aws_iam_role.exec"
    assert (p["PackageType"], p["Timeout"], p["MemorySize"]) == ("Zip", 3, 128)
    assert p["EnvironmentVariableNames"] == ["DB_PASSWORD", "DB_SECRET_ARN", "STAGE"]
    assert p["SecretLikeEnvironmentVariableNames"] == ["DB_PASSWORD"]
    assert p["VpcConfig"] == {"SubnetIds": ["tf:aws_subnet.a", "tf:aws_subnet.b"],
                              "SecurityGroupIds": [], "VpcId": "tf:aws_vpc.main"}
    assert p["DeadLetterConfig"] == {"TargetArn": "tf:aws_sqs_queue.dlq"}
    # the alias's permission is not the unqualified function's policy
    [statement] = p["Policy"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}
    assert p["FunctionUrlConfig"] is None
    assert worker.unknown["LastModified"].startswith(UNRESOLVED)
    legacy = found["aws_lambda_function.legacy"].properties
    assert legacy["FunctionUrlConfig"] == {
        "FunctionUrl": "tf:aws_lambda_function_url.legacy", "AuthType": "NONE",
        "Cors": {"AllowOrigins": ["*"], "AllowMethods": ["GET"]}}
    assert legacy["TracingConfig"] == {"Mode": "PassThrough"}

    results = verdicts(aws_engine, found)
    w, lg = "aws_lambda_function.worker", "aws_lambda_function.legacy"
    for rule, worker_status, legacy_status in (
            ("aws.lambda.function_policy_not_public", Status.PASS, Status.FAIL),
            ("aws.lambda.function_no_secrets_in_environment", Status.FAIL, Status.PASS),
            ("aws.lambda.function_supported_runtime", Status.PASS, Status.FAIL),
            ("aws.lambda.function_tracing_enabled", Status.PASS, Status.FAIL),
            ("aws.lambda.function_in_vpc", Status.PASS, Status.FAIL),
    ):
        assert results[(rule, w)] is worker_status, rule
        assert results[(rule, lg)] is legacy_status, rule
    assert results[("aws.lambda.function_vpc_multi_az", w)] is Status.PASS
    assert results[("aws.lambda.function_url_auth_required", lg)] is Status.FAIL
    assert results[("aws.lambda.function_url_cors_not_wildcard", lg)] is Status.FAIL


def test_lambda_unknown_environment_is_unresolved(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, """
variable "env" { type = map(string) }
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/f"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/f:1"
  environment { variables = var.env }
}
""")
    fn = found["aws_lambda_function.f"]
    assert fn.properties["SecretLikeEnvironmentVariableNames"] is None
    assert fn.unknown["SecretLikeEnvironmentVariableNames"].startswith(UNRESOLVED)
    assert fn.properties["PackageType"] == "Image"
    results = verdicts(aws_engine, found)
    assert results[("aws.lambda.function_no_secrets_in_environment",
                    "aws_lambda_function.f")] is Status.NOT_APPLICABLE


ECR = """
resource "aws_kms_key" "ecr" { enable_key_rotation = true }

resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration { scan_on_push = true }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.ecr.arn
  }
}

resource "aws_ecr_repository" "scratch" { name = "scratch" }

resource "aws_ecr_repository_policy" "scratch" {
  repository = aws_ecr_repository.scratch.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }]
  })
}

resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({ rules = [{ rulePriority = 1, selection = { tagStatus = "untagged",
    countType = "sinceImagePushed", countUnit = "days", countNumber = 14 },
    action = { type = "expire" } }] })
}
"""


def test_ecr_repositories_policies_and_registry_scanning(tmp_path: Path,
                                                          aws_engine: Engine) -> None:
    found = load_tf(tmp_path, ECR)
    app = found["aws_ecr_repository.app"]
    assert app.properties["encryptionConfiguration"] == {"encryptionType": "KMS",
                                                         "kmsKey": "tf:aws_kms_key.ecr"}
    assert app.properties["LifecyclePolicy"]["rules"][0]["rulePriority"] == 1
    assert app.properties["Policy"] is None
    assert app.unknown["RegistryScanningConfiguration"].startswith(UNRESOLVED)
    scratch = found["aws_ecr_repository.scratch"].properties
    assert scratch["encryptionConfiguration"] == {"encryptionType": "AES256", "kmsKey": None}
    assert scratch["Policy"]["Statement"][0]["Principal"] == "*"

    results = verdicts(aws_engine, found)
    a, s = "aws_ecr_repository.app", "aws_ecr_repository.scratch"
    for rule, app_status, scratch_status in (
            ("aws.ecr.repository_tag_immutability", Status.PASS, Status.FAIL),
            ("aws.ecr.repository_encrypted_with_kms", Status.PASS, Status.FAIL),
            ("aws.ecr.repository_lifecycle_policy_configured", Status.PASS, Status.FAIL),
            ("aws.ecr.repository_policy_not_public", Status.NOT_APPLICABLE, Status.FAIL),
    ):
        assert results[(rule, a)] is app_status, rule
        assert results[(rule, s)] is scratch_status, rule

    # the region's registry scanning is not in this code: a rule reading it cannot judge
    assert results[("aws.ecr.repository_image_scanning_enabled", a)] is Status.NOT_APPLICABLE

    # an enhanced registry scan covers every repository of the region
    with_registry = load_tf(tmp_path / "registry", ECR + """
resource "aws_ecr_registry_scanning_configuration" "this" {
  scan_type = "ENHANCED"
  rule {
    scan_frequency = "CONTINUOUS_SCAN"
    repository_filter {
      filter      = "*"
      filter_type = "WILDCARD"
    }
  }
}
""")
    registry = with_registry[s].properties["RegistryScanningConfiguration"]
    assert registry == {"scanType": "ENHANCED", "rules": [{
        "scanFrequency": "CONTINUOUS_SCAN",
        "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]}
    assert verdicts(aws_engine, with_registry)[
        ("aws.ecr.repository_image_scanning_enabled", s)] is Status.PASS


EKS = """
resource "aws_subnet" "a" {
  vpc_id     = "vpc-0123456789abcdef0"
  cidr_block = "10.0.1.0/24"
}
resource "aws_kms_key" "eks" { enable_key_rotation = true }

resource "aws_eks_cluster" "hardened" {
  name     = "hardened"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.31"
  vpc_config {
    subnet_ids              = [aws_subnet.a.id]
    endpoint_public_access  = false
    endpoint_private_access = true
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager",
                               "scheduler"]
  encryption_config {
    resources = ["secrets"]
    provider { key_arn = aws_kms_key.eks.arn }
  }
}

resource "aws_eks_cluster" "open" {
  name     = "open"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config { subnet_ids = ["subnet-0abc"] }
}
"""


def test_eks_clusters(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, EKS)
    hardened = found["aws_eks_cluster.hardened"].properties
    assert hardened["resourcesVpcConfig"]["vpcId"] == "vpc-0123456789abcdef0"
    assert hardened["encryptionConfig"] == [{"resources": ["secrets"],
                                             "provider": {"keyArn": "tf:aws_kms_key.eks"}}]
    open_ = found["aws_eks_cluster.open"]
    assert open_.properties["resourcesVpcConfig"]["publicAccessCidrs"] == ["0.0.0.0/0"]
    assert open_.properties["logging"] == {"clusterLogging": [
        {"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
         "enabled": False}]}
    assert open_.unknown["version"].startswith(UNRESOLVED)

    results = verdicts(aws_engine, found)
    h, o = "aws_eks_cluster.hardened", "aws_eks_cluster.open"
    for rule in ("aws.eks.cluster_endpoint_not_public", "aws.eks.cluster_secrets_encrypted",
                 "aws.eks.cluster_audit_logging_enabled",
                 "aws.eks.cluster_control_plane_logging_all_types"):
        assert results[(rule, h)] is Status.PASS, rule
        assert results[(rule, o)] is Status.FAIL, rule
    assert results[("aws.eks.cluster_public_endpoint_cidrs_restricted", o)] is Status.FAIL
    assert results[("aws.eks.cluster_supported_version", o)] is Status.NOT_APPLICABLE
