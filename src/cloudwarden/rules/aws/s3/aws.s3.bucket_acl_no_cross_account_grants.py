"""Grantees other than the ACL owner's canonical user are other accounts."""

from __future__ import annotations

from cloudwarden.checks.aws_s3_policy import cross_account_acl_grants
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("Name") or asset.name
    if doc.get("OwnershipControls") == "BucketOwnerEnforced":
        return CheckResult.passed(f"bucket {name} has ACLs disabled",
                                  Evidence("OwnershipControls", "BucketOwnerEnforced"))
    grants = cross_account_acl_grants(doc.get("Acl"))
    expected = "grants only to the bucket owner"
    if grants:
        return CheckResult.failed(
            f"bucket {name}'s ACL grants {', '.join(f'{p} to {g}' for _, g, p in grants)}",
            *(Evidence(f"Acl.Grants[{i}]", f"{g} {p}", expected) for i, g, p in grants))
    return CheckResult.passed(f"bucket {name}'s ACL grants nothing to other accounts",
                              Evidence("Acl.Grants", "owner and AWS groups only", expected))
