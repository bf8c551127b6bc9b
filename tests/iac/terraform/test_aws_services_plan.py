"""The service mappings read a `terraform show -json` plan as they read `.tf` files: values
known at plan time judged, attributes known only after apply joined by their references."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudwarden.core.model import UNRESOLVED, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform import load_plan
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.inventory.snapshot import Inventory


def _resource(address: str, values: dict[str, Any]) -> dict[str, Any]:
    type_, name = address.split(".")
    return {"address": address, "mode": "managed", "type": type_, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}


def _plan() -> dict[str, Any]:
    resources = [
        _resource("aws_lb.web", {
            "name": "web", "internal": False, "load_balancer_type": "application",
            "subnets": ["subnet-a", "subnet-b"], "subnet_mapping": [],
            "drop_invalid_header_fields": False, "enable_deletion_protection": False,
            "desync_mitigation_mode": "defensive", "access_logs": [], "tags": None}),
        _resource("aws_lb_listener.http", {
            "port": 80, "protocol": "HTTP", "ssl_policy": None, "certificate_arn": None,
            "default_action": [{"type": "redirect", "redirect": [{
                "protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]}]}),
        _resource("aws_lambda_function.fn", {
            "function_name": "fn", "runtime": "nodejs16.x", "handler": "index.handler",
            "package_type": "Zip", "timeout": 3, "memory_size": 128,
            "environment": [{"variables": {"DB_PASSWORD": "x"}}], "vpc_config": [],
            "dead_letter_config": [], "kms_key_arn": None, "image_uri": None,
            "code_signing_config_arn": None, "tags": None}),
    ]
    after_unknown = {
        "aws_lb.web": {"arn": True, "dns_name": True, "id": True, "security_groups": True},
        "aws_lb_listener.http": {"arn": True, "id": True, "load_balancer_arn": True},
        "aws_lambda_function.fn": {"arn": True, "role": True, "tracing_config": True,
                                   "architectures": True},
    }
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": [{"address": a, "mode": "managed", "type": a.split(".")[0],
                              "name": a.split(".")[1],
                              "change": {"actions": ["create"], "after_unknown": u}}
                             for a, u in after_unknown.items()],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_lb_listener.http", "mode": "managed", "type": "aws_lb_listener",
             "name": "http", "expressions": {
                 "load_balancer_arn": {"references": ["aws_lb.web.arn", "aws_lb.web"]}}}]}},
    }


def test_plan_of_load_balancer_and_function(tmp_path: Path, aws_engine: Engine) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan()))
    module, errors = load_plan(path)
    assert errors == []
    assets = {a.ref.id.split(":", 1)[1]: a for a in map_module(module).assets}
    lb = assets["aws_lb.web"]
    assert lb.properties["Listeners"][0]["DefaultActions"][0]["RedirectConfig"]["Protocol"] \
        == "HTTPS"
    assert lb.unknown["AvailabilityZones"].startswith(UNRESOLVED)
    fn = assets["aws_lambda_function.fn"]
    assert fn.properties["FunctionArn"] == "tf:aws_lambda_function.fn"
    assert fn.unknown["TracingConfig"].startswith(UNRESOLVED)
    results = {(f.rule_id, f.asset.id.split(":", 1)[1]): f.status
               for f in aws_engine.assess(Inventory(assets.values()))}
    assert results[("aws.elb.alb_http_redirects_to_https", "aws_lb.web")] is Status.PASS
    assert results[("aws.elb.alb_drops_invalid_headers", "aws_lb.web")] is Status.FAIL
    assert results[("aws.lambda.function_no_secrets_in_environment",
                    "aws_lambda_function.fn")] is Status.FAIL
    assert results[("aws.lambda.function_supported_runtime", "aws_lambda_function.fn")] \
        is Status.FAIL
    assert results[("aws.lambda.function_tracing_enabled", "aws_lambda_function.fn")] \
        is Status.NOT_APPLICABLE
