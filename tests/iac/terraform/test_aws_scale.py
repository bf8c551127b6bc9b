"""Mapping cost: joins are indexed once per module, never a scan of the resource list per
resource, so 5,000 resources map in well under a CPU-second."""

from __future__ import annotations

import time
from typing import Any

from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.model import TfModule, TfResource, Unknown


def _res(address: str, values: dict[str, Any]) -> TfResource:
    type_, name = address.split(".")[-2:]
    return TfResource(address, type_, name.split("[")[0], "managed", values, {}, "m.tf", 1, 3,
                      "", "aws", "us-east-1")


def _estate(copies: int) -> list[TfResource]:
    out = []
    for i in range(copies):
        bucket, sg, role = f"aws_s3_bucket.b[{i}]", f"aws_security_group.sg[{i}]", \
            f"aws_iam_role.r[{i}]"
        out += [
            _res(bucket, {"bucket": f"b{i}", "tags": {"n": str(i)}}),
            _res(f"aws_s3_bucket_versioning.v[{i}]", {
                "bucket": Unknown("after apply", (bucket,)),
                "versioning_configuration": [{"status": "Enabled"}]}),
            _res(f"aws_s3_bucket_public_access_block.p[{i}]", {"bucket": f"b{i}"}),
            _res(sg, {"name": f"sg{i}", "vpc_id": "vpc-1", "ingress": [{
                "from_port": 22, "to_port": 22, "protocol": "tcp",
                "cidr_blocks": ["0.0.0.0/0"]}]}),
            _res(f"aws_security_group_rule.r[{i}]", {
                "type": "ingress", "security_group_id": Unknown("after apply", (sg,)),
                "from_port": 443, "to_port": 443, "protocol": "tcp",
                "cidr_blocks": ["10.0.0.0/8"]}),
            _res(f"aws_instance.i[{i}]", {"ami": "ami-1", "subnet_id": "subnet-1",
                                          "vpc_security_group_ids": [Unknown("x", (sg,))]}),
            _res(role, {"name": f"r{i}", "assume_role_policy": '{"Statement": []}'}),
            _res(f"aws_iam_role_policy_attachment.a[{i}]", {
                "role": f"r{i}", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            _res(f"aws_kms_key.k[{i}]", {"enable_key_rotation": True}),
            _res(f"aws_route53_record.x[{i}]", {}),
        ]
    return out


def test_five_thousand_resources_map_in_linear_time() -> None:
    module = TfModule("root", _estate(500))
    start = time.process_time()
    mapped = map_module(module)
    spent = time.process_time() - start
    # buckets, groups, instances (+ a root volume each), roles, keys
    assert len(mapped.assets) == 500 * 6
    assert (mapped.skipped, mapped.joined, mapped.unjoined) == (500, 2000, 0)
    # a guard against quadratic joins, not a benchmark (~0.07 CPU-s on a quiet machine; the
    # figure is printed by benchmarks/bench_iac.py): generous for loaded CI machines
    assert spent < 5.0, f"{spent:.2f} CPU s"
