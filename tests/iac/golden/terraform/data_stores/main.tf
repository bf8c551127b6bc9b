provider "aws" {
  region = "eu-central-1"
}

variable "redis_auth_token" {
  type      = string
  sensitive = true
}

resource "aws_kms_key" "data" {
  description         = "data stores"
  enable_key_rotation = true
}

resource "aws_subnet" "data" {
  vpc_id            = "vpc-0a1b2c3d4e5f67890"
  cidr_block        = "10.20.1.0/24"
  availability_zone = "eu-central-1a"
}

# --- EFS -------------------------------------------------------------------
resource "aws_efs_file_system" "home" {
  creation_token = "home"
  encrypted      = true
  kms_key_id     = aws_kms_key.data.arn
  tags = {
    Name = "home"
  }
}

resource "aws_efs_backup_policy" "home" {
  file_system_id = aws_efs_file_system.home.id
  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_mount_target" "home" {
  file_system_id = aws_efs_file_system.home.id
  subnet_id      = aws_subnet.data.id
}

resource "aws_efs_access_point" "app" {
  file_system_id = aws_efs_file_system.home.id
  posix_user {
    uid = 1001
    gid = 1001
  }
  root_directory {
    path = "/app"
    creation_info {
      owner_uid   = 1001
      owner_gid   = 1001
      permissions = "0750"
    }
  }
}

resource "aws_efs_access_point" "whole" {
  file_system_id = aws_efs_file_system.home.id
}

resource "aws_efs_file_system" "tmp" {
  creation_token = "tmp"
}

# --- Redshift ----------------------------------------------------------------
resource "aws_redshift_parameter_group" "tls" {
  name   = "tls"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "true"
  }
}

resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier                  = "warehouse"
  node_type                           = "ra3.xlplus"
  master_username                     = "warehouse_admin"
  database_name                       = "warehouse"
  encrypted                           = true
  kms_key_id                          = aws_kms_key.data.arn
  enhanced_vpc_routing                = true
  automated_snapshot_retention_period = 14
  cluster_parameter_group_name        = aws_redshift_parameter_group.tls.name
  manage_master_password              = true

  logging {
    enable               = true
    log_destination_type = "cloudwatch"
    log_exports          = ["connectionlog", "userlog", "useractivitylog"]
  }
}

resource "aws_redshift_cluster" "sandbox" {
  cluster_identifier  = "sandbox"
  node_type           = "dc2.large"
  master_username     = "awsuser"
  encrypted           = false
  publicly_accessible = true
}

# --- ElastiCache -------------------------------------------------------------
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "web sessions"
  engine_version             = "7.1"
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 2
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  auth_token                 = var.redis_auth_token
  automatic_failover_enabled = true
  kms_key_id                 = aws_kms_key.data.arn
}

resource "aws_elasticache_replication_group" "queue" {
  replication_group_id = "queue"
  description          = "job queue"
  engine_version       = "5.0.6"
  node_type            = "cache.t3.small"
  num_cache_clusters   = 1
}

resource "aws_elasticache_cluster" "memo" {
  cluster_id      = "memo"
  engine          = "memcached"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
}

# --- OpenSearch --------------------------------------------------------------
resource "aws_opensearch_domain" "logs" {
  domain_name    = "logs"
  engine_version = "OpenSearch_2.13"

  cluster_config {
    instance_type          = "r6g.large.search"
    instance_count         = 3
    zone_awareness_enabled = true
    zone_awareness_config {
      availability_zone_count = 3
    }
  }

  vpc_options {
    subnet_ids = [aws_subnet.data.id]
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = aws_kms_key.data.arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
  }
}

resource "aws_opensearch_domain" "public" {
  domain_name    = "public"
  engine_version = "OpenSearch_1.3"

  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "es:ESHttpGet"
      Resource  = "arn:aws:es:eu-central-1:123456789012:domain/public/*"
    }]
  })
}
