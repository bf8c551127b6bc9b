"""API Gateway: REST APIs (+ authorizers) and stages (+ method settings and WAFv2 association),
HTTP and WebSocket APIs (+ routes and integrations) and their stages.

Defaults are the APIs' documented ones: an EDGE endpoint; tracing, the stage cache and access
logging off; method settings log nothing (`OFF`) and encrypt no cache; a route needs no
authorization (`NONE`) unless it names one. A stage created implicitly by a deployment's
`StageName` is not mapped: its settings are the deployment's `StageDescription`.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.ec2 import id_text
from cloudwarden.iac.cloudformation.elb import web_acl_of
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import (
    POLICY_STRICT,
    Doc,
    Resource,
    Stack,
    as_bool,
    as_int,
)

__all__ = ["map_rest_api", "map_stage", "map_v2_api", "map_v2_stage"]

_REST_API = "AWS::ApiGateway::RestApi"
_V2_API = "AWS::ApiGatewayV2::Api"
_SETTINGS = (("loggingLevel", "LoggingLevel", "OFF"),
             ("dataTraceEnabled", "DataTraceEnabled", False),
             ("metricsEnabled", "MetricsEnabled", False),
             ("cachingEnabled", "CachingEnabled", False),
             ("cacheDataEncrypted", "CacheDataEncrypted", False))
_STRICT = frozenset({"loggingLevel", "cachingEnabled", "cacheDataEncrypted",
                     "AuthorizationType", "ConnectionType"})


def _api_arn(stack: Stack, path: str) -> str:
    return f"arn:{stack.partition}:apigateway:${{AWS::Region}}::/{path}"


def _text(value: Any) -> str | None:
    """A literal or symbolic (`${Api}`) id as text, None when it has no such form."""
    value = id_text(value)
    if isinstance(value, Unresolved):
        return value.text
    return value if isinstance(value, str) and value else None


def _stage_arn(doc: Doc, stack: Stack, kind: str, api_id: Any, stage: Any) -> None:
    api_text, stage_text = _text(api_id), _text(stage)
    if api_text is None or stage_text is None:
        doc.open("Arn", "the stage's API or name is known only at deploy time")
    else:
        doc.set("Arn", _api_arn(stack, f"{kind}/{api_text}/stages/{stage_text}"))


def _api_of(res: Resource, prop: str, api_type: str, stack: Stack) -> Resource | None:
    """The API of the template a stage's `Ref`/`GetAtt` names (API ids are generated, so a
    literal id names an API outside the template)."""
    target = res.props.get(prop)
    refs = target.refs if isinstance(target, Unresolved) else ()
    api = stack.resources.get(refs[0]) if len(refs) == 1 else None
    return api if api is not None and api.type == api_type else None


def map_rest_api(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("id")
    doc.set("Arn", _api_arn(stack, f"restapis/{res.ref_text()}"))
    doc.set("name", p.get("Name"), symbolic_ok=True)
    doc.after_deploy("createdDate")
    endpoint = p.get("EndpointConfiguration")
    doc.set("endpointConfiguration", {"types": list(endpoint.get("Types") or ["EDGE"])}
            if isinstance(endpoint, dict) else {"types": ["EDGE"]} if endpoint is None
            else endpoint)
    doc.set("disableExecuteApiEndpoint", as_bool(p.get("DisableExecuteApiEndpoint", False)))
    doc.set("policy", p.get("Policy"), symbolic_ok=True, strict=POLICY_STRICT)
    doc.set("authorizers", [{"id": a.ref_text(), "name": a.props.get("Name"),
                             "type": a.props.get("Type")}
                            for a in stack.referrers(res, ("AWS::ApiGateway::Authorizer",),
                                                     "RestApiId")], symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.apigateway.rest_api", "Name")


def _settings_key(raw: dict[str, Any]) -> Any:
    path, method = raw.get("ResourcePath", "/*"), raw.get("HttpMethod", "*")
    if not isinstance(path, str) or not isinstance(method, str):
        return Unresolved("a method setting's path or method is known only at deploy time")
    return f"{path.lstrip('/').replace('/', '~1') or '*'}/{method}"


def _method_settings(raw: Any) -> Any:
    if not isinstance(raw, list):
        return [] if raw is None else raw
    out = [{"resourcePath": _settings_key(s),
            **{key: as_bool(s.get(prop, default)) for key, prop, default in _SETTINGS}}
           for s in raw if isinstance(s, dict)]
    return sorted(out, key=lambda s: str(s["resourcePath"]))


def map_stage(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.set("stageName", p.get("StageName", res.ref_text()), symbolic_ok=True)
    doc.set("restApiId", id_text(p.get("RestApiId")), symbolic_ok=True)
    api = _api_of(res, "RestApiId", _REST_API, stack)
    doc.set("restApiName", api.props.get("Name") if api else None, symbolic_ok=True)
    _stage_arn(doc, stack, "restapis", p.get("RestApiId"), p.get("StageName", res.ref_text()))
    doc.set("deploymentId", id_text(p.get("DeploymentId")), symbolic_ok=True)
    doc.set("tracingEnabled", as_bool(p.get("TracingEnabled", False)))
    doc.set("clientCertificateId", id_text(p.get("ClientCertificateId")), symbolic_ok=True)
    doc.set("webAclArn", web_acl_of(res, stack), symbolic_ok=True)
    doc.set("cacheClusterEnabled", as_bool(p.get("CacheClusterEnabled", False)))
    logs = p.get("AccessLogSetting")
    doc.set("accessLogSettings", None if not logs else logs if not isinstance(logs, dict) else {
        "destinationArn": id_text(logs.get("DestinationArn")), "format": logs.get("Format")},
        symbolic_ok=True)
    doc.set("methodSettings", _method_settings(p.get("MethodSettings")), symbolic_ok=True,
            strict=_STRICT)
    doc.after_deploy("createdDate", "lastUpdatedDate")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.apigateway.stage", "StageName")


def map_v2_api(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("ApiId")
    doc.set("Arn", _api_arn(stack, f"apis/{res.ref_text()}"))
    doc.set("Name", p.get("Name"), symbolic_ok=True)
    doc.set("ProtocolType", p.get("ProtocolType"))
    doc.ref("ApiEndpoint", "ApiEndpoint")
    doc.set("DisableExecuteApiEndpoint", as_bool(p.get("DisableExecuteApiEndpoint", False)))
    doc.after_deploy("CreatedDate")
    routes = [{"RouteId": r.ref_text(), "RouteKey": r.props.get("RouteKey"),
               "AuthorizationType": r.props.get("AuthorizationType", "NONE"),
               "AuthorizerId": id_text(r.props.get("AuthorizerId"))}
              for r in stack.referrers(res, ("AWS::ApiGatewayV2::Route",), "ApiId")]
    if p.get("Target") is not None:
        # quick create: a `$default` route (or `RouteKey`) open to anyone
        routes.append({"RouteId": res.ref_text() + "#quick-create",
                       "RouteKey": p.get("RouteKey", "$default"),
                       "AuthorizationType": "NONE", "AuthorizerId": None})
    doc.set("Routes", routes, symbolic_ok=True, strict=_STRICT)
    integrations = stack.referrers(res, ("AWS::ApiGatewayV2::Integration",), "ApiId")
    doc.set("Integrations", [{
        "IntegrationId": i.ref_text(), "IntegrationType": i.props.get("IntegrationType"),
        "ConnectionType": i.props.get("ConnectionType", "INTERNET"),
        "TlsConfig": {"ServerNameToVerify": i.props["TlsConfig"].get("ServerNameToVerify")}
        if isinstance(i.props.get("TlsConfig"), dict) else i.props.get("TlsConfig")}
        for i in integrations], symbolic_ok=True, strict=_STRICT)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.apigateway.v2_api", "Name")


def map_v2_stage(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.set("StageName", p.get("StageName"), symbolic_ok=True)
    doc.set("ApiId", id_text(p.get("ApiId")), symbolic_ok=True)
    api = _api_of(res, "ApiId", _V2_API, stack)
    doc.set("ApiName", api.props.get("Name") if api else None, symbolic_ok=True)
    if api is None:
        doc.open("ProtocolType", "the stage's API is not in the template")
    else:
        doc.set("ProtocolType", api.props.get("ProtocolType"))
    _stage_arn(doc, stack, "apis", p.get("ApiId"), p.get("StageName"))
    doc.set("AutoDeploy", as_bool(p.get("AutoDeploy", False)))
    logs = p.get("AccessLogSettings")
    doc.set("AccessLogSettings", None if not logs else logs if not isinstance(logs, dict) else {
        "DestinationArn": id_text(logs.get("DestinationArn")), "Format": logs.get("Format")},
        symbolic_ok=True)
    settings = p.get("DefaultRouteSettings")
    s = settings if isinstance(settings, dict) else {}
    doc.set("DefaultRouteSettings", settings if isinstance(settings, Unresolved) else {
        "LoggingLevel": s.get("LoggingLevel"),
        "DataTraceEnabled": as_bool(s.get("DataTraceEnabled", False)),
        "DetailedMetricsEnabled": as_bool(s.get("DetailedMetricsEnabled", False)),
        "ThrottlingBurstLimit": as_int(s.get("ThrottlingBurstLimit")),
        "ThrottlingRateLimit": s.get("ThrottlingRateLimit")})
    doc.after_deploy("CreatedDate", "LastUpdatedDate")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.apigateway.v2_stage", "StageName")
