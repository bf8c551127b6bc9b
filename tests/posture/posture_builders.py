"""Small builders for hand-made rules and findings in the posture tests."""

from __future__ import annotations

from cloudwarden.core.model import AssetRef, Finding, Severity, Status
from cloudwarden.core.rule import Remediation, RuleMeta

PASS, FAIL = Status.PASS, Status.FAIL
NA, EXEMPT, ERROR = Status.NOT_APPLICABLE, Status.EXEMPT, Status.ERROR


def rule(
    rule_id: str,
    control: str,
    *,
    severity: Severity = Severity.MEDIUM,
    preview: bool = False,
    cli: str = "",
    terraform: str = "",
) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        title=f"Title of {rule_id}",
        severity=severity,
        asset_type="aws.test.thing",
        description="",
        risk="",
        remediation=Remediation(text=f"Fix {rule_id}", cli=cli, terraform=terraform),
        security_control=control,
        provider="aws",
        service="test",
        preview=preview,
    )


def ref(name: str, account: str = "111111111111", asset_type: str = "aws.test.thing") -> AssetRef:
    return AssetRef("aws", account, "us-east-1", asset_type, f"arn:aws:test:::{name}")


def finding(rule_id: str, asset: AssetRef, status: Status) -> Finding:
    return Finding(rule_id, asset, status, Severity.MEDIUM, "")
