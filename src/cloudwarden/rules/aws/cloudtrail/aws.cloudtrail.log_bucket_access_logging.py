"""The bucket a trail delivers to keeps S3 server access logs (looked up across accounts)."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import find_bucket
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.properties.get("S3BucketName")
    if not name:
        return CheckResult.not_applicable(
            f"trail {asset.properties.get('Name')} names no S3 bucket",
            Evidence("S3BucketName", name))
    bucket = find_bucket(ctx, str(name))
    if bucket is None:
        return CheckResult.not_applicable(
            f"log bucket {name} is not in the inventory (another account or not collected)",
            Evidence("S3BucketName", name, "a collected bucket"))
    logging = bucket.properties.get("Logging") or {}
    if logging.get("TargetBucket"):
        return CheckResult.passed(
            f"log bucket {name} writes access logs to {logging['TargetBucket']}",
            Evidence(f"bucket:{name}.Logging.TargetBucket", logging["TargetBucket"]))
    return CheckResult.failed(
        f"log bucket {name} of trail {asset.properties.get('Name')} has server access logging off",
        Evidence(f"bucket:{name}.Logging", bucket.properties.get("Logging"), "a target bucket"))
