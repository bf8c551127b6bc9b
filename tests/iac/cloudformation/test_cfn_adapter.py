"""The adapter: which files it claims, what a template becomes, and how bad input is reported
without stopping the others."""

from __future__ import annotations

import time
from pathlib import Path

from cloudwarden.core.model import UNRESOLVED
from cloudwarden.iac import IAC_ACCOUNT, Location
from cloudwarden.iac.cloudformation import CloudFormationAdapter, load_template

YAML_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: dev
Resources:
  # the logs
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Env}-logs-${AWS::Region}"
      VersioningConfiguration:
        Status: !If [IsProd, Enabled, Suspended]

  Queue:
    Type: AWS::SQS::Queue
Conditions:
  IsProd: !Equals [!Ref Env, prod]
"""

JSON_TEMPLATE = """\
{
  "Resources": {
    "Key": {
      "Type": "AWS::KMS::Key",
      "Properties": {"EnableKeyRotation": true}
    },
    "Topic": {"Type": "AWS::SNS::Topic"}
  }
}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_claims_templates_by_content_not_every_yaml(tmp_path: Path) -> None:
    adapter = CloudFormationAdapter()
    manifest = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    assert adapter.claims(Path("t.yaml"), YAML_TEMPLATE.encode())
    assert adapter.claims(Path("t.json"), JSON_TEMPLATE.encode())
    assert adapter.claims(Path("stack.template"), b"Resources:\n  A:\n    Type: AWS::SQS::Queue\n")
    assert not adapter.claims(Path("k8s.yaml"), manifest)
    assert not adapter.claims(Path("notes.txt"), YAML_TEMPLATE.encode())


def test_yaml_and_json_templates_become_assets_with_their_lines(tmp_path: Path) -> None:
    paths = [write(tmp_path, "app.yaml", YAML_TEMPLATE), write(tmp_path, "keys.json",
                                                               JSON_TEMPLATE)]
    loaded = CloudFormationAdapter(root=tmp_path).load(paths)
    assert loaded.errors == []
    assert loaded.files == ["app.yaml", "keys.json"]
    by_id = {a.ref.id: a for a in loaded.assets}
    assert sorted(by_id) == ["app.yaml:Logs", "app.yaml:Queue", "keys.json:Key",
                             "keys.json:Topic"]
    logs = by_id["app.yaml:Logs"]
    assert logs.ref.account == IAC_ACCOUNT and logs.type == "aws.s3.bucket"
    assert Location.parse(logs.origin) == Location("app.yaml", 8, 13)
    assert Location.parse(by_id["app.yaml:Queue"].origin) == Location("app.yaml", 15, 16)
    assert Location.parse(by_id["keys.json:Key"].origin) == Location("keys.json", 3, 6)
    # the region is not given: the name is symbolic, the versioning follows the condition
    assert logs.name == "Logs" and logs.properties["Name"] == "dev-logs-${AWS::Region}"
    assert logs.properties["Versioning"]["Status"] == "Suspended"
    assert logs.unknown["Region"].startswith(UNRESOLVED)
    assert by_id["keys.json:Key"].properties["KeyRotationEnabled"] is True


def test_parameters_and_region_given_by_the_user(tmp_path: Path) -> None:
    path = write(tmp_path, "app.yaml", YAML_TEMPLATE)
    loaded = CloudFormationAdapter(parameters={"Env": "prod"}, region="eu-west-1").load([path])
    logs = next(a for a in loaded.assets if a.type == "aws.s3.bucket")
    assert logs.name == "prod-logs-eu-west-1" and logs.ref.region == "eu-west-1"
    assert logs.properties["Arn"] == "arn:aws:s3:::prod-logs-eu-west-1"
    assert logs.properties["Versioning"]["Status"] == "Enabled"
    assert logs.properties["Region"] == "eu-west-1" and "Region" not in logs.unknown


