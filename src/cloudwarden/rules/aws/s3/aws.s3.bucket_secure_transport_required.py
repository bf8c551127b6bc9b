"""Only a Deny on aws:SecureTransport=false counts: an Allow conditioned on TLS does not stop
other grants (IAM policies, ACLs) from being used over HTTP, and a TLS-version condition is
not evaluated for HTTP requests at all."""

from __future__ import annotations

from cloudwarden.checks.aws_s3_policy import denies_insecure_transport
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    name = str(doc.get("Name") or asset.name)
    policy = doc.get("Policy")
    expected = "Deny s3:* to * on the bucket and bucket/* when aws:SecureTransport is false"
    if policy is None:
        return CheckResult.failed(f"bucket {name} has no bucket policy, so HTTP requests are "
                                  "not refused", Evidence("Policy", None, expected))
    found = denies_insecure_transport(policy, name)
    if found:
        return CheckResult.passed(
            f"bucket {name} denies requests that do not use TLS",
            *(Evidence(f"Policy.Statement[{i}]", "Deny when aws:SecureTransport=false", expected)
              for i in found))
    return CheckResult.failed(f"bucket {name}'s policy does not deny requests made without TLS "
                              "on the bucket and its objects",
                              Evidence("Policy.Statement", "no matching Deny", expected))
