"""Count the user's active access keys: the condition language cannot count filtered items."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.checks.aws_iam_policy import as_list
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    active = [str(k.get("AccessKeyId")) for k in as_list(doc.get("AccessKeys"))
              if (type(k) is dict or isinstance(k, Mapping)) and k.get("Status") == "Active"]
    evidence = Evidence("AccessKeys[Status=Active].AccessKeyId", active, "at most 1")
    name = doc.get("UserName")
    if len(active) > 1:
        return CheckResult.failed(
            f"IAM user {name} has {len(active)} active access keys: {', '.join(active)}", evidence)
    return CheckResult.passed(f"IAM user {name} has {len(active)} active access key(s)", evidence)