def test_bad_files_are_errors_and_the_others_still_load(tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", YAML_TEMPLATE)
    broken = write(tmp_path, "broken.yaml", "AWSTemplateFormatVersion: x\nResources: [\n")
    binary = tmp_path / "blob.json"
    binary.write_bytes(b"{\0\0\0")
    odd = write(tmp_path, "odd.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
                "    Properties:\n      Environment: not-a-mapping\n"
                "  Ok:\n    Type: AWS::SQS::Queue\n")
    not_cfn = write(tmp_path, "other.yaml", "Resources: [AWS::S3::Bucket]\n")
    loaded = CloudFormationAdapter(root=tmp_path).load([broken, binary, good, odd, not_cfn])
    errors = {e.path: e for e in loaded.errors}
    assert sorted(errors) == ["blob.json", "broken.yaml", "odd.yaml"]
    assert "invalid YAML" in errors["broken.yaml"].message and errors["broken.yaml"].line == 3
    assert errors["blob.json"].message == "binary file"
    assert "resource Fn" in errors["odd.yaml"].message and errors["odd.yaml"].line == 2
    assert {a.ref.id for a in loaded.assets} == {"good.yaml:Logs", "good.yaml:Queue",
                                                 "odd.yaml:Ok"}
    assert errors["odd.yaml"].to_finding().status.value == "error"


def test_joined_resources_and_unresolved_values() -> None:
    text = """\
Parameters:
  Cidr: {Type: String}
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  Extra:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Sg.GroupId
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 10.0.0.0/8
  Guarded:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Cidr}]
"""
    assets, errors = load_template(text, "net.yaml")
    assert errors == []
    sg, guarded = (next(a for a in assets if a.name == n) for n in ("Sg", "Guarded"))
    # one permission per protocol and port range, as EC2 describes it
    assert sg.properties["IpPermissions"] == [{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": None},
                     {"CidrIp": "10.0.0.0/8", "Description": None}],
        "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []}]
    # EC2's default egress rule, kept because the template declares none
    assert sg.properties["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"] == "0.0.0.0/0"
    assert sg.properties["GroupId"] == "${Sg}"
    assert guarded.properties["IpPermissions"] is None
    assert guarded.unknown["IpPermissions"] == UNRESOLVED + "parameter Cidr has no value"


def test_a_thousand_resources_load_in_linear_time() -> None:
    lines = ["Resources:"]
    for i in range(250):
        lines += [f"  B{i}:", "    Type: AWS::S3::Bucket", "    Properties:",
                  f"      BucketName: b-{i}", "      VersioningConfiguration: {Status: Enabled}",
                  f"  P{i}:", "    Type: AWS::S3::BucketPolicy", "    Properties:",
                  f"      Bucket: !Ref B{i}", "      PolicyDocument:", "        Statement:",
                  f"          - {{Effect: Deny, Principal: '*', Action: 's3:*', "
                  f"Resource: !Sub '${{B{i}.Arn}}/*'}}",
                  f"  S{i}:", "    Type: AWS::EC2::SecurityGroup", "    Properties:",
                  "      GroupDescription: x",
                  "      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, "
                  "CidrIp: 0.0.0.0/0}]",
                  f"  R{i}:", "    Type: AWS::IAM::Role", "    Properties:",
                  "      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: "
                  "{Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]}"]
    text = "\n".join(lines) + "\n"
    start = time.process_time()
    assets, errors = load_template(text, "big.yaml")
    elapsed = time.process_time() - start
    assert errors == [] and len(assets) == 750
    assert all(a.properties["Policy"] for a in assets if a.type == "aws.s3.bucket")
    # a guard against quadratic joins, not a benchmark (~0.3 CPU-s on a quiet machine; the
    # figure itself is printed by benchmarks/bench_iac.py): generous for loaded CI machines
    assert elapsed < 5.0, f"{elapsed:.2f} CPU-s"
