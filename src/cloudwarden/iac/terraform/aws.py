"""The Terraform -> canonical AWS asset mapping: an explicit registry from resource types to
the mapper that builds their canonical asset, and `map_module`, which maps every resource of
one module with the joins indexed once (no scan of the resource list per resource).

Three kinds of resource types:
- `RESOURCES`: a resource that is one canonical asset (`aws_s3_bucket` -> `aws.s3.bucket`);
- `JOINED`: a resource folded into the asset of the resource it names (a bucket's
  `aws_s3_bucket_versioning`, an `aws_security_group_rule`, an `aws_iam_role_policy`);
- `MODULE_SETTINGS`: account- and region-wide settings gathered into one asset per module.
Every other managed resource type is skipped and counted (`Mapped.skipped`); data sources are
inputs, never assets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform import (
    aws_account,
    aws_apigateway,
    aws_cache_search,
    aws_cloudfront,
    aws_compute,
    aws_data,
    aws_ec2,
    aws_elb,
    aws_iam,
    aws_s3,
    aws_security,
    aws_storage,
)
from cloudwarden.iac.terraform.aws_common import Index, Mapped
from cloudwarden.iac.terraform.model import TfModule, TfResource

__all__ = ["JOINED", "MODULE_SETTINGS", "RESOURCES", "MappingError", "ResourceMapping",
           "map_module"]

Builder = Callable[[Index, TfResource], list[Asset]]


@dataclass(frozen=True, slots=True)
class ResourceMapping:
    asset_type: str
    build: Builder


@dataclass(frozen=True, slots=True)
class MappingError:
    """A resource whose values the mapper could not read (malformed input, not a crash)."""

    resource: TfResource
    message: str


RESOURCES: dict[str, ResourceMapping] = {
    "aws_s3_bucket": ResourceMapping("aws.s3.bucket", aws_s3.map_bucket),
    "aws_security_group": ResourceMapping("aws.ec2.security_group",
                                          aws_ec2.map_security_group),
    "aws_instance": ResourceMapping("aws.ec2.instance", aws_ec2.map_instance),
    "aws_ebs_volume": ResourceMapping("aws.ec2.volume", aws_ec2.map_volume),
    "aws_launch_template": ResourceMapping("aws.ec2.launch_template",
                                           aws_ec2.map_launch_template),
    "aws_vpc": ResourceMapping("aws.ec2.vpc", aws_ec2.map_vpc),
    "aws_subnet": ResourceMapping("aws.ec2.subnet", aws_ec2.map_subnet),
    "aws_iam_policy": ResourceMapping("aws.iam.policy", aws_iam.map_policy),
    "aws_iam_role": ResourceMapping("aws.iam.role", aws_iam.map_role),
    "aws_iam_user": ResourceMapping("aws.iam.user", aws_iam.map_user),
    "aws_iam_group": ResourceMapping("aws.iam.group", aws_iam.map_group),
    "aws_kms_key": ResourceMapping("aws.kms.key", aws_security.map_key),
    "aws_cloudtrail": ResourceMapping("aws.cloudtrail.trail", aws_security.map_trail),
    "aws_cloudwatch_log_group": ResourceMapping("aws.logs.log_group",
                                                aws_security.map_log_group),
    "aws_secretsmanager_secret": ResourceMapping("aws.secretsmanager.secret",
                                                 aws_security.map_secret),
    "aws_db_instance": ResourceMapping("aws.rds.db_instance", aws_data.map_db_instance),
    "aws_rds_cluster_instance": ResourceMapping("aws.rds.db_instance",
                                                aws_data.map_db_instance),
    "aws_rds_cluster": ResourceMapping("aws.rds.db_cluster", aws_data.map_cluster),
    "aws_dynamodb_table": ResourceMapping("aws.dynamodb.table", aws_data.map_table),
    "aws_sqs_queue": ResourceMapping("aws.sqs.queue", aws_data.map_queue),
    "aws_sns_topic": ResourceMapping("aws.sns.topic", aws_data.map_topic),
    "aws_lambda_function": ResourceMapping("aws.lambda.function", aws_compute.map_function),
    "aws_ecr_repository": ResourceMapping("aws.ecr.repository", aws_compute.map_repository),
    "aws_eks_cluster": ResourceMapping("aws.eks.cluster", aws_compute.map_eks_cluster),
    "aws_lb": ResourceMapping("aws.elb.load_balancer", aws_elb.map_load_balancer),
    "aws_alb": ResourceMapping("aws.elb.load_balancer", aws_elb.map_load_balancer),
    "aws_elb": ResourceMapping("aws.elb.classic_load_balancer", aws_elb.map_classic),
    "aws_cloudfront_distribution": ResourceMapping("aws.cloudfront.distribution",
                                                   aws_cloudfront.map_distribution),
    "aws_efs_file_system": ResourceMapping("aws.efs.file_system", aws_storage.map_file_system),
    "aws_efs_access_point": ResourceMapping("aws.efs.access_point",
                                            aws_storage.map_access_point),
    "aws_redshift_cluster": ResourceMapping("aws.redshift.cluster",
                                            aws_storage.map_redshift_cluster),
    "aws_elasticache_replication_group": ResourceMapping(
        "aws.elasticache.replication_group", aws_cache_search.map_replication_group),
    "aws_elasticache_cluster": ResourceMapping("aws.elasticache.cache_cluster",
                                               aws_cache_search.map_cache_cluster),
    "aws_opensearch_domain": ResourceMapping("aws.opensearch.domain",
                                             aws_cache_search.map_domain),
    "aws_elasticsearch_domain": ResourceMapping("aws.opensearch.domain",
                                                aws_cache_search.map_domain),
    "aws_api_gateway_rest_api": ResourceMapping("aws.apigateway.rest_api",
                                                aws_apigateway.map_rest_api),
    "aws_api_gateway_stage": ResourceMapping("aws.apigateway.stage", aws_apigateway.map_stage),
    "aws_apigatewayv2_api": ResourceMapping("aws.apigateway.v2_api", aws_apigateway.map_v2_api),
    "aws_apigatewayv2_stage": ResourceMapping("aws.apigateway.v2_stage",
                                              aws_apigateway.map_v2_stage),
}

#: resource type -> the canonical asset type it is folded into
JOINED: dict[str, str] = {
    **{t: "aws.s3.bucket" for t in aws_s3.JOINED},
    "aws_security_group_rule": "aws.ec2.security_group",
    "aws_vpc_security_group_ingress_rule": "aws.ec2.security_group",
    "aws_vpc_security_group_egress_rule": "aws.ec2.security_group",
    "aws_volume_attachment": "aws.ec2.volume",
    "aws_flow_log": "aws.ec2.vpc",
    "aws_eip": "aws.ec2.instance",
    "aws_eip_association": "aws.ec2.instance",
    "aws_ec2_instance_state": "aws.ec2.instance",
    **aws_iam.JOINED,
    **aws_security.JOINED,
    **aws_data.JOINED,
    **aws_compute.JOINED,
    **aws_elb.JOINED,
    **aws_storage.JOINED,
    **aws_cache_search.JOINED,
    **aws_apigateway.JOINED,
}

#: resource type -> the account- or region-wide asset type it sets
MODULE_SETTINGS: dict[str, str] = {
    **{t: "aws.account" for t in aws_account.ACCOUNT_TYPES},
    **{t: "aws.ec2.regional_settings" for t in aws_account.REGIONAL_TYPES},
}

_MODULE_BUILDERS: tuple[Callable[[Index], list[Asset]], ...] = (
    aws_account.map_account, aws_account.map_regional_settings)


def map_module(module: TfModule, errors: list[MappingError] | None = None) -> Mapped:
    """Every canonical asset of one module. A resource whose values cannot be read is left
    out and reported in `errors` (when given); the others are mapped all the same."""
    index = Index(module)
    out = Mapped()
    for res in module.resources:
        if res.mode != "managed":
            continue
        mapping = RESOURCES.get(res.type)
        if mapping is None:
            if res.type in JOINED or res.type in MODULE_SETTINGS:
                out.joined += 1
            else:
                out.skipped += 1
            continue
        try:
            out.assets.extend(mapping.build(index, res))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            if errors is not None:
                errors.append(MappingError(res, f"{res.address}: cannot map "
                                                f"{res.type} ({type(exc).__name__}: {exc})"))
    for builder in _MODULE_BUILDERS:
        try:
            out.assets.extend(builder(index))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            if errors is not None and module.resources:
                errors.append(MappingError(module.resources[0],
                                           f"cannot map account settings ({exc})"))
    out.unjoined = sum(1 for address in index.unjoined
                       if index.by_address[address].type in JOINED)
    return out
