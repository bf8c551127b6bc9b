"""kms:Decrypt / kms:ReEncryptFrom allowed on every key by a customer managed policy."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import kms_decrypt_actions_on_all_keys
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("PolicyName")
    actions = kms_decrypt_actions_on_all_keys(doc.get("Document"))
    evidence = Evidence("Document.Statement", actions,
                        "no kms:Decrypt or kms:ReEncryptFrom on all keys")
    if actions:
        return CheckResult.failed(
            f"policy {name} allows {', '.join(actions)} on all KMS keys", evidence)
    return CheckResult.passed(f"policy {name} does not allow decryption with every KMS key",
                              evidence)
