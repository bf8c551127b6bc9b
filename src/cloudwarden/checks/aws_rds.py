"""RDS DB instance settings read through the instance's DB parameter group.

The group is joined by name among the `aws.rds.db_parameter_group` assets of the instance's
account and region. The collector does not read the parameters of default groups; for those,
only engine defaults that AWS documents are used (RDS for PostgreSQL turns `rds.force_ssl` on by
default from major version 15), anything else is not applicable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["GROUP_TYPE", "TLS_PARAMETERS", "default_tls_value", "instance_parameter_group",
           "instance_requires_tls", "parameter_value", "tls_parameter"]

GROUP_TYPE = "aws.rds.db_parameter_group"
#: engine prefix -> (parameter that forces TLS, values that turn it on)
TLS_PARAMETERS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("postgres", "rds.force_ssl", frozenset({"1"})),
    ("sqlserver", "rds.force_ssl", frozenset({"1"})),
    ("mysql", "require_secure_transport", frozenset({"1", "on", "true"})),
    ("mariadb", "require_secure_transport", frozenset({"1", "on", "true"})),
)
_MAJOR = re.compile(r"^\s*(\d+)")
#: RDS for PostgreSQL: rds.force_ssl defaults to 1 from this major version on
_POSTGRES_FORCE_SSL_DEFAULT_FROM = 15


def tls_parameter(engine: str) -> tuple[str, frozenset[str]] | None:
    """(parameter name, values that turn it on) forcing TLS for `engine`, None when it has none."""
    for prefix, name, values in TLS_PARAMETERS:
        if engine.startswith(prefix):
            return name, values
    return None


def parameter_value(parameters: Any, name: str) -> str | None:
    """The value of parameter `name` in a collected `Parameters` list, None when absent."""
    for p in parameters if isinstance(parameters, list) else []:
        if isinstance(p, Mapping) and p.get("ParameterName") == name:
            value = p.get("ParameterValue")
            return None if value is None else str(value)
    return None


def default_tls_value(engine: str, version: Any) -> str | None:
    """The documented default of the TLS-forcing parameter in a default parameter group of
    `engine` at `version`, None when we do not know it."""
    if engine != "postgres" or not isinstance(version, str):
        return None
    found = _MAJOR.match(version)
    if found is None:
        return None
    return "1" if int(found.group(1)) >= _POSTGRES_FORCE_SSL_DEFAULT_FROM else "0"


def instance_parameter_group(asset: Asset, ctx: CheckContext, name: str) -> Asset | None:
    """The DB parameter group `name` of the instance's account and region, if collected."""
    account, region = asset.ref.account, asset.ref.region
    for group in ctx.inventory.find_in_account(GROUP_TYPE, account, "DBParameterGroupName", name):
        if group.ref.account == account and group.ref.region == region:
            return group
    return None


def _judge(instance: str, where: str, param: str, value: str | None,
           on_values: frozenset[str]) -> CheckResult:
    evidence = Evidence(f"{where}.{param}", value, " or ".join(sorted(on_values)))
    if value is not None and value.strip().lower() in on_values:
        return CheckResult.passed(f"instance {instance} uses {where}, which sets {param}={value}",
                                  evidence)
    shown = "is not set" if value is None else f"is {value}"
    return CheckResult.failed(
        f"instance {instance} accepts unencrypted connections: {param} {shown} in {where}",
        evidence)


def instance_requires_tls(asset: Asset, ctx: CheckContext) -> CheckResult:
    """Whether the DB parameter group of an RDS DB instance forces TLS for client connections:
    rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = ON (MySQL,
    MariaDB)."""
    doc = asset.properties
    instance = doc.get("DBInstanceIdentifier") or asset.name
    engine = str(doc.get("Engine") or "")
    wanted = tls_parameter(engine)
    if wanted is None:
        return CheckResult.not_applicable(f"engine {engine or 'unknown'} of instance {instance} "
                                          "has no TLS-forcing DB parameter")
    param, on_values = wanted
    names = [str(g["DBParameterGroupName"]) for g in doc.get("DBParameterGroups") or []
             if isinstance(g, Mapping) and g.get("DBParameterGroupName")]
    if not names:
        return CheckResult.not_applicable(f"instance {instance} lists no DB parameter group")
    name = names[0]  # an instance has exactly one DB parameter group
    group = instance_parameter_group(asset, ctx, name)
    if group is None:
        return CheckResult.not_applicable(
            f"parameter group {name} of instance {instance} is not in the inventory")
    if "Parameters" in group.unknown:
        return CheckResult(Status.ERROR, f"could not assess: Parameters of parameter group {name} "
                           f"were not collected ({group.unknown['Parameters']})")
    parameters = group.properties.get("Parameters")
    if group.properties.get("IsDefault") is True or parameters is None:
        default = default_tls_value(engine, doc.get("EngineVersion"))
        if default is not None:
            return _judge(str(instance), f"the default parameter group {name} (engine "
                          f"{engine} {doc.get('EngineVersion')} default)", param, default,
                          on_values)
        return CheckResult.not_applicable(
            f"instance {instance} uses the default parameter group {name}, whose parameters are "
            f"not collected; {param} keeps the engine default - use a custom group to enforce it")
    return _judge(str(instance), f"parameter group {name}", param,
                  parameter_value(parameters, param), on_values)
