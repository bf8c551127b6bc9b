"""Resource type -> the mapping that turns it into canonical assets.

An explicit registry: adding a type is one line here. Types that only add to another asset
(`AWS::S3::BucketPolicy` to its bucket, `AWS::EC2::SecurityGroupIngress` to its group) have no
entry: the owner's mapping joins them.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation import s3
from cloudwarden.iac.cloudformation.stack import Resource, Stack

__all__ = ["MAPPERS", "Mapper"]

Mapper = Callable[[Resource, Stack], list[Asset]]


def _one(fn: Callable[[Resource, Stack], Asset]) -> Mapper:
    return lambda res, stack: [fn(res, stack)]


MAPPERS: dict[str, Mapper] = {
    "AWS::S3::Bucket": _one(s3.map_bucket),
}
