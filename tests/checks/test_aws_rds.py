"""RDS DB instance TLS enforcement through the instance's DB parameter group (RDS.38 and the
four-engine rule share it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.checks.aws_rds import (
    GROUP_TYPE,
    default_tls_value,
    instance_requires_tls,
    parameter_value,
    tls_parameter,
)
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "111122223333"


@pytest.mark.parametrize(("engine", "expected"), [
    ("postgres", "rds.force_ssl"), ("sqlserver-ee", "rds.force_ssl"),
    ("mysql", "require_secure_transport"), ("mariadb", "require_secure_transport"),
    ("oracle-ee", None), ("", None),
])
def test_tls_parameter(engine: str, expected: str | None) -> None:
    found = tls_parameter(engine)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(("engine", "version", "expected"), [
    ("postgres", "15.2", "1"), ("postgres", "16.3", "1"), ("postgres", "14.12", "0"),
    ("postgres", "9.6.24", "0"), ("postgres", None, None), ("postgres", "beta", None),
    ("mysql", "8.0.36", None), ("sqlserver-se", "16.00", None),
])
def test_default_tls_value(engine: str, version: Any, expected: str | None) -> None:
    assert default_tls_value(engine, version) == expected


def test_parameter_value() -> None:
    params = [{"ParameterName": "a", "ParameterValue": 1}, {"ParameterName": "b"}]
    assert parameter_value(params, "a") == "1"
    assert parameter_value(params, "b") is None
    assert parameter_value(None, "a") is None


def _asset(asset_type: str, name: str, props: dict[str, Any], *,
           unknown: dict[str, str] | None = None) -> Asset:
    return Asset(AssetRef("aws", ACCOUNT, "us-east-1", asset_type, f"{asset_type}:{name}"), name,
                 props, unknown=unknown or {})


def _instance(engine: str, version: str, group: str) -> Asset:
    return _asset("aws.rds.db_instance", "db", {
        "DBInstanceIdentifier": "db", "Engine": engine, "EngineVersion": version,
        "DBParameterGroups": [{"DBParameterGroupName": group}]})


def _group(name: str, parameters: list[dict[str, str]] | None, *, default: bool = False,
           unknown: dict[str, str] | None = None) -> Asset:
    return _asset(GROUP_TYPE, name, {"DBParameterGroupName": name, "IsDefault": default,
                                     "Parameters": parameters}, unknown=unknown)


def _judge(instance: Asset, *groups: Asset) -> Status:
    ctx = CheckContext(Inventory([instance, *groups]), datetime(2026, 11, 1, tzinfo=UTC))
    return instance_requires_tls(instance, ctx).status


def test_custom_group_values() -> None:
    on = [{"ParameterName": "require_secure_transport", "ParameterValue": "ON"}]
    off = [{"ParameterName": "require_secure_transport", "ParameterValue": "0"}]
    assert _judge(_instance("mysql", "8.0.36", "g"), _group("g", on)) is Status.PASS
    assert _judge(_instance("mysql", "8.0.36", "g"), _group("g", off)) is Status.FAIL
    assert _judge(_instance("mysql", "8.0.36", "g"), _group("g", [])) is Status.FAIL


def test_default_groups_use_documented_engine_defaults_only() -> None:
    assert _judge(_instance("postgres", "15.7", "default.postgres15"),
                  _group("default.postgres15", None, default=True)) is Status.PASS
    assert _judge(_instance("postgres", "13.15", "default.postgres13"),
                  _group("default.postgres13", None, default=True)) is Status.FAIL
    assert _judge(_instance("sqlserver-se", "16.00", "default.sqlserver-se-16.0"),
                  _group("default.sqlserver-se-16.0", None, default=True)) \
        is Status.NOT_APPLICABLE


def test_unread_or_missing_group() -> None:
    assert _judge(_instance("postgres", "16.3", "g"),
                  _group("g", None, unknown={"Parameters": "AccessDenied"})) is Status.ERROR
    assert _judge(_instance("postgres", "16.3", "g")) is Status.NOT_APPLICABLE
    assert _judge(_instance("oracle-ee", "19", "g")) is Status.NOT_APPLICABLE
