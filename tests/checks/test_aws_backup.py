"""AWS Backup selection matching and plan coverage (shared by DynamoDB.4 and RDS.26)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.checks.aws_backup import PLAN_TYPE, backup_plan_coverage, covering_plans, selects
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "111122223333"
DB_ARN = f"arn:aws:rds:us-east-1:{ACCOUNT}:db:orders"


def _selection(**fields: Any) -> dict[str, Any]:
    return {"SelectionName": "s", "Resources": [], "NotResources": [], "ListOfTags": [],
            "Conditions": None, **fields}


def _asset(asset_type: str, name: str, props: dict[str, Any], *, region: str = "us-east-1",
           unknown: dict[str, str] | None = None) -> Asset:
    return Asset(AssetRef("aws", ACCOUNT, region, asset_type, f"{asset_type}:{name}"), name,
                 props, unknown=unknown or {})


def _plan(name: str, selections: list[dict[str, Any]] | None, *, region: str = "us-east-1",
          unknown: dict[str, str] | None = None) -> Asset:
    return _asset(PLAN_TYPE, name, {"BackupPlanName": name, "Selections": selections},
                  region=region, unknown=unknown)


@pytest.mark.parametrize(("selection", "tags", "expected"), [
    (_selection(Resources=["*"]), {}, True),
    (_selection(Resources=[f"arn:aws:rds:us-east-1:{ACCOUNT}:db:*"]), {}, True),
    (_selection(Resources=[f"arn:aws:rds:us-east-1:{ACCOUNT}:db:order"]), {}, False),
    (_selection(Resources=["*"], NotResources=[DB_ARN]), {}, False),
    (_selection(ListOfTags=[{"ConditionKey": "backup", "ConditionValue": "daily"}]),
     {"backup": "daily"}, True),
    (_selection(ListOfTags=[{"ConditionKey": "backup", "ConditionValue": "daily"}]),
     {"backup": "weekly"}, False),
    # NotResources wins over a matching tag
    (_selection(ListOfTags=[{"ConditionKey": "backup", "ConditionValue": "daily"}],
                NotResources=["arn:aws:rds:*"]), {"backup": "daily"}, False),
    (_selection(Resources=["*"], Conditions={
        "StringLike": [{"ConditionKey": "aws:ResourceTag/team", "ConditionValue": "pay*"}]}),
     {"team": "payments"}, True),
    (_selection(Resources=["*"], Conditions={
        "StringNotEquals": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "dev"}]}),
     {"env": "dev"}, False),
    (_selection(Resources=["*"], Conditions={
        "StringNotLike": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "te*"}]}),
     {}, True),
    # an operator we do not know never assigns
    (_selection(Resources=["*"], Conditions={
        "NumericEquals": [{"ConditionKey": "aws:ResourceTag/n", "ConditionValue": "1"}]}),
     {"n": "1"}, False),
])
def test_selects(selection: dict[str, Any], tags: dict[str, str], expected: bool) -> None:
    assert selects(selection, DB_ARN, tags) is expected


def test_covering_plans_reports_unread_plans_apart() -> None:
    plans = [_plan("b-all", [_selection(Resources=["*"])]), _plan("unread", None),
             _plan("a-all", [_selection(Resources=["*"])]), _plan("none", [])]
    assert covering_plans(plans, DB_ARN, {}) == (["a-all", "b-all"], ["unread"])


def _coverage(subject: Asset, *plans: Asset) -> tuple[Status, str]:
    ctx = CheckContext(Inventory([subject, *plans]), datetime(2026, 11, 1, tzinfo=UTC))
    result = backup_plan_coverage(subject, ctx, noun="instance", name="orders", arn=DB_ARN)
    return result.status, result.message


def test_coverage_outcomes() -> None:
    db = _asset("aws.rds.db_instance", "orders", {"Tags": {"backup": "daily"}})
    by_tag = _plan("tagged", [_selection(
        ListOfTags=[{"ConditionKey": "backup", "ConditionValue": "daily"}])])
    assert _coverage(db, by_tag)[0] is Status.PASS
    status, message = _coverage(db)
    assert status is Status.FAIL and "no AWS Backup plan of us-east-1" in message
    assert _coverage(db, _plan("unread", None))[0] is Status.ERROR
    assert _coverage(db, _plan("unread", [], unknown={"Selections": "AccessDenied"}))[0] \
        is Status.ERROR
    # a plan of another region does not protect the instance
    assert _coverage(db, _plan("eu", [_selection(Resources=["*"])], region="eu-west-1"))[0] \
        is Status.FAIL


def test_coverage_error_when_tags_unknown() -> None:
    db = _asset("aws.rds.db_instance", "orders", {"Tags": None},
                unknown={"Tags": "ListTagsForResource: AccessDenied"})
    status, message = _coverage(db, _plan("all", [_selection(Resources=["*"])]))
    assert status is Status.ERROR and "AccessDenied" in message
