"""API Gateway: REST APIs (with their authorizers and resource policy) and stages (with their
method settings and WAFv2 association), HTTP and WebSocket APIs (with their routes and
integrations) and their stages.

Defaults are the provider's and the APIs' documented ones: an EDGE endpoint; tracing, the
stage cache and access logging off; method settings log nothing (`OFF`) and encrypt no cache;
a route needs no authorization (`NONE`) unless it names one.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_bool,
    as_int,
    block,
    build_asset,
    literal_str,
    own,
    str_list,
    tags_of,
)
from cloudwarden.iac.terraform.aws_elb import web_acl_of
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_rest_api", "map_stage", "map_v2_api", "map_v2_stage"]

_REST_API = "aws_api_gateway_rest_api"
_AUTHORIZER = "aws_api_gateway_authorizer"
_REST_POLICY = "aws_api_gateway_rest_api_policy"
_METHOD_SETTINGS = "aws_api_gateway_method_settings"
_V2_API = "aws_apigatewayv2_api"
_ROUTE = "aws_apigatewayv2_route"
_INTEGRATION = "aws_apigatewayv2_integration"
JOINED: dict[str, str] = {_AUTHORIZER: "aws.apigateway.rest_api",
                          _REST_POLICY: "aws.apigateway.rest_api",
                          _METHOD_SETTINGS: "aws.apigateway.stage",
                          _ROUTE: "aws.apigateway.v2_api",
                          _INTEGRATION: "aws.apigateway.v2_api"}
_ID = ("id",)
#: method settings as the API names them, from the provider's argument, with their defaults
_SETTINGS = (("loggingLevel", "logging_level", "OFF"),
             ("dataTraceEnabled", "data_trace_enabled", False),
             ("metricsEnabled", "metrics_enabled", False),
             ("cachingEnabled", "caching_enabled", False),
             ("cacheDataEncrypted", "cache_data_encrypted", False))


def map_rest_api(index: Index, api: TfResource) -> list[Asset]:
    doc = Doc()
    v = api.values
    doc.set("id", own(api))
    doc.set("Arn", own(api, "arn"))
    doc.set("name", v.get("name"))
    doc.after_apply("createdDate")
    endpoint = block(v.get("endpoint_configuration"))
    doc.set("endpointConfiguration", endpoint if isinstance(endpoint, Unknown) else {
        "types": str_list((endpoint or {}).get("types")) or ["EDGE"]})
    doc.set("disableExecuteApiEndpoint", as_bool(v.get("disable_execute_api_endpoint"), False))
    policies = index.children_of(api, _REST_POLICY, "rest_api_id", _ID)
    owner, policy = (policies[-1], policies[-1].values.get("policy")) if policies \
        else (api, v.get("policy"))
    doc.set("policy", policy_document(index, owner, policy) if policy else None)
    doc.set("authorizers", [{"id": own(a), "name": a.values.get("name"),
                             "type": a.values.get("type") or "TOKEN"}
                            for a in index.children_of(api, _AUTHORIZER, "rest_api_id", _ID)])
    doc.set("Tags", tags_of(api))
    return [build_asset(index, api, "aws.apigateway.rest_api", doc)]


def _api_of(index: Index, res: TfResource, arg: str, api_type: str) -> TfResource | None:
    found = index.targets(res, arg, api_type, _ID)
    return found[0] if len(found) == 1 else None


def _settings_of(index: Index, stage: TfResource) -> list[TfResource]:
    """The method settings of this stage. A stage name such as `prod` recurs across APIs, so
    settings are found through the stage's API (indexed) and kept when their `stage_name`
    is this stage (a reference to it, or its literal name); for an API outside the code,
    through the stage name, kept when they name the same API."""
    api = _api_of(index, stage, "rest_api_id", _REST_API)
    if api is None:
        api_id = index.ident(stage, stage.values.get("rest_api_id"))
        return [m for m in index.children_of(stage, _METHOD_SETTINGS, "stage_name",
                                              ("stage_name",))
                if index.ident(m, m.values.get("rest_api_id")) == api_id]
    name = literal_str(stage.values.get("stage_name"))
    out = []
    for item in index.children_of(api, _METHOD_SETTINGS, "rest_api_id", _ID):
        value = item.values.get("stage_name")
        refs = list(item.references.get("stage_name", ())) + list(
            value.refs if isinstance(value, Unknown) else ())
        if any(r.address == stage.address for ref in refs for r in index.resolve(item, ref)) \
                or (name is not None and literal_str(value) == name):
            out.append(item)
    return out


def _method_settings(index: Index, stage: TfResource) -> list[dict[str, Any]]:
    out = []
    for item in _settings_of(index, stage):
        settings = block(item.values.get("settings"))
        settings = settings if isinstance(settings, dict) else {}
        out.append({"resourcePath": item.values.get("method_path"),
                    **{key: settings.get(arg) if settings.get(arg) is not None else default
                       for key, arg, default in _SETTINGS}})
    return sorted(out, key=lambda s: str(s["resourcePath"]))


def map_stage(index: Index, stage: TfResource) -> list[Asset]:
    doc = Doc()
    v = stage.values
    doc.set("stageName", v.get("stage_name"))
    doc.set("restApiId", index.ident(stage, v.get("rest_api_id")))
    api = _api_of(index, stage, "rest_api_id", _REST_API)
    doc.set("restApiName", api.values.get("name") if api else None)
    doc.set("Arn", own(stage, "arn"))
    doc.set("deploymentId", index.ident(stage, v.get("deployment_id")))
    doc.set("tracingEnabled", as_bool(v.get("xray_tracing_enabled"), False))
    doc.set("clientCertificateId", index.ident(stage, v.get("client_certificate_id")) or None)
    doc.set("webAclArn", web_acl_of(index, stage))
    doc.set("cacheClusterEnabled", as_bool(v.get("cache_cluster_enabled"), False))
    logs = block(v.get("access_log_settings"))
    doc.set("accessLogSettings", logs if isinstance(logs, Unknown) else None if not logs else {
        "destinationArn": index.ident(stage, logs.get("destination_arn")),
        "format": logs.get("format")})
    doc.set("methodSettings", _method_settings(index, stage))
    doc.after_apply("createdDate", "lastUpdatedDate")
    doc.set("Tags", tags_of(stage))
    return [build_asset(index, stage, "aws.apigateway.stage", doc, name_args=("stage_name",))]


def _route(index: Index, route: TfResource) -> dict[str, Any]:
    v = route.values
    return {"RouteId": own(route), "RouteKey": v.get("route_key"),
            "AuthorizationType": v.get("authorization_type") or "NONE",
            "AuthorizerId": index.ident(route, v.get("authorizer_id")) or None}


def _integration(integration: TfResource) -> dict[str, Any]:
    v = integration.values
    tls = block(v.get("tls_config"))
    return {"IntegrationId": own(integration), "IntegrationType": v.get("integration_type"),
            "ConnectionType": v.get("connection_type") or "INTERNET",
            "TlsConfig": tls if isinstance(tls, Unknown) else None if not tls else {
                "ServerNameToVerify": tls.get("server_name_to_verify")}}


def map_v2_api(index: Index, api: TfResource) -> list[Asset]:
    doc = Doc()
    v = api.values
    doc.set("ApiId", own(api))
    doc.set("Arn", own(api, "arn"))
    doc.set("Name", v.get("name"))
    doc.set("ProtocolType", v.get("protocol_type"))
    doc.set("ApiEndpoint", own(api, "api_endpoint"))
    doc.set("DisableExecuteApiEndpoint", as_bool(v.get("disable_execute_api_endpoint"), False))
    doc.after_apply("CreatedDate")
    routes = [_route(index, r) for r in index.children_of(api, _ROUTE, "api_id", _ID)]
    if v.get("target") is not None:
        # quick create: a `$default` route (or `route_key`) open to anyone
        routes.append({"RouteId": own(api) + "#quick-create",
                       "RouteKey": v.get("route_key") or "$default",
                       "AuthorizationType": "NONE", "AuthorizerId": None})
    doc.set("Routes", routes)
    doc.set("Integrations", [_integration(i) for i in index.children_of(
        api, _INTEGRATION, "api_id", _ID)])
    doc.set("Tags", tags_of(api))
    return [build_asset(index, api, "aws.apigateway.v2_api", doc)]


def _route_settings(raw: Any) -> Any:
    settings = block(raw)
    if isinstance(settings, Unknown):
        return settings
    settings = settings or {}
    return {"LoggingLevel": settings.get("logging_level"),
            "DataTraceEnabled": as_bool(settings.get("data_trace_enabled"), False),
            "DetailedMetricsEnabled": as_bool(settings.get("detailed_metrics_enabled"), False),
            "ThrottlingBurstLimit": as_int(settings.get("throttling_burst_limit")),
            "ThrottlingRateLimit": settings.get("throttling_rate_limit")}


def map_v2_stage(index: Index, stage: TfResource) -> list[Asset]:
    doc = Doc()
    v = stage.values
    doc.set("StageName", v.get("name"))
    doc.set("ApiId", index.ident(stage, v.get("api_id")))
    api = _api_of(index, stage, "api_id", _V2_API)
    doc.set("ApiName", api.values.get("name") if api else None)
    if api is None:
        doc.open("ProtocolType", "the stage's API is not in the code")
    else:
        doc.set("ProtocolType", api.values.get("protocol_type"))
    doc.set("Arn", own(stage, "arn"))
    doc.set("AutoDeploy", as_bool(v.get("auto_deploy"), False))
    logs = block(v.get("access_log_settings"))
    doc.set("AccessLogSettings", logs if isinstance(logs, Unknown) else None if not logs else {
        "DestinationArn": index.ident(stage, logs.get("destination_arn")),
        "Format": logs.get("format")})
    doc.set("DefaultRouteSettings", _route_settings(v.get("default_route_settings")))
    doc.after_apply("CreatedDate", "LastUpdatedDate")
    doc.set("Tags", tags_of(stage))
    return [build_asset(index, stage, "aws.apigateway.v2_stage", doc)]
