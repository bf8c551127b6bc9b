"""Mapping cost of the CloudFormation service mappings: listeners, WAF associations,
authorizers, routes and stages are joined through indexes and Ref lookups, never a scan of the
template per resource."""

from __future__ import annotations

import time
from pathlib import Path

from cfn_judge import load_cfn


def _template(copies: int) -> str:
    lines = ["Resources:"]
    for i in range(copies):
        lines += [
            f"  Subnet{i}:", "    Type: AWS::EC2::Subnet",
            f"    Properties: {{VpcId: vpc-1, CidrBlock: 10.0.{i % 250}.0/24, "
            "AvailabilityZone: us-east-1a}",
            f"  Lb{i}:", "    Type: AWS::ElasticLoadBalancingV2::LoadBalancer",
            f"    Properties: {{Subnets: [!Ref Subnet{i}]}}",
            f"  Listener{i}:", "    Type: AWS::ElasticLoadBalancingV2::Listener",
            f"    Properties: {{LoadBalancerArn: !Ref Lb{i}, Port: 443, Protocol: HTTPS, "
            "DefaultActions: [{Type: forward, TargetGroupArn: arn:tg}]}",
            f"  Waf{i}:", "    Type: AWS::WAFv2::WebACLAssociation",
            f"    Properties: {{ResourceArn: !Ref Lb{i}, WebACLArn: arn:waf}}",
            f"  Api{i}:", "    Type: AWS::ApiGateway::RestApi",
            f"    Properties: {{Name: api{i}}}",
            f"  Authorizer{i}:", "    Type: AWS::ApiGateway::Authorizer",
            f"    Properties: {{Name: a, RestApiId: !Ref Api{i}, Type: TOKEN}}",
            f"  Stage{i}:", "    Type: AWS::ApiGateway::Stage",
            f"    Properties: {{StageName: prod, RestApiId: !Ref Api{i}, DeploymentId: d}}",
            f"  Domain{i}:", "    Type: AWS::OpenSearchService::Domain",
            f"    Properties: {{VPCOptions: {{SubnetIds: [!Ref Subnet{i}]}}}}",
        ]
    return "\n".join(lines) + "\n"


def test_service_mappings_stay_linear(tmp_path: Path) -> None:
    text = _template(300)
    start = time.process_time()
    found = load_cfn(tmp_path, text)
    spent = time.process_time() - start
    # subnet, load balancer, REST API, stage, domain per copy
    assert len(found) == 300 * 5
    assert found["Lb299"].properties["WebACLArn"] == "arn:waf"
    assert found["Lb299"].properties["Listeners"][0]["ListenerArn"] == "${Listener299}"
    assert found["Stage299"].properties["restApiName"] == "api299"
    assert found["Domain299"].properties["VPCOptions"]["VPCId"] == "vpc-1"
    # a guard against quadratic joins, not a benchmark: generous for loaded CI machines
    assert spent < 5.0, f"{spent:.2f} CPU s"
