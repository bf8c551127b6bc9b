"""The AWS managed AWSCloudShellFullAccess policy among the group's attached policies."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import attached_policy_names, has_attached_policy
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

POLICY = "AWSCloudShellFullAccess"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("GroupName")
    evidence = Evidence("AttachedPolicies[].PolicyName", attached_policy_names(doc),
                        f"does not contain {POLICY}")
    if has_attached_policy(doc, POLICY):
        return CheckResult.failed(f"IAM group {name} has {POLICY} attached", evidence)
    return CheckResult.passed(f"IAM group {name} does not have {POLICY} attached", evidence)
