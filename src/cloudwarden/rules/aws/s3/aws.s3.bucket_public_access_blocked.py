"""A setting is in force when it is on at the account level OR at the bucket level."""

from __future__ import annotations

from cloudwarden.checks.aws_s3_policy import bucket_account_public_access_block
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("Name") or asset.name
    # shared with the public read and write rules evaluated on the same bucket
    account_pab, effective = bucket_account_public_access_block(asset, ctx)
    evidence = (Evidence("PublicAccessBlock", doc.get("PublicAccessBlock"), "all four true"),
                Evidence("account:S3PublicAccessBlock", account_pab, "all four true"))
    if not all(effective.values()):
        missing = [k for k, on in effective.items() if not on]
        return CheckResult.failed(
            f"bucket {name} is not covered by Block Public Access setting(s) "
            f"{', '.join(missing)} at the bucket or the account level", *evidence)
    return CheckResult.passed(f"bucket {name} is covered by all four Block Public Access "
                              "settings", *evidence)
