"""Resource type -> the mapping that turns it into canonical assets.

An explicit registry: adding a type is one line here. Types that only add to another asset
(`AWS::S3::BucketPolicy` to its bucket, `AWS::EC2::SecurityGroupIngress` to its group) have no
entry: the owner's mapping joins them.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation import (
    apigateway,
    cloudfront,
    compute,
    datastores,
    ec2,
    eks_efs,
    elb,
    iam,
    s3,
    sam_api,
    services,
)
from cloudwarden.iac.cloudformation.stack import Resource, Stack

__all__ = ["MAPPERS", "Mapper"]

Mapper = Callable[[Resource, Stack], list[Asset]]


def _one(fn: Callable[[Resource, Stack], Asset]) -> Mapper:
    return lambda res, stack: [fn(res, stack)]


MAPPERS: dict[str, Mapper] = {
    "AWS::S3::Bucket": _one(s3.map_bucket),
    "AWS::EC2::SecurityGroup": _one(ec2.map_security_group),
    "AWS::EC2::Instance": ec2.map_instance,
    "AWS::EC2::Volume": _one(ec2.map_volume),
    "AWS::EC2::LaunchTemplate": _one(ec2.map_launch_template),
    "AWS::EC2::VPC": _one(ec2.map_vpc),
    "AWS::EC2::Subnet": _one(ec2.map_subnet),
    "AWS::IAM::Role": _one(iam.map_role),
    "AWS::IAM::User": _one(iam.map_user),
    "AWS::IAM::Group": _one(iam.map_group),
    "AWS::IAM::ManagedPolicy": _one(iam.map_managed_policy),
    "AWS::KMS::Key": _one(services.map_key),
    "AWS::CloudTrail::Trail": _one(services.map_trail),
    "AWS::SQS::Queue": _one(services.map_queue),
    "AWS::SNS::Topic": _one(services.map_topic),
    "AWS::DynamoDB::Table": _one(services.map_table),
    "AWS::SecretsManager::Secret": _one(services.map_secret),
    "AWS::Lambda::Function": _one(compute.map_function),
    "AWS::Serverless::Function": _one(compute.map_function),
    "AWS::RDS::DBInstance": _one(compute.map_db_instance),
    "AWS::RDS::DBCluster": _one(compute.map_db_cluster),
    "AWS::ECR::Repository": _one(compute.map_repository),
    "AWS::EFS::FileSystem": _one(eks_efs.map_file_system),
    "AWS::EFS::AccessPoint": _one(eks_efs.map_access_point),
    "AWS::EKS::Cluster": _one(eks_efs.map_eks_cluster),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _one(elb.map_load_balancer),
    "AWS::ElasticLoadBalancing::LoadBalancer": _one(elb.map_classic),
    "AWS::CloudFront::Distribution": _one(cloudfront.map_distribution),
    "AWS::ElastiCache::ReplicationGroup": _one(datastores.map_replication_group),
    "AWS::ElastiCache::CacheCluster": _one(datastores.map_cache_cluster),
    "AWS::Redshift::Cluster": _one(datastores.map_redshift_cluster),
    "AWS::OpenSearchService::Domain": _one(datastores.map_domain),
    "AWS::Elasticsearch::Domain": _one(datastores.map_domain),
    "AWS::ApiGateway::RestApi": _one(apigateway.map_rest_api),
    "AWS::ApiGateway::Stage": _one(apigateway.map_stage),
    "AWS::ApiGatewayV2::Api": _one(apigateway.map_v2_api),
    "AWS::ApiGatewayV2::Stage": _one(apigateway.map_v2_stage),
    "AWS::Serverless::Api": sam_api.map_sam_api,
    "AWS::Serverless::HttpApi": sam_api.map_sam_http_api,
}
