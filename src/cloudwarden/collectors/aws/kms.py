"""KMS keys of one region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, policy_doc, tag_dict
from cloudwarden.core.model import Asset


def can_rotate(meta: Mapping[str, Any]) -> bool:
    """Automatic rotation exists only for customer managed symmetric keys made by KMS itself
    (AWS managed keys rotate on their own; imported and asymmetric keys cannot)."""
    return (meta.get("KeyManager") == "CUSTOMER"
            and meta.get("KeySpec", meta.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
            and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
            and meta.get("KeyState") != "PendingDeletion")


def normalize_key(meta: Mapping[str, Any], *, rotation: Mapping[str, Any] | None,
                  policy: Mapping[str, Any] | None,
                  tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "KeyId": meta["KeyId"],
        "Arn": meta["Arn"],
        "KeyManager": meta.get("KeyManager"),
        "KeyState": meta.get("KeyState"),
        "KeySpec": meta.get("KeySpec", meta.get("CustomerMasterKeySpec")),
        "KeyUsage": meta.get("KeyUsage"),
        "Origin": meta.get("Origin"),
        "Description": meta.get("Description"),
        "KeyRotationEnabled": None if rotation is None else rotation.get("KeyRotationEnabled"),
        "DeletionDate": iso(meta.get("DeletionDate")),
        "Policy": None if policy is None else policy_doc(policy.get("Policy")),
        "CreationDate": iso(meta.get("CreationDate")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("kms", region)
    assets = []
    for listed in api.pages("list_keys", "Keys") or []:
        described = api.call("describe_key", KeyId=listed["KeyId"])
        if described is None:
            continue  # the error is recorded; without metadata there is no document
        meta = described["KeyMetadata"]
        customer = meta.get("KeyManager") == "CUSTOMER"
        fetched: dict[str, Fetched[Any]] = {
            # Keys that cannot rotate have no rotation status: null, but not unknown.
            "KeyRotationEnabled": api.fetch("get_key_rotation_status", KeyId=meta["KeyId"])
            if can_rotate(meta) else Fetched(None),
            "Policy": api.fetch("get_key_policy", KeyId=meta["KeyId"], PolicyName="default"),
            # AWS managed keys carry no tags and refuse ListResourceTags.
            "Tags": api.fetch_pages("list_resource_tags", "Tags", KeyId=meta["KeyId"])
            if customer else Fetched([]),
        }
        doc = normalize_key(
            meta,
            rotation=fetched["KeyRotationEnabled"].value,
            policy=fetched["Policy"].value,
            tags=fetched["Tags"].value,
        )
        assets.append(make_asset(ctx.account, region, "aws.kms.key", meta["Arn"],
                                 meta.get("Description") or meta["KeyId"], doc,
                                 failures(fetched)))
    return assets
