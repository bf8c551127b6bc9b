"""Inline policies of the role allowing kms:Decrypt / kms:ReEncryptFrom on every key."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import inline_policies_decrypting_all_keys
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("RoleName")
    offending = inline_policies_decrypting_all_keys(doc)
    evidence = Evidence("InlinePolicies[].PolicyName", offending,
                        "no inline policy allowing kms:Decrypt or kms:ReEncryptFrom on all keys")
    if offending:
        return CheckResult.failed(
            f"inline policies of IAM role {name} allow decryption with every KMS key: "
            f"{', '.join(offending)}", evidence)
    return CheckResult.passed(
        f"no inline policy of IAM role {name} allows decryption with every KMS key", evidence)
