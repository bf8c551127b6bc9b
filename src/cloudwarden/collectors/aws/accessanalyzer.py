"""IAM Access Analyzer: one status document per region listing its analyzers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset
from cloudwarden.core.model import Asset


def normalize_analyzer_status(region: str, arn: str,
                              analyzers: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {
        "Region": region,
        "Arn": arn,
        "Analyzers": None if analyzers is None else [
            {"name": a.get("name"), "arn": a.get("arn"), "type": a.get("type"),
             "status": a.get("status"), "createdAt": iso(a.get("createdAt"))}
            for a in analyzers],
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("accessanalyzer", region)
    arn = ctx.arn("access-analyzer", region, "settings")
    analyzers = api.fetch_pages("list_analyzers", "analyzers")
    doc = normalize_analyzer_status(region, arn, analyzers.value)
    return [make_asset(ctx.account, region, "aws.accessanalyzer.status", arn,
                       f"IAM Access Analyzer {region}", doc,
                       failures({"Analyzers": analyzers}))]
