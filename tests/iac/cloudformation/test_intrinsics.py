"""Intrinsic functions: what the template fixes is computed, the rest is never guessed."""

from __future__ import annotations

from typing import Any

import pytest

from cloudwarden.iac.cloudformation.intrinsics import NO_VALUE, Evaluator, Unresolved
from cloudwarden.iac.cloudformation.template import parse_template

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
  Owner: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "a, b"}
  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/ami}
Mappings:
  Sizes:
    prod: {Type: m5.large}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  HasOwner: !Not [!Equals [!Ref Owner, ""]]
  Either: !Or [!Condition IsProd, !Condition HasOwner]
  Both: !And [!Condition IsDev, !Condition HasOwner]
Resources:
  Logs:
    Type: AWS::S3::Bucket
  Named:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "${Env}-named"}
"""


@pytest.fixture
def ev() -> Evaluator:
    template = parse_template(TEMPLATE, "t.yaml")
    assert template is not None
    return Evaluator(template)


def value(ev: Evaluator, expr: Any) -> Any:
    return ev.value(expr)


def test_parameters_defaults_user_values_and_lists() -> None:
    template = parse_template(TEMPLATE, "t.yaml")
    assert template is not None
    ev = Evaluator(template, {"Env": "dev", "Owner": "ops"})
    assert ev.value({"Ref": "Env"}) == "dev"
    assert ev.value({"Ref": "Owner"}) == "ops"
    assert ev.value({"Ref": "Subnets"}) == ["a", "b"]
    assert ev.condition("IsDev") is True


def test_a_parameter_without_value_and_ssm_types_stay_open(ev: Evaluator) -> None:
    owner = ev.value({"Ref": "Owner"})
    assert isinstance(owner, Unresolved) and owner.external and "no value" in owner.reason
    ami = ev.value({"Ref": "Ami"})  # the default names the SSM parameter, not the AMI
    assert isinstance(ami, Unresolved) and "SSM" in ami.reason


def test_conditions_three_valued(ev: Evaluator) -> None:
    assert ev.condition("IsProd") is True
    assert ev.condition("IsDev") is False
    assert ev.condition("HasOwner") is None
    assert ev.condition("Either") is True  # one true operand decides an Or
    assert ev.condition("Both") is False  # one false operand decides an And
    assert ev.condition("Nope") is None


def test_if_follows_its_condition_or_stays_open(ev: Evaluator) -> None:
    assert value(ev, {"Fn::If": ["IsProd", "a", "b"]}) == "a"
    assert value(ev, {"Fn::If": ["IsDev", "a", {"Ref": "AWS::NoValue"}]}) is NO_VALUE
    assert value(ev, {"K": {"Fn::If": ["IsDev", "a", {"Ref": "AWS::NoValue"}]}}) == {}
    open_ = value(ev, {"Fn::If": ["HasOwner", {"Ref": "Logs"}, "b"]})
    assert isinstance(open_, Unresolved) and open_.refs == ("Logs",)
    assert "HasOwner" in open_.reason


def test_sub_join_select_split_findinmap(ev: Evaluator) -> None:
    assert value(ev, {"Fn::Sub": "${Env}-${!Literal}"}) == "prod-${Literal}"
    assert value(ev, {"Fn::Sub": ["${A}/${Env}", {"A": "x"}]}) == "x/prod"
    assert value(ev, {"Fn::Join": ["-", ["a", {"Ref": "Env"}, 1]]}) == "a-prod-1"
    assert value(ev, {"Fn::Select": ["1", {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert value(ev, {"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Type"]}) == "m5.large"
    missing = value(ev, {"Fn::FindInMap": ["Sizes", "dev", "Type"]})
    assert isinstance(missing, Unresolved)
    assert value(ev, {"Fn::FindInMap": ["Sizes", "dev", "Type", {"DefaultValue": "t3"}]}) == "t3"
    assert value(ev, {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}) == ["10.0.0.0/24", "10.0.1.0/24"]
    assert value(ev, {"Fn::Base64": "hi"}) == "aGk="
    assert value(ev, {"Ref": "AWS::Partition"}) == "aws"


def test_resource_references_keep_the_logical_id_and_a_symbolic_text(ev: Evaluator) -> None:
    ref = value(ev, {"Ref": "Logs"})
    assert isinstance(ref, Unresolved) and ref.refs == ("Logs",) and ref.text == "${Logs}"
    arn = value(ev, {"Fn::Sub": "${Logs.Arn}/*"})
    assert isinstance(arn, Unresolved) and arn.text == "arn:aws:s3:::${Logs}/*"
    joined = value(ev, {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Logs"}, "/*"]]})
    assert isinstance(joined, Unresolved) and joined.text == "arn:aws:s3:::${Logs}/*"
    att = value(ev, {"Fn::GetAtt": ["Logs", "DomainName"]})
    assert isinstance(att, Unresolved) and att.text == "${Logs.DomainName}"
    # a bucket's literal name fixes its Ref and ARN
    assert value(ev, {"Ref": "Named"}) == "prod-named"
    assert value(ev, {"Fn::GetAtt": "Named.Arn"}) == "arn:aws:s3:::prod-named"


def test_deploy_time_values_are_unresolved(ev: Evaluator) -> None:
    for expr in ({"Ref": "AWS::AccountId"}, {"Fn::GetAZs": ""}, {"Fn::ImportValue": "x"},
                 {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {"Fn::Made::Up": 1}):
        assert isinstance(value(ev, expr), Unresolved), expr
    region = Evaluator(ev.template, pseudo={"AWS::Region": "cn-north-1"})
    assert region.value({"Ref": "AWS::Partition"}) == "aws-cn"
    assert region.value({"Fn::Sub": "${AWS::Region}"}) == "cn-north-1"


def test_a_condition_cycle_is_unknown_not_a_crash() -> None:
    template = parse_template(
        "Conditions:\n  A: !Condition B\n  B: !Condition A\n"
        "Resources:\n  Q: {Type: 'AWS::SQS::Queue'}\n", "t.yaml")
    assert template is not None
    assert Evaluator(template).condition("A") is None
