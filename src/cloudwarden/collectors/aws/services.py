"""The registry of AWS services beyond the foundation's core ones: service name -> the module
that collects it. Explicit, so nothing registers itself at import time; a module is imported
only when its service is scanned.

A regional service module defines `collect_region(ctx: ScanContext, region: str) ->
list[Asset]`; a global one (`scope` "global") defines `collect_global(ctx: ScanContext) ->
list[Asset]` and runs once per scan. A listed module that is not part of this installation is
skipped, not failed.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType

__all__ = ["EXTRA_SERVICES", "ServiceModule", "available"]


@dataclass(frozen=True)
class ServiceModule:
    module: str
    scope: str = "regional"  # or "global"

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


_PKG = "cloudwarden.collectors.aws"

EXTRA_SERVICES: dict[str, ServiceModule] = {
    # compute
    "lambda": ServiceModule(f"{_PKG}.lambda_"),
    "ecs": ServiceModule(f"{_PKG}.ecs"),
    "eks": ServiceModule(f"{_PKG}.eks"),
    "ecr": ServiceModule(f"{_PKG}.ecr"),
    "autoscaling": ServiceModule(f"{_PKG}.autoscaling"),
    "elasticbeanstalk": ServiceModule(f"{_PKG}.elasticbeanstalk"),
    # data
    "rds": ServiceModule(f"{_PKG}.rds"),
    "dynamodb": ServiceModule(f"{_PKG}.dynamodb"),
    "redshift": ServiceModule(f"{_PKG}.redshift"),
    "elasticache": ServiceModule(f"{_PKG}.elasticache"),
    "opensearch": ServiceModule(f"{_PKG}.opensearch"),
    "efs": ServiceModule(f"{_PKG}.efs"),
    "backup": ServiceModule(f"{_PKG}.backup"),
    # network and edge
    "elb": ServiceModule(f"{_PKG}.elb"),
    "cloudfront": ServiceModule(f"{_PKG}.cloudfront", "global"),
    "apigateway": ServiceModule(f"{_PKG}.apigateway"),
    "wafv2": ServiceModule(f"{_PKG}.wafv2"),
    "route53": ServiceModule(f"{_PKG}.route53", "global"),
    "acm": ServiceModule(f"{_PKG}.acm"),
    # security and management
    "guardduty": ServiceModule(f"{_PKG}.guardduty"),
    "securityhub": ServiceModule(f"{_PKG}.securityhub"),
    "accessanalyzer": ServiceModule(f"{_PKG}.accessanalyzer"),
    "organizations": ServiceModule(f"{_PKG}.organizations", "global"),
    "secretsmanager": ServiceModule(f"{_PKG}.secretsmanager"),
    "ssm": ServiceModule(f"{_PKG}.ssm"),
    # integration and analytics
    "sqs": ServiceModule(f"{_PKG}.sqs"),
    "kinesis": ServiceModule(f"{_PKG}.kinesis"),
    "glue": ServiceModule(f"{_PKG}.glue"),
    "sagemaker": ServiceModule(f"{_PKG}.sagemaker"),
    "stepfunctions": ServiceModule(f"{_PKG}.stepfunctions"),
    "cognito": ServiceModule(f"{_PKG}.cognito"),
    "athena": ServiceModule(f"{_PKG}.athena"),
    "codebuild": ServiceModule(f"{_PKG}.codebuild"),
}


def available() -> dict[str, ServiceModule]:
    """The registered services whose collector module is installed."""
    return {name: mod for name, mod in EXTRA_SERVICES.items()
            if importlib.util.find_spec(mod.module) is not None}
