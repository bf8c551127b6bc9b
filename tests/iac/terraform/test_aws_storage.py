"""EFS file systems and access points, and Redshift clusters from Terraform, judged."""

from __future__ import annotations

from pathlib import Path

from tf_judge import load_tf, verdicts

from cloudwarden.core.model import UNRESOLVED, Status
from cloudwarden.engine import Engine

EFS = """
provider "aws" { region = "eu-west-1" }
resource "aws_subnet" "private" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "public" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.2.0/24"
  availability_zone       = "eu-west-1b"
  map_public_ip_on_launch = true
}
resource "aws_kms_key" "efs" { enable_key_rotation = true }

resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
  kms_key_id     = aws_kms_key.efs.arn
  tags           = { Name = "shared" }
}
resource "aws_efs_backup_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  backup_policy { status = "ENABLED" }
}
resource "aws_efs_mount_target" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = aws_subnet.private.id
}
resource "aws_efs_file_system_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_efs_file_system" "scratch" { creation_token = "scratch" }
resource "aws_efs_mount_target" "scratch" {
  file_system_id = aws_efs_file_system.scratch.id
  subnet_id      = aws_subnet.public.id
}
resource "aws_efs_file_system_policy" "scratch" {
  file_system_id = aws_efs_file_system.scratch.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "elasticfilesystem:ClientMount" }]
  })
}

resource "aws_efs_access_point" "app" {
  file_system_id = aws_efs_file_system.shared.id
  posix_user {
    uid = 1000
    gid = 1000
  }
  root_directory { path = "/app" }
}
resource "aws_efs_access_point" "root" { file_system_id = aws_efs_file_system.shared.id }
"""


def test_efs(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, EFS)
    shared = found["aws_efs_file_system.shared"].properties
    assert shared["Name"] == "shared" and shared["KmsKeyId"] == "tf:aws_kms_key.efs"
    assert shared["MountTargets"] == [{"MountTargetId": "tf:aws_efs_mount_target.shared",
                                       "SubnetId": "tf:aws_subnet.private",
                                       "AvailabilityZoneName": "eu-west-1a", "IpAddress": None}]
    scratch = found["aws_efs_file_system.scratch"].properties
    assert scratch["BackupPolicy"] == {"Status": "DISABLED"}
    app = found["aws_efs_access_point.app"].properties
    assert app["PosixUser"] == {"Uid": 1000, "Gid": 1000, "SecondaryGids": []}
    assert app["FileSystemId"] == "tf:aws_efs_file_system.shared"

    results = verdicts(aws_engine, found)
    sh, sc = "aws_efs_file_system.shared", "aws_efs_file_system.scratch"
    for rule in ("aws.efs.file_system_encrypted", "aws.efs.file_system_backups_enabled",
                 "aws.efs.file_system_policy_not_public",
                 "aws.efs.mount_target_not_in_public_subnet"):
        assert results[(rule, sh)] is Status.PASS, rule
        assert results[(rule, sc)] is Status.FAIL, rule
    for rule in ("aws.efs.access_point_root_directory", "aws.efs.access_point_user_identity"):
        assert results[(rule, "aws_efs_access_point.app")] is Status.PASS, rule
        assert results[(rule, "aws_efs_access_point.root")] is Status.FAIL, rule


REDSHIFT = """
resource "aws_kms_key" "dw" { enable_key_rotation = true }
resource "aws_redshift_parameter_group" "secure" {
  name   = "secure"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "true"
  }
  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }
}
resource "aws_redshift_cluster" "dw" {
  cluster_identifier                  = "dw"
  node_type                           = "ra3.xlplus"
  master_username                     = "dwadmin"
  database_name                       = "analytics"
  encrypted                           = true
  kms_key_id                          = aws_kms_key.dw.arn
  enhanced_vpc_routing                = true
  automated_snapshot_retention_period = 7
  multi_az                            = true
  cluster_parameter_group_name        = aws_redshift_parameter_group.secure.name
}
resource "aws_redshift_logging" "dw" {
  cluster_identifier   = aws_redshift_cluster.dw.id
  log_destination_type = "cloudwatch"
  log_exports          = ["connectionlog", "userlog", "useractivitylog"]
}
resource "aws_redshift_cluster" "legacy" {
  cluster_identifier  = "legacy"
  node_type           = "dc2.large"
  master_username     = "awsuser"
  publicly_accessible = true
  allow_version_upgrade = false
}
"""


def test_redshift(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, REDSHIFT)
    dw = found["aws_redshift_cluster.dw"].properties
    assert dw["ClusterParameters"] == [
        {"ParameterName": "enable_user_activity_logging", "ParameterValue": "true",
         "Source": "user"},
        {"ParameterName": "require_ssl", "ParameterValue": "true", "Source": "user"},
        {"ParameterName": "use_fips_ssl", "ParameterValue": "false",
         "Source": "engine-default"}]
    assert dw["LoggingStatus"]["LogDestinationType"] == "cloudwatch"
    legacy = found["aws_redshift_cluster.legacy"]
    assert legacy.unknown["Encrypted"].startswith(UNRESOLVED)
    assert legacy.properties["DBName"] == "dev"

    results = verdicts(aws_engine, found)
    d, lg = "aws_redshift_cluster.dw", "aws_redshift_cluster.legacy"
    for rule in ("aws.redshift.cluster_audit_logging", "aws.redshift.cluster_enhanced_vpc_routing",
                 "aws.redshift.cluster_non_default_admin_username",
                 "aws.redshift.cluster_non_default_database_name",
                 "aws.redshift.cluster_not_publicly_accessible",
                 "aws.redshift.cluster_requires_ssl", "aws.redshift.cluster_snapshot_retention",
                 "aws.redshift.cluster_version_upgrade"):
        assert results[(rule, d)] is Status.PASS, rule
        assert results[(rule, lg)] is Status.FAIL, rule
    assert results[("aws.redshift.cluster_encrypted_with_kms", d)] is Status.PASS
    assert results[("aws.redshift.cluster_encrypted_with_kms", lg)] is Status.NOT_APPLICABLE
