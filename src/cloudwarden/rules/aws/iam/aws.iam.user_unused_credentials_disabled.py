"""Password and access keys together: each enabled credential must have been used (or set)
within the window. A never-used credential ages from when it was set or created."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cloudwarden.checks.aws_iam_policy import as_list, days_since
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def _idle_days(last_used: Any, *set_at: Any, now: datetime) -> float | None:
    """Days since last use, else since the credential was set; None when nothing is known."""
    for when in (last_used, *set_at):
        days = days_since(when, now)
        if days is not None:
            return days
    return None


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    doc = asset.properties
    limit = float(ctx.params.get("max_unused_days", 90))
    stale: list[Evidence] = []
    stale_names: list[str] = []
    checked: list[Evidence] = []
    if doc.get("PasswordEnabled") is True:
        idle = _idle_days(doc.get("PasswordLastUsed"), doc.get("PasswordLastChanged"),
                          doc.get("CreateDate"), now=ctx.now)
        ev = Evidence("PasswordLastUsed", doc.get("PasswordLastUsed"),
                      f"used within {limit:g} days")
        if idle is None or idle > limit:
            stale.append(ev)
            stale_names.append("console password")
        else:
            checked.append(ev)
    for i, key in enumerate(as_list(doc.get("AccessKeys"))):
        if not isinstance(key, Mapping) or key.get("Status") != "Active":
            continue
        idle = _idle_days(key.get("LastUsedDate"), key.get("CreateDate"), now=ctx.now)
        ev = Evidence(f"AccessKeys[{i}].LastUsedDate", key.get("LastUsedDate"),
                      f"used within {limit:g} days")
        if idle is None or idle > limit:
            stale.append(ev)
            stale_names.append(f"access key {key.get('AccessKeyId')}")
        else:
            checked.append(ev)
    name = doc.get("UserName")
    if stale:
        return CheckResult.failed(f"IAM user {name} has credentials unused for over {limit:g} "
                                  f"days: {', '.join(stale_names)}", *stale)
    if not checked:
        return CheckResult.passed(f"IAM user {name} has no enabled password or active key",
                                  Evidence("PasswordEnabled", doc.get("PasswordEnabled")),
                                  Evidence("AccessKeys", len(as_list(doc.get("AccessKeys")))))
    return CheckResult.passed(f"every enabled credential of IAM user {name} is in use", *checked)
