"""Cross-resource: an RDS DB instance is assigned to an AWS Backup plan of its account and
region. The selection matching lives in `cloudwarden.checks.aws_backup` (compiled per account and
region by `cloudwarden.checks.aws_backup_index`)."""

from __future__ import annotations

from cloudwarden.checks.aws_backup_index import backup_plan_coverage
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset

#: an instance being created or deleted cannot be judged yet (or any more)
_TRANSIENT = frozenset({"creating", "deleting"})


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    instance = str(doc.get("DBInstanceIdentifier") or asset.name)
    if doc.get("DBInstanceStatus") in _TRANSIENT:
        return CheckResult.not_applicable(f"instance {instance} is {doc['DBInstanceStatus']}")
    return backup_plan_coverage(asset, ctx, noun="instance", name=instance,
                                arn=str(doc.get("DBInstanceArn") or asset.ref.id))
