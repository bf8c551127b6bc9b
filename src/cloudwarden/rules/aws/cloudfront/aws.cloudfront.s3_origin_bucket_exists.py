"""Cross-resource: every S3 origin of a distribution names a bucket present in the inventory.

The bucket name is read from the origin's REST endpoint (bucket.s3[.region].amazonaws.com) and
joined to aws.s3.bucket assets by Name in any collected account (bucket names are global, so a
bucket collected in another account of the scan counts as existing). A bucket owned by an account
outside the scan cannot be seen and looks missing; the rule is therefore a preview."""

from __future__ import annotations

import re
from collections.abc import Mapping

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_BUCKET_TYPE = "aws.s3.bucket"
# bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com,
# bucket.s3.dualstack.eu-west-1.amazonaws.com, ....amazonaws.com.cn; the greedy name keeps dots
# of the bucket name and stops at the last ".s3" label.
_REST_ENDPOINT = re.compile(
    r"^(?P<bucket>[a-z0-9][a-z0-9.-]*[a-z0-9])\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$")
# Access point aliases and Object Lambda endpoints are not bucket names.
_NOT_A_BUCKET = ("-s3alias", "--ol-s3")


def bucket_name(domain: str) -> str | None:
    """The bucket an S3 REST origin domain names, or None when it names no bucket."""
    domain = domain.strip().lower().rstrip(".")
    if "s3-object-lambda" in domain:
        return None
    m = _REST_ENDPOINT.match(domain)
    if m is None or m.group("bucket").endswith(_NOT_A_BUCKET):
        return None
    return m.group("bucket")


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    dist = asset.properties.get("Id") or asset.name
    origins = [o for o in asset.properties.get("Origins") or []
               if isinstance(o, Mapping) and o.get("S3Origin") is True]
    if not origins:
        return CheckResult.not_applicable(f"distribution {dist} has no S3 origin")
    named = [(str(o.get("Id")), name) for o in origins
             if (name := bucket_name(str(o.get("DomainName") or "")))]
    if not named:
        return CheckResult.not_applicable(
            f"the S3 origins of distribution {dist} name no bucket (access point or Object "
            "Lambda endpoints)")
    inventory = ctx.inventory
    if not inventory.of_type(_BUCKET_TYPE):
        return CheckResult(Status.ERROR, "could not assess: the inventory holds no S3 bucket, so "
                           "S3 was probably not collected")
    missing = [(oid, b) for oid, b in named if not inventory.find_by(_BUCKET_TYPE, "Name", b)]
    if missing:
        return CheckResult.failed(
            f"distribution {dist} has S3 origins whose bucket is not in the inventory: "
            + ", ".join(f"{oid} -> {b}" for oid, b in missing)
            + " (deleted, or owned by an account outside the scan)",
            *(Evidence(f"Origins[{oid}].DomainName", b, "an existing bucket")
              for oid, b in missing))
    return CheckResult.passed(
        f"every S3 origin of distribution {dist} points at a bucket in the inventory",
        Evidence("Origins[].DomainName", sorted({b for _, b in named}), "existing buckets"))
