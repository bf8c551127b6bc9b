"""Cross-resource: an ACTIVE DynamoDB table is assigned to an AWS Backup plan of its account and
region. The selection matching lives in `cloudwarden.checks.aws_backup` (compiled per account and
region by `cloudwarden.checks.aws_backup_index`)."""

from __future__ import annotations

from cloudwarden.checks.aws_backup_index import backup_plan_coverage
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    table = str(doc.get("TableName") or asset.name)
    if doc.get("TableStatus") not in (None, "ACTIVE"):
        return CheckResult.not_applicable(f"table {table} is {doc.get('TableStatus')}")
    return backup_plan_coverage(asset, ctx, noun="table", name=table,
                                arn=str(doc.get("TableArn") or asset.ref.id))
