"""ElastiCache replication groups and clusters, and OpenSearch domains from Terraform."""

from __future__ import annotations

from pathlib import Path

from tf_judge import load_tf, verdicts

from cloudwarden.core.model import UNRESOLVED, Status
from cloudwarden.engine import Engine

ELASTICACHE = """
variable "redis_auth" {
  type      = string
  sensitive = true
}
resource "aws_elasticache_subnet_group" "cache" {
  name       = "cache"
  subnet_ids = ["subnet-1", "subnet-2"]
}
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "session store"
  engine_version             = "6.2"
  node_type                  = "cache.r6g.large"
  num_cache_clusters         = 2
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  auth_token                 = var.redis_auth
  automatic_failover_enabled = true
  multi_az_enabled           = true
  snapshot_retention_limit   = 7
  subnet_group_name          = aws_elasticache_subnet_group.cache.name
}
resource "aws_elasticache_replication_group" "scratch" {
  replication_group_id = "scratch"
  description          = "scratch"
  engine_version       = "5.0.6"
  node_type            = "cache.t3.micro"
}
resource "aws_elasticache_cluster" "member" {
  cluster_id           = "sessions-3"
  replication_group_id = aws_elasticache_replication_group.sessions.id
}
resource "aws_elasticache_cluster" "memcached" {
  cluster_id      = "memcached"
  engine          = "memcached"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
  auto_minor_version_upgrade = false
}
resource "aws_elasticache_cluster" "redis" {
  cluster_id               = "redis"
  engine                   = "redis"
  node_type                = "cache.t3.micro"
  num_cache_nodes          = 1
  snapshot_retention_limit = 5
  subnet_group_name        = "cache"
}
"""


def test_elasticache(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, ELASTICACHE)
    sessions = found["aws_elasticache_replication_group.sessions"]
    p = sessions.properties
    # a token from a variable without a value: whether one is set is unknown
    assert sessions.unknown["AuthTokenEnabled"].startswith(UNRESOLVED)
    assert (p["TransitEncryptionMode"], p["AutomaticFailover"], p["MultiAZ"]) == (
        "required", "enabled", "enabled")
    scratch = found["aws_elasticache_replication_group.scratch"].properties
    assert scratch["AuthTokenEnabled"] is False and scratch["TransitEncryptionMode"] is None
    member = found["aws_elasticache_cluster.member"].properties
    assert member["AtRestEncryptionEnabled"] is True and member["EngineVersion"] == "6.2"
    assert member["CacheSubnetGroupName"] == "cache"
    assert found["aws_elasticache_cluster.memcached"].properties["CacheSubnetGroupName"] \
        == "default"

    results = verdicts(aws_engine, found)
    s, sc = "aws_elasticache_replication_group.sessions", \
        "aws_elasticache_replication_group.scratch"
    for rule in ("aws.elasticache.replication_group_automatic_failover",
                 "aws.elasticache.replication_group_encrypted_at_rest",
                 "aws.elasticache.replication_group_encrypted_in_transit"):
        assert results[(rule, s)] is Status.PASS, rule
        assert results[(rule, sc)] is Status.FAIL, rule
    assert results[("aws.elasticache.replication_group_auth_enabled", sc)] is Status.FAIL
    assert results[("aws.elasticache.replication_group_auth_enabled", s)] \
        is Status.NOT_APPLICABLE
    mc, rd = "aws_elasticache_cluster.memcached", "aws_elasticache_cluster.redis"
    assert results[("aws.elasticache.cluster_not_default_subnet_group", mc)] is Status.FAIL
    assert results[("aws.elasticache.cluster_not_default_subnet_group", rd)] is Status.PASS
    assert results[("aws.elasticache.cluster_auto_minor_version_upgrade", mc)] is Status.FAIL
    assert results[("aws.elasticache.cluster_automatic_backups", rd)] is Status.PASS
    assert results[("aws.elasticache.cluster_automatic_backups", mc)] is Status.NOT_APPLICABLE


OPENSEARCH = """
resource "aws_subnet" "a" {
  vpc_id     = "vpc-0abc"
  cidr_block = "10.0.1.0/24"
}
resource "aws_cloudwatch_log_group" "audit" { name = "/aws/opensearch/search/audit" }
resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
  cluster_config {
    instance_type            = "r6g.large.search"
    instance_count           = 3
    zone_awareness_enabled   = true
    dedicated_master_enabled = true
    dedicated_master_count   = 3
  }
  vpc_options { subnet_ids = [aws_subnet.a.id] }
  encrypt_at_rest { enabled = true }
  node_to_node_encryption { enabled = true }
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = true
  }
  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.audit.arn
  }
  log_publishing_options {
    log_type                 = "ES_APPLICATION_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.audit.arn
  }
}
resource "aws_elasticsearch_domain" "legacy" {
  domain_name           = "legacy"
  elasticsearch_version = "6.8"
  domain_endpoint_options {
    enforce_https       = false
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }
}
resource "aws_elasticsearch_domain_policy" "legacy" {
  domain_name = aws_elasticsearch_domain.legacy.domain_name
  access_policies = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*",
                   Resource = "*" }]
  })
}
resource "aws_opensearch_domain" "bare" { domain_name = "bare" }
"""


def test_opensearch(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, OPENSEARCH)
    search = found["aws_opensearch_domain.search"].properties
    assert search["VPCOptions"]["VPCId"] == "vpc-0abc" and search["Endpoint"] is None
    assert search["LogPublishingOptions"]["AUDIT_LOGS"] == {
        "Enabled": True, "CloudWatchLogsLogGroupArn": "tf:aws_cloudwatch_log_group.audit"}
    legacy = found["aws_elasticsearch_domain.legacy"].properties
    assert legacy["EngineVersion"] == "Elasticsearch_6.8"
    assert legacy["AccessPolicies"]["Statement"][0]["Principal"] == {"AWS": "*"}
    bare = found["aws_opensearch_domain.bare"]
    assert bare.unknown["DomainEndpointOptions"].startswith(UNRESOLVED)
    assert bare.unknown["ServiceSoftwareOptions"].startswith(UNRESOLVED)

    results = verdicts(aws_engine, found)
    s, lg = "aws_opensearch_domain.search", "aws_elasticsearch_domain.legacy"
    for rule in ("aws.opensearch.domain_audit_logging", "aws.opensearch.domain_error_logging",
                 "aws.opensearch.domain_dedicated_primary_nodes",
                 "aws.opensearch.domain_encrypted_at_rest",
                 "aws.opensearch.domain_fine_grained_access_control",
                 "aws.opensearch.domain_in_vpc", "aws.opensearch.domain_node_to_node_encryption",
                 "aws.opensearch.domain_three_data_nodes", "aws.opensearch.domain_tls_1_2"):
        assert results[(rule, s)] is Status.PASS, rule
        assert results[(rule, lg)] is Status.FAIL, rule
    assert results[("aws.opensearch.domain_access_policy_not_public", lg)] is Status.FAIL
    assert results[("aws.opensearch.domain_tls_1_2", "aws_opensearch_domain.bare")] \
        is Status.NOT_APPLICABLE
    assert results[("aws.opensearch.domain_software_up_to_date", s)] is Status.NOT_APPLICABLE
