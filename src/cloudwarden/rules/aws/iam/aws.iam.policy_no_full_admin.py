"""A customer managed policy with an Allow of "*" on "*", judged when it is attached."""

from __future__ import annotations

from cloudwarden.checks.aws_iam_policy import as_list, full_admin_statements
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = doc.get("PolicyName")
    admin = full_admin_statements(doc.get("Document"))
    evidence = Evidence("Document.Statement", [dict(s) for s in admin] or "no *:* statement",
                        "no Allow of Action * on Resource *")
    if not admin:
        return CheckResult.passed(f"policy {name} does not grant full administrator access",
                                  evidence)
    attached = (doc.get("AttachmentCount") or 0) > 0 or any(
        as_list(doc.get(f)) for f in ("AttachedUsers", "AttachedRoles", "AttachedGroups"))
    if not attached and ctx.params.get("ignore_unattached", True):
        return CheckResult.passed(f"policy {name} grants *:* but is not attached to anything",
                                  evidence, Evidence("AttachmentCount",
                                                     doc.get("AttachmentCount"), "0"))
    return CheckResult.failed(f"policy {name} grants full administrator access (*:*)"
                              + ("" if attached else " (not attached)"), evidence,
                              Evidence("AttachmentCount", doc.get("AttachmentCount")))
