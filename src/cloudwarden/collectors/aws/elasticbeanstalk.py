"""Elastic Beanstalk environments of one region, with their configuration option settings.

The `aws:elasticbeanstalk:application:environment` namespace holds environment variable
values (often credentials): it is left out entirely."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset

_SECRET_NAMESPACES = frozenset({"aws:elasticbeanstalk:application:environment",
                                "aws:elasticbeanstalk:application:environmentsecrets"})


def option_settings(raw: list[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    return [{"Namespace": o.get("Namespace"), "OptionName": o.get("OptionName"),
             "Value": o.get("Value")}
            for o in raw if o.get("Namespace") not in _SECRET_NAMESPACES]


def normalize_environment(env: Mapping[str, Any], *,
                          settings: list[Mapping[str, Any]] | None,
                          tags: list[Mapping[str, Any]] | None) -> dict[str, Any]:
    tier = env.get("Tier")
    return {
        "EnvironmentArn": env["EnvironmentArn"],
        "EnvironmentName": env["EnvironmentName"],
        "EnvironmentId": env.get("EnvironmentId") or None,
        "ApplicationName": env.get("ApplicationName"),
        "SolutionStackName": env.get("SolutionStackName"),
        "PlatformArn": env.get("PlatformArn") or None,
        "Status": env.get("Status"),
        "Health": env.get("Health"),
        "Tier": dict(tier) if tier else None,
        "DateCreated": iso(env.get("DateCreated")),
        "OptionSettings": option_settings(settings),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("elasticbeanstalk", region)
    assets = []
    for env in api.pages("describe_environments", "Environments") or []:
        if env.get("Status") == "Terminated":
            continue
        config = api.fetch("describe_configuration_settings",
                           ApplicationName=env.get("ApplicationName"),
                           EnvironmentName=env["EnvironmentName"])
        described = (config.value or {}).get("ConfigurationSettings") or [{}]
        settings = Fetched(None if config.value is None
                           else described[0].get("OptionSettings") or [], config.failure)
        tags = api.fetch("list_tags_for_resource", ResourceArn=env["EnvironmentArn"])
        fetched: dict[str, Fetched[Any]] = {
            "OptionSettings": settings,
            "Tags": Fetched(None if tags.value is None else tags.value.get("ResourceTags") or [],
                            tags.failure),
        }
        doc = normalize_environment(env, settings=settings.value, tags=fetched["Tags"].value)
        assets.append(make_asset(ctx.account, region, "aws.elasticbeanstalk.environment",
                                 env["EnvironmentArn"], env["EnvironmentName"], doc,
                                 failures(fetched)))
    return assets
