"""CIS 3.9: a multi-region, logging trail records S3 object-level read events for all buckets."""

from __future__ import annotations

from cloudwarden.checks.aws_monitoring import is_multi_region_and_logging, s3_object_events_logged
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    trails = ctx.same_account(asset, "aws.cloudtrail.trail")
    for trail in trails:
        doc = trail.properties
        if is_multi_region_and_logging(doc) and s3_object_events_logged(doc, "read"):
            return CheckResult.passed(
                f"trail {doc.get('Name')} records S3 object read events for all buckets",
                Evidence(f"trail:{doc.get('TrailARN')}.EventSelectors",
                         doc.get("AdvancedEventSelectors") or doc.get("EventSelectors")))
    seen = [f"{t.properties.get('Name')}: "
            + ("multi-region and logging" if is_multi_region_and_logging(t.properties)
               else "not a logging multi-region trail")
            + ("" if s3_object_events_logged(t.properties, "read")
               else ", no S3 object read data events for all buckets")
            for t in trails]
    return CheckResult.failed(
        "no multi-region, logging trail records S3 object-level read events for all buckets"
        + (f" ({'; '.join(seen)})" if seen else " (no trails)"),
        Evidence("aws.cloudtrail.trail", seen,
                 "a multi-region, logging trail with AWS::S3::Object read data events"))
