"""Cross-resource: an RDS instance refuses clear-text connections when the DB parameter group
it uses forces TLS. The group is joined by name among the aws.rds.db_parameter_group assets of
the instance's account and region; default groups are not read by the collector, so they, and
groups missing from the inventory, cannot be judged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

_GROUP_TYPE = "aws.rds.db_parameter_group"
#: engine prefix -> (parameter that forces TLS, values that turn it on)
_TLS_PARAMETER: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("postgres", "rds.force_ssl", frozenset({"1"})),
    ("sqlserver", "rds.force_ssl", frozenset({"1"})),
    ("mysql", "require_secure_transport", frozenset({"1", "on", "true"})),
    ("mariadb", "require_secure_transport", frozenset({"1", "on", "true"})),
)


def _tls_parameter(engine: str) -> tuple[str, frozenset[str]] | None:
    for prefix, name, values in _TLS_PARAMETER:
        if engine.startswith(prefix):
            return name, values
    return None


def _value(parameters: Any, name: str) -> str | None:
    for p in parameters if isinstance(parameters, list) else []:
        if isinstance(p, Mapping) and p.get("ParameterName") == name:
            value = p.get("ParameterValue")
            return None if value is None else str(value)
    return None


def _group(asset: Asset, ctx: CheckContext, name: str) -> Asset | None:
    account, region = asset.ref.account, asset.ref.region
    for group in ctx.inventory.find_in_account(_GROUP_TYPE, account,
                                                   "DBParameterGroupName", name):
        if group.ref.account == account and group.ref.region == region:
            return group
    return None


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    instance = doc.get("DBInstanceIdentifier") or asset.name
    engine = str(doc.get("Engine") or "")
    wanted = _tls_parameter(engine)
    if wanted is None:
        return CheckResult.not_applicable(f"engine {engine or 'unknown'} of instance {instance} "
                                          "has no TLS-forcing DB parameter")
    param, on_values = wanted
    names = [str(g["DBParameterGroupName"]) for g in doc.get("DBParameterGroups") or []
             if isinstance(g, Mapping) and g.get("DBParameterGroupName")]
    if not names:
        return CheckResult.not_applicable(f"instance {instance} lists no DB parameter group")
    name = names[0]  # an instance has exactly one DB parameter group
    group = _group(asset, ctx, name)
    if group is None:
        return CheckResult.not_applicable(
            f"parameter group {name} of instance {instance} is not in the inventory")
    if "Parameters" in group.unknown:
        return CheckResult(Status.ERROR, f"could not assess: Parameters of parameter group {name} "
                           f"were not collected ({group.unknown['Parameters']})")
    parameters = group.properties.get("Parameters")
    if group.properties.get("IsDefault") is True or parameters is None:
        return CheckResult.not_applicable(
            f"instance {instance} uses the default parameter group {name}, whose parameters are "
            f"not collected; {param} keeps the engine default (on by default for RDS for "
            "PostgreSQL 15 and later, off otherwise) - use a custom group to enforce it")
    value = _value(parameters, param)
    evidence = Evidence(f"parameter_group:{name}.Parameters.{param}", value,
                        " or ".join(sorted(on_values)))
    if value is not None and value.strip().lower() in on_values:
        return CheckResult.passed(
            f"instance {instance} uses parameter group {name}, which sets {param}={value}",
            evidence)
    shown = "is not set" if value is None else f"is {value}"
    return CheckResult.failed(
        f"instance {instance} accepts unencrypted connections: {param} {shown} in its "
        f"parameter group {name}", evidence)
