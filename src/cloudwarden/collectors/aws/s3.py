"""S3 buckets. The bucket list is global; each bucket is then read in its own region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, policy_doc, tag_dict
from cloudwarden.core.model import Asset

_PAB_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def bucket_region(location: str | None) -> str:
    """GetBucketLocation's LocationConstraint -> a region name (legacy values included)."""
    if not location:
        return "us-east-1"
    if location == "EU":
        return "eu-west-1"
    return location


def normalize_acl(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    grants = []
    for grant in raw.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        grants.append({
            "Grantee": {k: grantee.get(k) for k in ("Type", "URI", "ID", "EmailAddress")},
            "Permission": grant.get("Permission"),
        })
    owner = raw.get("Owner")
    return {"Owner": pick(owner, "ID", "DisplayName"), "Grants": grants}


def normalize_bucket(raw: Mapping[str, Any], *, partition: str, region: str,
                     acl: Mapping[str, Any] | None, policy: Mapping[str, Any] | None,
                     public_access_block: Mapping[str, Any] | None,
                     encryption: Mapping[str, Any] | None, versioning: Mapping[str, Any] | None,
                     logging: Mapping[str, Any] | None, object_lock: Mapping[str, Any] | None,
                     ownership: Mapping[str, Any] | None,
                     tagging: Mapping[str, Any] | None) -> dict[str, Any]:
    """Raw responses per call; None = the call failed, {} = the feature is not configured."""
    name = raw["Name"]
    rules = ((encryption or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules")
    logged = (logging or {}).get("LoggingEnabled")
    lock = (object_lock or {}).get("ObjectLockConfiguration") or {}
    owner_rules = ((ownership or {}).get("OwnershipControls") or {}).get("Rules") or [{}]
    return {
        "Name": name,
        "Arn": f"arn:{partition}:s3:::{name}",
        "Region": region,
        "CreationDate": iso(raw.get("CreationDate")),
        "Acl": normalize_acl(acl),
        "Policy": None if not policy else policy_doc(policy.get("Policy")),
        "PublicAccessBlock": pick((public_access_block or {}).get(
            "PublicAccessBlockConfiguration"), *_PAB_KEYS),
        "Encryption": None if not rules else {"Rules": [
            {"ApplyServerSideEncryptionByDefault": pick(
                r.get("ApplyServerSideEncryptionByDefault") or {}, "SSEAlgorithm",
                "KMSMasterKeyID"),
             "BucketKeyEnabled": r.get("BucketKeyEnabled")} for r in rules]},
        "Versioning": pick(versioning, "Status", "MFADelete"),
        "Logging": pick(logged, "TargetBucket", "TargetPrefix"),
        "ObjectLockEnabled": None if object_lock is None
        else lock.get("ObjectLockEnabled") == "Enabled",
        "OwnershipControls": None if ownership is None else owner_rules[0].get("ObjectOwnership"),
        "Tags": None if tagging is None else tag_dict(tagging.get("TagSet")),
    }


def list_buckets(ctx: ScanContext) -> list[dict[str, Any]]:
    return ctx.api("s3").pages("list_buckets", "Buckets") or []


def collect_bucket(ctx: ScanContext, raw: Mapping[str, Any]) -> list[Asset]:
    name = raw["Name"]
    location = ctx.api("s3").fetch("get_bucket_location", Bucket=name)
    if location.value is None:
        # Without its region the bucket cannot be read reliably; the error is recorded.
        region = bucket_region(raw.get("BucketRegion"))
    else:
        region = bucket_region(location.value.get("LocationConstraint"))
    api = ctx.api("s3", region)
    fetched = {
        "Acl": api.fetch("get_bucket_acl", Bucket=name),
        "Policy": api.fetch("get_bucket_policy", Bucket=name, absent=("NoSuchBucketPolicy",)),
        "PublicAccessBlock": api.fetch("get_public_access_block", Bucket=name,
                                       absent=("NoSuchPublicAccessBlockConfiguration",)),
        "Encryption": api.fetch("get_bucket_encryption", Bucket=name,
                                absent=("ServerSideEncryptionConfigurationNotFoundError",)),
        "Versioning": api.fetch("get_bucket_versioning", Bucket=name),
        "Logging": api.fetch("get_bucket_logging", Bucket=name),
        "ObjectLockEnabled": api.fetch("get_object_lock_configuration", Bucket=name,
                                       absent=("ObjectLockConfigurationNotFoundError",)),
        "OwnershipControls": api.fetch("get_bucket_ownership_controls", Bucket=name,
                                       absent=("OwnershipControlsNotFoundError",)),
        "Tags": api.fetch("get_bucket_tagging", Bucket=name, absent=("NoSuchTagSet",)),
    }
    doc = normalize_bucket(
        raw,
        partition=ctx.partition,
        region=region,
        acl=fetched["Acl"].value,
        policy=fetched["Policy"].value,
        public_access_block=fetched["PublicAccessBlock"].value,
        encryption=fetched["Encryption"].value,
        versioning=fetched["Versioning"].value,
        logging=fetched["Logging"].value,
        object_lock=fetched["ObjectLockEnabled"].value,
        ownership=fetched["OwnershipControls"].value,
        tagging=fetched["Tags"].value,
    )
    unknown = failures(fetched)
    if location.failure and not raw.get("BucketRegion"):
        unknown["Region"] = location.failure  # a guess: neither call nor listing gave it
    return [make_asset(ctx.account, region, "aws.s3.bucket", doc["Arn"], name, doc, unknown)]
