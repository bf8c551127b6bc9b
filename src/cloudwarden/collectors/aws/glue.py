"""Glue in one region: Data Catalog encryption settings, security configurations and jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Api, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, tag_dict
from cloudwarden.core.model import Asset


def normalize_catalog_settings(region: str, arn: str,
                               settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """`settings` is GetDataCatalogEncryptionSettings' DataCatalogEncryptionSettings."""
    s = settings or {}
    return {
        "Region": region,
        "Arn": arn,
        "EncryptionAtRest": None if settings is None else pick(
            s.get("EncryptionAtRest") or {}, "CatalogEncryptionMode", "SseAwsKmsKeyId"),
        "ConnectionPasswordEncryption": None if settings is None else pick(
            s.get("ConnectionPasswordEncryption") or {}, "ReturnConnectionPasswordEncrypted",
            "AwsKmsKeyId"),
    }


def normalize_security_configuration(arn: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    enc = raw.get("EncryptionConfiguration") or {}
    return {
        "Name": raw["Name"],
        "Arn": arn,
        "CreatedTimeStamp": iso(raw.get("CreatedTimeStamp")),
        "EncryptionConfiguration": {
            "S3Encryption": [pick(s, "S3EncryptionMode", "KmsKeyArn")
                             for s in enc.get("S3Encryption") or []],
            "CloudWatchEncryption": pick(enc.get("CloudWatchEncryption") or {},
                                         "CloudWatchEncryptionMode", "KmsKeyArn"),
            "JobBookmarksEncryption": pick(enc.get("JobBookmarksEncryption") or {},
                                           "JobBookmarksEncryptionMode", "KmsKeyArn"),
        },
    }


def normalize_job(arn: str, job: Mapping[str, Any],
                  tags: Mapping[str, Any] | None) -> dict[str, Any]:
    """Default arguments may hold secrets and are not collected."""
    return {
        "Name": job["Name"],
        "Arn": arn,
        "Role": job.get("Role"),
        "SecurityConfiguration": job.get("SecurityConfiguration") or None,
        "GlueVersion": job.get("GlueVersion"),
        "CommandName": (job.get("Command") or {}).get("Name"),
        "CreatedOn": iso(job.get("CreatedOn")),
        "LastModifiedOn": iso(job.get("LastModifiedOn")),
        "Tags": None if tags is None else tag_dict(tags),
    }


def _security_configurations(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for raw in api.pages("get_security_configurations", "SecurityConfigurations") or []:
        arn = ctx.arn("glue", region, f"securityConfiguration/{raw['Name']}")
        assets.append(make_asset(ctx.account, region, "aws.glue.security_configuration", arn,
                                 raw["Name"], normalize_security_configuration(arn, raw)))
    return assets


def _jobs(ctx: ScanContext, api: Api, region: str) -> list[Asset]:
    assets = []
    for job in api.pages("get_jobs", "Jobs") or []:
        arn = ctx.arn("glue", region, f"job/{job['Name']}")
        tags = api.fetch("get_tags", ResourceArn=arn)
        doc = normalize_job(arn, job, None if tags.value is None
                            else tags.value.get("Tags") or {})
        assets.append(make_asset(ctx.account, region, "aws.glue.job", arn, job["Name"], doc,
                                 failures({"Tags": tags})))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("glue", region)
    arn = ctx.arn("glue", region, "catalog")
    settings = api.fetch("get_data_catalog_encryption_settings")
    doc = normalize_catalog_settings(
        region, arn, None if settings.value is None
        else settings.value.get("DataCatalogEncryptionSettings") or {})
    catalog = make_asset(ctx.account, region, "aws.glue.catalog_settings", arn,
                         f"Glue Data Catalog {region}", doc,
                         failures({"EncryptionAtRest": settings,
                                   "ConnectionPasswordEncryption": settings}))
    return [catalog, *_security_configurations(ctx, api, region), *_jobs(ctx, api, region)]
