"""ElastiCache, Redshift and OpenSearch from CloudFormation, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import UNRESOLVED, Status

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-0abc, CidrBlock: 10.0.0.0/24}
  Sessions:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      EngineVersion: "5.0.6"
      CacheNodeType: cache.r6g.large
      NumCacheClusters: 2
      AtRestEncryptionEnabled: true
      TransitEncryptionEnabled: true
      AuthToken: "{{resolve:secretsmanager:redis-auth}}"
      AutomaticFailoverEnabled: true
      MultiAZEnabled: true
  Scratch:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: scratch
      EngineVersion: "5.0.6"
      CacheNodeType: cache.t3.micro
      NumCacheClusters: 1
  Memcached:
    Type: AWS::ElastiCache::CacheCluster
    Properties: {Engine: memcached, CacheNodeType: cache.t3.micro, NumCacheNodes: 1,
                 AutoMinorVersionUpgrade: false}
  Redis:
    Type: AWS::ElastiCache::CacheCluster
    Properties: {Engine: redis, CacheNodeType: cache.t3.micro, NumCacheNodes: 1,
                 SnapshotRetentionLimit: 3, CacheSubnetGroupName: cache}
  TlsParameters:
    Type: AWS::Redshift::ClusterParameterGroup
    Properties:
      Description: tls
      ParameterGroupFamily: redshift-1.0
      Parameters: [{ParameterName: require_ssl, ParameterValue: "true"}]
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: multi-node
      NumberOfNodes: 2
      NodeType: ra3.xlplus
      DBName: warehouse
      MasterUsername: warehouse_admin
      ManageMasterPassword: true
      Encrypted: true
      KmsKeyId: arn:aws:kms:eu-west-1:123456789012:key/k
      EnhancedVpcRouting: true
      AutomatedSnapshotRetentionPeriod: 7
      ClusterParameterGroupName: !Ref TlsParameters
      LoggingProperties: {BucketName: dw-logs}
  Sandbox:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: single-node
      NodeType: dc2.large
      MasterUsername: awsuser
      MasterUserPassword: "{{resolve:ssm-secure:dw}}"
      PubliclyAccessible: true
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.13
      ClusterConfig: {InstanceCount: 3, ZoneAwarenessEnabled: true,
                      DedicatedMasterEnabled: true, DedicatedMasterCount: 3}
      VPCOptions: {SubnetIds: [!Ref Subnet]}
      EncryptionAtRestOptions: {Enabled: true}
      NodeToNodeEncryptionOptions: {Enabled: true}
      DomainEndpointOptions: {EnforceHTTPS: true, TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07}
      AdvancedSecurityOptions: {Enabled: true, InternalUserDatabaseEnabled: true}
      LogPublishingOptions:
        AUDIT_LOGS: {CloudWatchLogsLogGroupArn: arn:aws:logs:eu-west-1:123456789012:log-group:a,
                     Enabled: true}
        ES_APPLICATION_LOGS: {CloudWatchLogsLogGroupArn: arn:aws:logs:eu-west-1:1:log-group:b,
                              Enabled: true}
  Legacy:
    Type: AWS::Elasticsearch::Domain
    Properties:
      ElasticsearchVersion: "6.8"
      DomainEndpointOptions: {EnforceHTTPS: false, TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07}
      AccessPolicies:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "es:*", Resource: "*"}]
"""


def test_data_stores(tmp_path: Path) -> None:
    found = load_cfn(tmp_path, TEMPLATE)
    sessions = found["Sessions"].properties
    assert sessions["AuthTokenEnabled"] is True and sessions["TransitEncryptionMode"] == \
        "required"
    assert sessions["ReplicationGroupId"] == "${Sessions}"
    assert found["Memcached"].properties["CacheSubnetGroupName"] == "default"
    warehouse = found["Warehouse"].properties
    assert warehouse["ClusterParameters"][1] == {"ParameterName": "require_ssl",
                                                 "ParameterValue": "true", "Source": "user"}
    assert found["Sandbox"].unknown["Encrypted"].startswith(UNRESOLVED)
    search = found["Search"].properties
    assert search["VPCOptions"]["VPCId"] == "vpc-0abc" and search["Endpoint"] is None
    assert found["Legacy"].properties["EngineVersion"] == "Elasticsearch_6.8"

    results = verdicts(found)
    for rule in ("aws.elasticache.replication_group_automatic_failover",
                 "aws.elasticache.replication_group_encrypted_at_rest",
                 "aws.elasticache.replication_group_encrypted_in_transit",
                 "aws.elasticache.replication_group_auth_enabled"):
        assert results[(rule, "Sessions")] is Status.PASS, rule
        assert results[(rule, "Scratch")] is Status.FAIL, rule
    assert results[("aws.elasticache.cluster_not_default_subnet_group", "Memcached")] \
        is Status.FAIL
    assert results[("aws.elasticache.cluster_not_default_subnet_group", "Redis")] is Status.PASS
    assert results[("aws.elasticache.cluster_auto_minor_version_upgrade", "Memcached")] \
        is Status.FAIL
    for rule in ("aws.redshift.cluster_audit_logging", "aws.redshift.cluster_enhanced_vpc_routing",
                 "aws.redshift.cluster_non_default_admin_username",
                 "aws.redshift.cluster_non_default_database_name",
                 "aws.redshift.cluster_not_publicly_accessible",
                 "aws.redshift.cluster_requires_ssl", "aws.redshift.cluster_snapshot_retention"):
        assert results[(rule, "Warehouse")] is Status.PASS, rule
        assert results[(rule, "Sandbox")] is Status.FAIL, rule
    assert results[("aws.redshift.cluster_encrypted_with_kms", "Sandbox")] \
        is Status.NOT_APPLICABLE
    for rule in ("aws.opensearch.domain_audit_logging", "aws.opensearch.domain_error_logging",
                 "aws.opensearch.domain_dedicated_primary_nodes",
                 "aws.opensearch.domain_encrypted_at_rest",
                 "aws.opensearch.domain_fine_grained_access_control",
                 "aws.opensearch.domain_in_vpc", "aws.opensearch.domain_node_to_node_encryption",
                 "aws.opensearch.domain_three_data_nodes", "aws.opensearch.domain_tls_1_2"):
        assert results[(rule, "Search")] is Status.PASS, rule
        assert results[(rule, "Legacy")] is Status.FAIL, rule
    assert results[("aws.opensearch.domain_access_policy_not_public", "Legacy")] is Status.FAIL
