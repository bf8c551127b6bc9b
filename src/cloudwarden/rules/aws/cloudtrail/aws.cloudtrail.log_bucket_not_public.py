"""The bucket a trail delivers to is not readable by everyone (ACL or bucket policy)."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import bucket_public_reasons, find_bucket
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    name = asset.properties.get("S3BucketName")
    bucket = find_bucket(ctx, str(name)) if name else None
    if bucket is None:
        return CheckResult.not_applicable(
            f"log bucket {name} is not in the inventory (another account or not collected)",
            Evidence("S3BucketName", name, "a collected bucket"))
    account = ctx.account_asset(bucket)
    account_block = account.properties.get("S3PublicAccessBlock") if account else None
    reasons = bucket_public_reasons(bucket.properties, account_block)
    if reasons:
        return CheckResult.failed(
            f"log bucket {name} of trail {asset.properties.get('Name')} is public: "
            + "; ".join(reasons),
            Evidence(f"bucket:{name}.Acl/Policy", reasons, "no grant or statement for everyone"))
    return CheckResult.passed(
        f"log bucket {name} grants nothing to everyone",
        Evidence(f"bucket:{name}.Acl/Policy", [], "no grant or statement for everyone"))
