"""API Gateway in one region: REST APIs and their stages (`apigateway`), HTTP and WebSocket
APIs and their stages (`apigatewayv2`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cloudwarden.collectors.aws._context import Fetched, ScanContext, failures
from cloudwarden.collectors.aws._shapes import iso, make_asset, pick, policy_doc, tag_dict
from cloudwarden.core.model import Asset

_METHOD_SETTINGS = ("loggingLevel", "dataTraceEnabled", "metricsEnabled", "cachingEnabled",
                    "cacheDataEncrypted")


def _arn(ctx: ScanContext, region: str, path: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{region}::{path}"


def normalize_rest_api(raw: Mapping[str, Any], arn: str, *,
                       authorizers: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    endpoint = raw.get("endpointConfiguration")
    policy = raw.get("policy")
    if isinstance(policy, str):
        # REST API policies come back as JSON text with escaped quotes
        policy = policy.replace('\\"', '"')
    return {
        "id": raw["id"],
        "Arn": arn,
        "name": raw.get("name"),
        "createdDate": iso(raw.get("createdDate")),
        "endpointConfiguration": None if endpoint is None else {
            "types": list(endpoint.get("types") or [])},
        "disableExecuteApiEndpoint": raw.get("disableExecuteApiEndpoint"),
        "policy": policy_doc(policy),
        "authorizers": None if authorizers is None else [
            pick(a, "id", "name", "type") for a in authorizers],
        "Tags": tag_dict(raw.get("tags")),
    }


def normalize_stage(raw: Mapping[str, Any], api: Mapping[str, Any], arn: str) -> dict[str, Any]:
    settings = raw.get("methodSettings") or {}
    return {
        "stageName": raw["stageName"],
        "restApiId": api["id"],
        "restApiName": api.get("name"),
        "Arn": arn,
        "deploymentId": raw.get("deploymentId"),
        "tracingEnabled": bool(raw.get("tracingEnabled")),
        "clientCertificateId": raw.get("clientCertificateId") or None,
        "webAclArn": raw.get("webAclArn") or None,
        "cacheClusterEnabled": bool(raw.get("cacheClusterEnabled")),
        "accessLogSettings": pick(raw.get("accessLogSettings"), "destinationArn", "format")
        if (raw.get("accessLogSettings") or {}).get("destinationArn") else None,
        "methodSettings": [{"resourcePath": key, **{k: value.get(k) for k in _METHOD_SETTINGS}}
                           for key, value in sorted(settings.items())],
        "createdDate": iso(raw.get("createdDate")),
        "lastUpdatedDate": iso(raw.get("lastUpdatedDate")),
        "Tags": tag_dict(raw.get("tags")),
    }


def normalize_v2_api(raw: Mapping[str, Any], arn: str, *,
                     routes: Sequence[Mapping[str, Any]] | None,
                     integrations: Sequence[Mapping[str, Any]] | None = ()) -> dict[str, Any]:
    return {
        "ApiId": raw["ApiId"],
        "Arn": arn,
        "Name": raw.get("Name"),
        "ProtocolType": raw.get("ProtocolType"),
        "ApiEndpoint": raw.get("ApiEndpoint"),
        "DisableExecuteApiEndpoint": raw.get("DisableExecuteApiEndpoint"),
        "CreatedDate": iso(raw.get("CreatedDate")),
        "Routes": None if routes is None else [{
            "RouteId": r.get("RouteId"),
            "RouteKey": r.get("RouteKey"),
            "AuthorizationType": r.get("AuthorizationType") or "NONE",
            "AuthorizerId": r.get("AuthorizerId") or None,
        } for r in routes],
        "Integrations": None if integrations is None else [{
            "IntegrationId": i.get("IntegrationId"),
            "IntegrationType": i.get("IntegrationType"),
            "ConnectionType": i.get("ConnectionType") or "INTERNET",
            "TlsConfig": pick(i.get("TlsConfig"), "ServerNameToVerify")
            if i.get("TlsConfig") else None,
        } for i in integrations],
        "Tags": tag_dict(raw.get("Tags")),
    }


def normalize_v2_stage(raw: Mapping[str, Any], api: Mapping[str, Any], arn: str
                       ) -> dict[str, Any]:
    logs = raw.get("AccessLogSettings")
    return {
        "StageName": raw["StageName"],
        "ApiId": api["ApiId"],
        "ApiName": api.get("Name"),
        "ProtocolType": api.get("ProtocolType"),
        "Arn": arn,
        "AutoDeploy": raw.get("AutoDeploy"),
        "AccessLogSettings": pick(logs, "DestinationArn", "Format")
        if (logs or {}).get("DestinationArn") else None,
        "DefaultRouteSettings": pick(raw.get("DefaultRouteSettings"), "LoggingLevel",
                                     "DataTraceEnabled", "DetailedMetricsEnabled",
                                     "ThrottlingBurstLimit", "ThrottlingRateLimit"),
        "CreatedDate": iso(raw.get("CreatedDate")),
        "LastUpdatedDate": iso(raw.get("LastUpdatedDate")),
        "Tags": tag_dict(raw.get("Tags")),
    }


def collect_rest(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("apigateway", region)
    assets = []
    for raw in api.pages("get_rest_apis", "items") or []:
        path = f"/restapis/{raw['id']}"
        authorizers = api.fetch_pages("get_authorizers", "items", restApiId=raw["id"])
        doc = normalize_rest_api(raw, _arn(ctx, region, path), authorizers=authorizers.value)
        assets.append(make_asset(ctx.account, region, "aws.apigateway.rest_api", doc["Arn"],
                                 raw.get("name") or raw["id"], doc,
                                 failures({"authorizers": authorizers})))
        # GetStages is not paginated: one answer holds every stage of the API
        for stage in (api.call("get_stages", restApiId=raw["id"]) or {}).get("item") or []:
            arn = _arn(ctx, region, f"{path}/stages/{stage['stageName']}")
            assets.append(make_asset(ctx.account, region, "aws.apigateway.stage", arn,
                                     f"{raw.get('name')}/{stage['stageName']}",
                                     normalize_stage(stage, raw, arn)))
    return assets


def collect_v2(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("apigatewayv2", region)
    assets = []
    for raw in api.pages("get_apis", "Items") or []:
        path = f"/apis/{raw['ApiId']}"
        routes: Fetched[list[Any]] = api.fetch_pages("get_routes", "Items", ApiId=raw["ApiId"])
        integrations = api.fetch_pages("get_integrations", "Items", ApiId=raw["ApiId"])
        doc = normalize_v2_api(raw, _arn(ctx, region, path), routes=routes.value,
                               integrations=integrations.value)
        assets.append(make_asset(ctx.account, region, "aws.apigateway.v2_api", doc["Arn"],
                                 raw.get("Name") or raw["ApiId"], doc,
                                 failures({"Routes": routes, "Integrations": integrations})))
        for stage in api.pages("get_stages", "Items", ApiId=raw["ApiId"]) or []:
            arn = _arn(ctx, region, f"{path}/stages/{stage['StageName']}")
            assets.append(make_asset(ctx.account, region, "aws.apigateway.v2_stage", arn,
                                     f"{raw.get('Name')}/{stage['StageName']}",
                                     normalize_v2_stage(stage, raw, arn)))
    return assets


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    return collect_rest(ctx, region) + collect_v2(ctx, region)
