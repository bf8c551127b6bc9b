"""S3 access points (per region) and Multi-Region Access Points (account-wide), read through
s3control. The S3 task plans them next to the bucket list (see `_tasks.py`).

s3control takes the account id in every call, and its endpoint rules put it in the host name;
`ScanContext.api` already strips that prefix for an emulator endpoint, as it does for the
account's public access block.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwarden.collectors.aws._context import GLOBAL, Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick
from cloudwarden.core.model import Asset

__all__ = ["MRAP_CONTROL_REGION", "collect_access_points", "collect_multi_region_access_points",
           "normalize_access_point", "normalize_multi_region_access_point"]

_PAB_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
#: Multi-Region Access Points are managed only through the us-west-2 control plane, and exist
#: only in the commercial partition.
MRAP_CONTROL_REGION = "us-west-2"


def normalize_access_point(listed: Mapping[str, Any],
                           detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """`listed`: one ListAccessPoints entry; `detail`: its GetAccessPoint answer, None when that
    call failed (the public access block is then unknown)."""
    vpc = listed.get("VpcConfiguration") or (detail or {}).get("VpcConfiguration") or {}
    return {
        "Name": listed["Name"],
        "AccessPointArn": listed["AccessPointArn"],
        "Alias": listed.get("Alias"),
        "Bucket": listed.get("Bucket"),
        "BucketAccountId": listed.get("BucketAccountId") or (detail or {}).get("BucketAccountId"),
        "NetworkOrigin": listed.get("NetworkOrigin"),
        "VpcId": vpc.get("VpcId"),
        "PublicAccessBlockConfiguration": None if detail is None else pick(
            detail.get("PublicAccessBlockConfiguration"), *_PAB_KEYS),
        "CreationDate": None if detail is None else iso(detail.get("CreationDate")),
    }


def normalize_multi_region_access_point(raw: Mapping[str, Any], arn: str) -> dict[str, Any]:
    return {
        "Name": raw["Name"],
        "Alias": raw.get("Alias"),
        "Arn": arn,
        "Status": raw.get("Status"),
        "PublicAccessBlock": pick(raw.get("PublicAccessBlock"), *_PAB_KEYS),
        "Regions": [pick(r, "Bucket", "Region") for r in raw.get("Regions") or []],
        "CreatedAt": iso(raw.get("CreatedAt")),
    }


def _listed(api: Api, method: str, key: str, **params: Any) -> Iterator[Fetched[list[Any]]]:
    """The pages of an s3control listing (botocore has no paginator for them): each page's items,
    or one failed `Fetched` that ends the listing."""
    token: str | None = None
    while True:
        page = api.fetch(method, **params, **({"NextToken": token} if token else {}))
        if page.value is None:
            yield Fetched(None, page.failure)
            return
        yield Fetched(list(page.value.get(key) or []))
        token = page.value.get("NextToken")
        if not token:
            return


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def collect_access_points(ctx: ScanContext, region: str) -> list[Asset]:
    """The access points of the account in `region` (ListAccessPoints lists those of the
    endpoint's region; an emulator may list every region, so the ARN's region decides)."""
    api = ctx.api("s3control", region)
    assets: list[Asset] = []
    seen: set[str] = set()
    for page in _listed(api, "list_access_points", "AccessPointList", AccountId=ctx.account):
        for raw in page.value or []:
            arn = raw.get("AccessPointArn") or ""
            if arn in seen or _region_of(arn) not in ("", region):
                continue
            seen.add(arn)
            detail = api.fetch("get_access_point", AccountId=ctx.account, Name=raw["Name"])
            doc = normalize_access_point(
                {**raw, "AccessPointArn": arn or ctx.arn("s3", region,
                                                         f"accesspoint/{raw['Name']}")},
                detail.value)
            unknown = failures({"PublicAccessBlockConfiguration": detail,
                                "CreationDate": detail})
            assets.append(make_asset(ctx.account, region, "aws.s3.access_point",
                                     doc["AccessPointArn"], doc["Name"], doc, unknown))
    return assets


def collect_multi_region_access_points(ctx: ScanContext) -> list[Asset]:
    if ctx.partition != "aws" and not ctx.endpoint_url:
        return []  # not offered outside the commercial partition
    api = ctx.api("s3control", MRAP_CONTROL_REGION)
    assets: list[Asset] = []
    for page in _listed(api, "list_multi_region_access_points", "AccessPoints",
                        AccountId=ctx.account):
        for raw in page.value or []:
            arn = ctx.arn("s3", "", f"accesspoint/{raw.get('Alias') or raw['Name']}")
            doc = normalize_multi_region_access_point(raw, arn)
            assets.append(make_asset(ctx.account, GLOBAL, "aws.s3.multi_region_access_point",
                                     arn, doc["Name"], doc))
    return assets
