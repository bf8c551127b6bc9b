"""S3 policy helpers with None tested before the ABC isinstance check answer as before."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwarden.checks.aws_s3_policy import (
    PAB_SETTINGS,
    effective_public_access_block,
    restricting_conditions,
)


def _effective_before(bucket_pab: Any, account_pab: Any) -> dict[str, bool]:
    bucket = bucket_pab if isinstance(bucket_pab, Mapping) else {}
    account = account_pab if isinstance(account_pab, Mapping) else {}
    return {s: bucket.get(s) is True or account.get(s) is True for s in PAB_SETTINGS}


_FLAGS = st.dictionaries(st.sampled_from(PAB_SETTINGS), st.sampled_from([True, False, None, 1]))
_BLOCKS = st.one_of(st.none(), _FLAGS, _FLAGS.map(MappingProxyType),
                    st.sampled_from(["", [], 0, "x"]))


@settings(max_examples=300, deadline=None)
@given(_BLOCKS, _BLOCKS)
def test_effective_public_access_block_as_before(bucket: Any, account: Any) -> None:
    assert effective_public_access_block(bucket, account) == _effective_before(bucket, account)


_CONDITIONS = st.one_of(
    st.none(), st.sampled_from(["", [], 3]),
    st.dictionaries(st.sampled_from(["StringEquals", "IpAddress", "StringNotEquals", 1]),
                    st.one_of(st.none(), st.dictionaries(
                        st.sampled_from(["aws:SourceIp", "aws:SourceVpc", "aws:userid", "x"]),
                        st.sampled_from(["10.0.0.0/16", "0.0.0.0/0", "vpc-1", "*", ["a"]])),
                        st.just(MappingProxyType({"aws:SourceVpc": "vpc-1"}))), max_size=3))


@settings(max_examples=300, deadline=None)
@given(_CONDITIONS)
def test_restricting_conditions_read_every_shape(condition: Any) -> None:
    plain = restricting_conditions({"Condition": condition})
    proxied = restricting_conditions({"Condition": MappingProxyType(condition)}
                                     if isinstance(condition, dict) else {"Condition": condition})
    assert plain == proxied  # a mapping of another type reads as a dict does
    if condition is None or not isinstance(condition, Mapping):
        assert plain == []
