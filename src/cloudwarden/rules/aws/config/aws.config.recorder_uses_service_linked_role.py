"""Each recorder's roleARN must be the Config service-linked role."""

from __future__ import annotations

from collections.abc import Mapping

from cloudwarden.checks.aws_iam_policy import as_list
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

SERVICE_LINKED_ROLE = ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    recorders = [r for r in as_list(doc.get("Recorders")) if isinstance(r, Mapping)]
    if not recorders:
        return CheckResult.not_applicable("no configuration recorder in the region",
                                          Evidence("Recorders", doc.get("Recorders")))
    roles = [str(r.get("roleARN") or "") for r in recorders]
    other = [role or "<none>" for role in roles if not role.endswith(SERVICE_LINKED_ROLE)]
    evidence = Evidence("Recorders[].roleARN", roles, "the AWSServiceRoleForConfig role")
    if other:
        return CheckResult.failed(
            f"AWS Config recorders in {doc.get('Region')} use other roles: {', '.join(other)}",
            evidence)
    return CheckResult.passed(
        f"AWS Config recorders in {doc.get('Region')} use the service-linked role", evidence)
