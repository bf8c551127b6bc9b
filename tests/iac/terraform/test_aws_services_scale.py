"""Mapping cost of the service mappings: every join (permissions and URLs to functions,
listeners and WAF associations to load balancers, method settings to stages, mount targets to
file systems, subnets to zones) is indexed once per module, so thousands of resources map in
well under a CPU-second."""

from __future__ import annotations

import time
from typing import Any

from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown


def _res(address: str, values: dict[str, Any]) -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name.split("[")[0], "managed", values, {}, "m.tf", 1, 3,
                      "", "aws", "us-east-1")


def _after(address: str, attr: str = "arn") -> Unknown:
    return Unknown(f"{address}.{attr} is known only after apply", (address,))


def _estate(copies: int) -> list[TfResource]:
    out = []
    for i in range(copies):
        fn, lb, api, stage, fs, subnet = (
            f"aws_lambda_function.f[{i}]", f"aws_lb.lb[{i}]", f"aws_api_gateway_rest_api.a[{i}]",
            f"aws_api_gateway_stage.s[{i}]", f"aws_efs_file_system.fs[{i}]",
            f"aws_subnet.sn[{i}]")
        out += [
            _res(subnet, {"vpc_id": "vpc-1", "availability_zone": "us-east-1a"}),
            _res(fn, {"function_name": f"f{i}", "runtime": "python3.12", "role": "arn:r",
                      "vpc_config": [{"subnet_ids": [_after(subnet, "id")]}]}),
            _res(f"aws_lambda_permission.p[{i}]", {"function_name": f"f{i}",
                                                   "principal": "s3.amazonaws.com",
                                                   "action": "lambda:InvokeFunction"}),
            _res(f"aws_lambda_function_url.u[{i}]", {"function_name": _after(fn),
                                                     "authorization_type": "AWS_IAM"}),
            _res(lb, {"name": f"lb{i}", "subnets": [_after(subnet, "id")]}),
            _res(f"aws_lb_listener.l[{i}]", {"load_balancer_arn": _after(lb), "port": 443,
                                             "protocol": "HTTPS"}),
            _res(f"aws_wafv2_web_acl_association.w[{i}]", {"resource_arn": _after(lb),
                                                           "web_acl_arn": "arn:waf"}),
            _res(api, {"name": f"api{i}"}),
            _res(stage, {"stage_name": "prod", "rest_api_id": _after(api, "id")}),
            _res(f"aws_api_gateway_method_settings.m[{i}]", {
                "rest_api_id": _after(api, "id"), "stage_name": "prod", "method_path": "*/*",
                "settings": [{"logging_level": "INFO"}]}),
            _res(fs, {"encrypted": True}),
            _res(f"aws_efs_mount_target.t[{i}]", {"file_system_id": _after(fs, "id"),
                                                  "subnet_id": _after(subnet, "id")}),
        ]
    return out


def test_service_mappings_stay_linear() -> None:
    module = TfModule("root", _estate(400))
    start = time.process_time()
    mapped = map_module(module)
    spent = time.process_time() - start
    # subnet, function, load balancer, REST API, stage, file system per copy
    assert len(mapped.assets) == 400 * 6
    assert (mapped.joined, mapped.unjoined) == (400 * 6, 0)
    by_type = {a.type: a for a in mapped.assets}
    # every stage is named `prod`: each takes only its own API's settings
    assert len(by_type["aws.apigateway.stage"].properties["methodSettings"]) == 1
    assert by_type["aws.elb.load_balancer"].properties["AvailabilityZones"] == ["us-east-1a"]
    # a guard against quadratic joins, not a benchmark: generous for loaded CI machines
    assert spent < 5.0, f"{spent:.2f} CPU s"
