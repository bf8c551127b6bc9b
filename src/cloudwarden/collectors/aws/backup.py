"""AWS Backup in one region: vaults (encryption key, lock, access policy), plans with their
resource assignments (selections) and the recovery points of each vault."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Api, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, policy_doc, tag_dict
from cloudwarden.core.model import Asset


def normalize_vault(raw: Mapping[str, Any], *, policy: Mapping[str, Any] | None,
                    tags: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "BackupVaultName": raw["BackupVaultName"],
        "BackupVaultArn": raw["BackupVaultArn"],
        "EncryptionKeyArn": raw.get("EncryptionKeyArn"),
        "CreationDate": iso(raw.get("CreationDate")),
        "NumberOfRecoveryPoints": raw.get("NumberOfRecoveryPoints"),
        "Locked": raw.get("Locked", False),
        "AccessPolicy": None if policy is None else policy_doc(policy.get("Policy")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def normalize_selection(selection_id: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` is GetBackupSelection's BackupSelection."""
    conditions = raw.get("Conditions") or {}
    return {
        "SelectionId": selection_id,
        "SelectionName": raw.get("SelectionName"),
        "Resources": list(raw.get("Resources") or []),
        "NotResources": list(raw.get("NotResources") or []),
        "ListOfTags": [{"ConditionType": t.get("ConditionType"),
                        "ConditionKey": t.get("ConditionKey"),
                        "ConditionValue": t.get("ConditionValue")}
                       for t in raw.get("ListOfTags") or []],
        "Conditions": None if not any(conditions.values()) else {
            kind: [{"ConditionKey": c.get("ConditionKey"),
                    "ConditionValue": c.get("ConditionValue")}
                   for c in conditions.get(kind) or []]
            for kind in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")},
    }


def normalize_plan(listed: Mapping[str, Any], plan: Mapping[str, Any] | None,
                   selections: Sequence[Mapping[str, Any]] | None = ()) -> dict[str, Any]:
    rules: Sequence[Mapping[str, Any]] = ((plan or {}).get("BackupPlan") or {}).get("Rules") or []
    return {
        "BackupPlanId": listed["BackupPlanId"],
        "BackupPlanArn": listed["BackupPlanArn"],
        "BackupPlanName": listed.get("BackupPlanName"),
        "VersionId": listed.get("VersionId"),
        "CreationDate": iso(listed.get("CreationDate")),
        "LastExecutionDate": iso(listed.get("LastExecutionDate")),
        "Rules": None if plan is None else [{
            "RuleName": r.get("RuleName"),
            "TargetBackupVaultName": r.get("TargetBackupVaultName"),
            "ScheduleExpression": r.get("ScheduleExpression"),
            "Lifecycle": None if not r.get("Lifecycle") else {
                "DeleteAfterDays": r["Lifecycle"].get("DeleteAfterDays"),
                "MoveToColdStorageAfterDays": r["Lifecycle"].get("MoveToColdStorageAfterDays")},
        } for r in rules],
        "Selections": None if selections is None else list(selections),
    }


def normalize_recovery_point(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "RecoveryPointArn": raw["RecoveryPointArn"],
        "BackupVaultName": raw.get("BackupVaultName"),
        "ResourceArn": raw.get("ResourceArn"),
        "ResourceType": raw.get("ResourceType"),
        "Status": raw.get("Status"),
        "IsEncrypted": raw.get("IsEncrypted"),
        "EncryptionKeyArn": raw.get("EncryptionKeyArn"),
        "CreationDate": iso(raw.get("CreationDate")),
    }


def _vaults(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for raw in api.pages("list_backup_vaults", "BackupVaultList") or []:
        name = raw["BackupVaultName"]
        tags = api.fetch("list_tags", ResourceArn=raw["BackupVaultArn"])
        fetched: dict[str, Fetched[Any]] = {
            "AccessPolicy": api.fetch("get_backup_vault_access_policy", BackupVaultName=name,
                                      absent=("ResourceNotFoundException",)),
            "Tags": tags if tags.value is None else Fetched(tags.value.get("Tags") or {}),
        }
        doc = normalize_vault(raw, policy=fetched["AccessPolicy"].value,
                              tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.backup.vault", raw["BackupVaultArn"],
                                 name, doc, failures(fetched)))
        for point in api.pages("list_recovery_points_by_backup_vault", "RecoveryPoints",
                               BackupVaultName=name) or []:
            pdoc = normalize_recovery_point(point)
            assets.append(make_asset(ctx.account, region, "aws.backup.recovery_point",
                                     pdoc["RecoveryPointArn"], pdoc["RecoveryPointArn"], pdoc))
    return assets


def _selections(api: Api, plan_id: str) -> Fetched[list[dict[str, Any]]]:
    """Every resource assignment of a plan, or why it could not be read."""
    listed = api.fetch_pages("list_backup_selections", "BackupSelectionsList",
                             BackupPlanId=plan_id)
    if listed.value is None:
        return Fetched(None, listed.failure)
    out = []
    for item in listed.value:
        got = api.fetch("get_backup_selection", BackupPlanId=plan_id,
                        SelectionId=item["SelectionId"])
        if got.value is None:
            return Fetched(None, got.failure)
        out.append(normalize_selection(item["SelectionId"], got.value.get("BackupSelection") or {}))
    return Fetched(out)


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("backup", region)
    assets = _vaults(ctx, api, region)
    for listed in api.pages("list_backup_plans", "BackupPlansList") or []:
        plan = api.fetch("get_backup_plan", BackupPlanId=listed["BackupPlanId"])
        selections = _selections(api, listed["BackupPlanId"])
        doc = normalize_plan(listed, plan.value, selections.value)
        assets.append(make_asset(ctx.account, region, "aws.backup.plan", listed["BackupPlanArn"],
                                 listed.get("BackupPlanName") or listed["BackupPlanId"], doc,
                                 failures({"Rules": plan, "Selections": selections})))
    return assets
