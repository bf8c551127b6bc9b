"""OpenSearch Service domains of one region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import make_asset, pick, policy_doc, tag_dict
from cloudwarden.core.model import Asset

#: describe_domains takes at most five names per call.
_BATCH = 5


def normalize_domain(raw: Mapping[str, Any], *,
                     tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    vpc = raw.get("VPCOptions")
    logs = raw.get("LogPublishingOptions") or {}
    return {
        "DomainName": raw["DomainName"],
        "ARN": raw["ARN"],
        "EngineVersion": raw.get("EngineVersion"),
        "Endpoint": raw.get("Endpoint"),
        "VPCOptions": None if not vpc or not vpc.get("VPCId") else {
            "VPCId": vpc.get("VPCId"), "SubnetIds": list(vpc.get("SubnetIds") or []),
            "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or [])},
        "EncryptionAtRestOptions": pick(raw.get("EncryptionAtRestOptions"), "Enabled",
                                        "KmsKeyId"),
        "NodeToNodeEncryptionOptions": pick(raw.get("NodeToNodeEncryptionOptions"), "Enabled"),
        "DomainEndpointOptions": pick(raw.get("DomainEndpointOptions"), "EnforceHTTPS",
                                      "TLSSecurityPolicy"),
        "AdvancedSecurityOptions": pick(raw.get("AdvancedSecurityOptions"), "Enabled",
                                        "InternalUserDatabaseEnabled", "AnonymousAuthEnabled"),
        "AccessPolicies": policy_doc(raw.get("AccessPolicies")),
        "LogPublishingOptions": {kind: pick(opt, "Enabled", "CloudWatchLogsLogGroupArn")
                                 for kind, opt in sorted(logs.items())},
        "ClusterConfig": pick(raw.get("ClusterConfig"), "InstanceType", "InstanceCount",
                              "DedicatedMasterEnabled", "DedicatedMasterCount",
                              "ZoneAwarenessEnabled"),
        "ServiceSoftwareOptions": pick(raw.get("ServiceSoftwareOptions"), "UpdateAvailable",
                                       "UpdateStatus", "CurrentVersion"),
        "Tags": None if tags is None else tag_dict(tags),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("opensearch", region)
    names = [d["DomainName"] for d in api.pages("list_domain_names", "DomainNames") or []]
    assets = []
    for start in range(0, len(names), _BATCH):
        batch = api.call("describe_domains", DomainNames=names[start:start + _BATCH])
        for raw in (batch or {}).get("DomainStatusList") or []:
            fetched: dict[str, Fetched[Any]] = {
                "Tags": api.fetch_pages("list_tags", "TagList", ARN=raw["ARN"])}
            doc = normalize_domain(raw, tags=fetched["Tags"].value)
            assets.append(make_asset(ctx.account, region, "aws.opensearch.domain", raw["ARN"],
                                     raw["DomainName"], doc, failures(fetched)))
    return assets
