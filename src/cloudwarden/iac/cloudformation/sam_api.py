"""SAM APIs: an `AWS::Serverless::Api` is a REST API and its stage, an
`AWS::Serverless::HttpApi` an HTTP API stage, as the SAM transform creates them (the stage's
logical id is SAM's `<Api><StageName>Stage`).

The REST API's authorizers come from `Auth.Authorizers`; a resource policy SAM builds from
`Auth.ResourcePolicy` is left unresolved. The HTTP API itself is not mapped: its routes come
from the functions' `HttpApi` events, which the transform wires.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.apigateway import map_rest_api, map_stage
from cloudwarden.iac.cloudformation.elb import web_acl_of
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import Doc, Resource, Stack, as_bool, as_int

__all__ = ["map_sam_api", "map_sam_http_api"]


def _stage_id(res: Resource, stage: Any) -> str:
    return f"{res.logical_id}{stage if isinstance(stage, str) and stage.isalnum() else ''}Stage"


def _authorizers(auth: Any) -> list[dict[str, Any]]:
    found = (auth or {}).get("Authorizers") if isinstance(auth, dict) else None
    if not isinstance(found, dict):
        return []
    out = []
    for name, spec in found.items():
        spec = spec if isinstance(spec, dict) else {}
        kind = "COGNITO_USER_POOLS" if "UserPoolArn" in spec else \
            "REQUEST" if spec.get("FunctionPayloadType") == "REQUEST" else "TOKEN"
        out.append({"id": f"${{{name}}}", "name": name, "type": kind})
    return out


def _endpoint(value: Any) -> Any:
    if isinstance(value, dict):
        value = value.get("Type")
    return {"Types": [value]} if isinstance(value, str) else value


def map_sam_api(res: Resource, stack: Stack) -> list[Asset]:
    p = res.props
    api_props: dict[str, Any] = {"Name": p.get("Name", res.ref_text()),
                                 "DisableExecuteApiEndpoint": p.get(
                                     "DisableExecuteApiEndpoint", False)}
    if p.get("EndpointConfiguration") is not None:
        api_props["EndpointConfiguration"] = _endpoint(p["EndpointConfiguration"])
    auth = p.get("Auth")
    if isinstance(auth, dict) and auth.get("ResourcePolicy") is not None:
        api_props["Policy"] = Unresolved("SAM builds the policy from Auth.ResourcePolicy")
    if p.get("Tags") is not None:
        api_props["Tags"] = p["Tags"]
    api = map_rest_api(Resource(res.logical_id, "AWS::ApiGateway::RestApi", api_props,
                                res.start_line, res.end_line), stack)
    api = replace(api, properties={**api.properties, "authorizers": _authorizers(auth) + list(
        api.properties.get("authorizers") or [])})

    stage_name = p.get("StageName")
    stage_props: dict[str, Any] = {
        "StageName": stage_name,
        "RestApiId": Unresolved(f"Ref {res.logical_id} is known only after deploy",
                                (res.logical_id,), res.ref_text()),
        **{k: p[k] for k in ("TracingEnabled", "CacheClusterEnabled", "AccessLogSetting",
                             "MethodSettings") if k in p}}
    stage_res = Resource(_stage_id(res, stage_name), "AWS::ApiGateway::Stage", stage_props,
                         res.start_line, res.end_line)
    stage = map_stage(stage_res, stack)
    if stage.properties.get("webAclArn") is None and "webAclArn" not in stage.unknown:
        acl = web_acl_of(res, stack)
        stage = replace(stage, properties={
            **stage.properties, "webAclArn": acl.text if isinstance(acl, Unresolved) else acl})
    return [api, stage]


def map_sam_http_api(res: Resource, stack: Stack) -> list[Asset]:
    p = res.props
    stage_name = p.get("StageName", "$default")
    stage_res = Resource(_stage_id(res, stage_name), "AWS::ApiGatewayV2::Stage", p,
                         res.start_line, res.end_line)
    doc = Doc(stage_res, stack)
    doc.set("StageName", stage_name, symbolic_ok=True)
    doc.set("ApiId", res.ref_text())
    doc.set("ApiName", p.get("Name", res.ref_text()), symbolic_ok=True)
    doc.set("ProtocolType", "HTTP")
    text = stage_name if isinstance(stage_name, str) else None
    if text is None:
        doc.open("Arn", "the stage name is known only at deploy time")
    else:
        doc.set("Arn", f"arn:{stack.partition}:apigateway:${{AWS::Region}}::/apis/"
                       f"{res.ref_text()}/stages/{text}")
    doc.set("AutoDeploy", True)  # SAM deploys every change of an HTTP API
    logs = p.get("AccessLogSettings")
    doc.set("AccessLogSettings", None if not logs else logs if not isinstance(logs, dict) else {
        "DestinationArn": logs.get("DestinationArn"), "Format": logs.get("Format")},
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
    return [doc.asset("aws.apigateway.v2_stage")]
