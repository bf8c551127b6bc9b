"""EFS in one region: file systems (backup policy, resource policy, mount targets) and
access points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, policy_doc, tag_dict
from cloudwarden.core.model import Asset


def normalize_file_system(raw: Mapping[str, Any], *, backup: Mapping[str, Any] | None,
                          policy: Mapping[str, Any] | None,
                          mount_targets: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "FileSystemId": raw["FileSystemId"],
        "FileSystemArn": raw["FileSystemArn"],
        "Name": raw.get("Name") or None,
        "LifeCycleState": raw.get("LifeCycleState"),
        "Encrypted": raw.get("Encrypted"),
        "KmsKeyId": raw.get("KmsKeyId"),
        "PerformanceMode": raw.get("PerformanceMode"),
        "ThroughputMode": raw.get("ThroughputMode"),
        # No backup policy at all (PolicyNotFound) means automatic backups are off.
        "BackupPolicy": None if backup is None
        else {"Status": (backup.get("BackupPolicy") or {}).get("Status", "DISABLED")},
        "FileSystemPolicy": None if policy is None else policy_doc(policy.get("Policy")),
        "MountTargets": None if mount_targets is None else [
            pick(m, "MountTargetId", "SubnetId", "AvailabilityZoneName", "IpAddress")
            for m in mount_targets],
        "CreationTime": iso(raw.get("CreationTime")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_access_point(raw: Mapping[str, Any]) -> dict[str, Any]:
    user = raw.get("PosixUser")
    root = raw.get("RootDirectory")
    return {
        "AccessPointId": raw["AccessPointId"],
        "AccessPointArn": raw["AccessPointArn"],
        "FileSystemId": raw.get("FileSystemId"),
        "Name": raw.get("Name"),
        "LifeCycleState": raw.get("LifeCycleState"),
        "PosixUser": None if not user else {
            "Uid": user.get("Uid"), "Gid": user.get("Gid"),
            "SecondaryGids": list(user.get("SecondaryGids") or [])},
        "RootDirectory": None if not root else {"Path": root.get("Path", "/")},
        "Tags": tag_dict(raw.get("Tags")),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("efs", region)
    assets = []
    for raw in api.pages("describe_file_systems", "FileSystems") or []:
        fs_id = raw["FileSystemId"]
        fetched: dict[str, Fetched[Any]] = {
            "BackupPolicy": api.fetch("describe_backup_policy", FileSystemId=fs_id,
                                      absent=("PolicyNotFound",)),
            "FileSystemPolicy": api.fetch("describe_file_system_policy", FileSystemId=fs_id,
                                          absent=("PolicyNotFound",)),
            "MountTargets": api.fetch_pages("describe_mount_targets", "MountTargets",
                                            FileSystemId=fs_id),
        }
        doc = normalize_file_system(raw, backup=fetched["BackupPolicy"].value,
                                    policy=fetched["FileSystemPolicy"].value,
                                    mount_targets=fetched["MountTargets"].value)
        assets.append(make_asset(ctx.account, region, "aws.efs.file_system",
                                 raw["FileSystemArn"], raw.get("Name") or fs_id, doc,
                                 failures(fetched)))
    for raw in api.pages("describe_access_points", "AccessPoints") or []:
        doc = normalize_access_point(raw)
        assets.append(make_asset(ctx.account, region, "aws.efs.access_point",
                                 raw["AccessPointArn"], raw.get("Name") or raw["AccessPointId"],
                                 doc))
    return assets
