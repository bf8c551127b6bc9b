"""Route 53 hosted zones (a global service): public or private, query logging and DNSSEC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import GLOBAL, Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, tag_dict
from cloudwarden.core.model import Asset


def zone_id(raw_id: str) -> str:
    return raw_id.rsplit("/", 1)[-1]


def normalize_zone(raw: Mapping[str, Any], partition: str, *,
                   query_logging: Sequence[Mapping[str, Any]] | None,
                   dnssec: Mapping[str, Any] | None,
                   tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    zid = zone_id(raw["Id"])
    status = (dnssec or {}).get("Status") or {}
    return {
        "Id": zid,
        "Arn": f"arn:{partition}:route53:::hostedzone/{zid}",
        "Name": raw.get("Name"),
        "PrivateZone": (raw.get("Config") or {}).get("PrivateZone"),
        "Comment": (raw.get("Config") or {}).get("Comment") or None,
        "ResourceRecordSetCount": raw.get("ResourceRecordSetCount"),
        "QueryLoggingConfigs": None if query_logging is None else [
            {"Id": c.get("Id"), "CloudWatchLogsLogGroupArn": c.get("CloudWatchLogsLogGroupArn")}
            for c in query_logging],
        "DNSSEC": None if dnssec is None else {
            "ServeSignature": status.get("ServeSignature"),
            "StatusMessage": status.get("StatusMessage"),
            "KeySigningKeys": [{"Name": k.get("Name"), "Status": k.get("Status")}
                               for k in dnssec.get("KeySigningKeys") or []],
        },
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_global(ctx: ScanContext) -> list[Asset]:
    api = ctx.api("route53", GLOBAL)
    zones = api.pages("list_hosted_zones", "HostedZones") or []
    # One listing of the account's query logging configs serves every zone.
    logging = api.fetch_pages("list_query_logging_configs", "QueryLoggingConfigs") \
        if zones else Fetched([])
    by_zone: dict[str, list[Any]] = {}
    for config in logging.value or []:
        by_zone.setdefault(zone_id(config.get("HostedZoneId") or ""), []).append(config)
    assets = []
    for raw in zones:
        zid = zone_id(raw["Id"])
        private = bool((raw.get("Config") or {}).get("PrivateZone"))
        fetched: dict[str, Fetched[Any]] = {
            "QueryLoggingConfigs": Fetched(by_zone.get(zid, []), "") if logging.value is not None
            else logging,
            # DNSSEC signing exists for public zones only: null for private ones, not unknown
            "DNSSEC": Fetched(None) if private else api.fetch("get_dnssec", HostedZoneId=zid),
            "Tags": api.fetch("list_tags_for_resource", ResourceType="hostedzone",
                              ResourceId=zid),
        }
        tags = fetched["Tags"].value
        doc = normalize_zone(
            raw, ctx.partition, query_logging=fetched["QueryLoggingConfigs"].value,
            dnssec=fetched["DNSSEC"].value,
            tags=None if tags is None else (tags.get("ResourceTagSet") or {}).get("Tags") or [])
        assets.append(make_asset(ctx.account, GLOBAL, "aws.route53.hosted_zone", doc["Arn"],
                                 raw.get("Name") or zid, doc, failures(fetched)))
    return assets
