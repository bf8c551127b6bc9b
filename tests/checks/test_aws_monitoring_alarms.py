"""The alarm rules' check with shared trail gaps gives aws_monitoring.check_metric_alarm's
results, account after account and inventory after inventory."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.checks import aws_monitoring, aws_monitoring_alarms
from cloudwarden.checks.aws_monitoring import METRIC_CONTROLS
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
GROUP_ARN = "arn:aws:logs:us-east-1:{account}:log-group:trail-logs:*"


def _asset(asset_type: str, account: str, ident: str, props: dict[str, Any]) -> Asset:
    return Asset(AssetRef("aws", account, "us-east-1", asset_type, ident), ident, props)


def _trail(rng: random.Random, account: str, i: int) -> Asset:
    props: dict[str, Any] = {
        "Name": f"trail-{i}",
        "IsMultiRegionTrail": rng.choice((True, True, False)),
        "Status": rng.choice(({"IsLogging": True}, {"IsLogging": False}, None)),
        "EventSelectors": rng.choice((None, [], [{"ReadWriteType": "WriteOnly"}])),
        "CloudWatchLogsLogGroupArn": rng.choice((None, GROUP_ARN.format(account=account))),
    }
    return _asset(aws_monitoring.TRAIL, account, f"trail-{account}-{i}", props)


def _inventory(rng: random.Random) -> tuple[Inventory, list[Asset]]:
    assets: list[Asset] = []
    accounts = []
    for n in range(4):
        account = f"11112222333{n}"
        accounts.append(_asset("aws.account", account, account, {"AccountId": account}))
        assets.extend(_trail(rng, account, i) for i in range(rng.randint(0, 3)))
        if rng.random() < 0.5:
            assets.append(_asset(aws_monitoring.LOG_GROUP, account, f"lg-{account}", {
                "logGroupName": "trail-logs", "arn": GROUP_ARN.format(account=account),
                "MetricFilters": []}))
    return Inventory([*accounts, *assets]), accounts


def _outcome(judge: Any, account: Asset, ctx: CheckContext, key: str) -> Any:
    try:
        result = judge(account, ctx, key)
    except Exception as exc:  # the engine reports it as an error: it must be the same
        return (type(exc).__name__, str(exc))
    return (result.status, result.message, repr(result.evidence))


@pytest.mark.parametrize("seed", range(12))
def test_same_results_as_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(3):  # one inventory after another, as assessments follow one another
        inventory, accounts = _inventory(rng)
        ours, theirs = CheckContext(inventory, NOW), CheckContext(inventory, NOW)
        for account in accounts:
            for key in METRIC_CONTROLS:  # the engine's order: every rule of one account
                assert (_outcome(aws_monitoring_alarms.check_metric_alarm, account, ours, key)
                        == _outcome(aws_monitoring.check_metric_alarm, account, theirs, key))


def test_each_finding_has_its_own_list_of_gaps() -> None:
    account = _asset("aws.account", "111122223333", "111122223333", {})
    trail = _asset(aws_monitoring.TRAIL, "111122223333", "t", {"Name": "t"})
    ctx = CheckContext(Inventory([account, trail]), NOW)
    first = aws_monitoring_alarms.check_metric_alarm(account, ctx, "root_account_usage")
    second = aws_monitoring_alarms.check_metric_alarm(account, ctx, "vpc_changes")
    assert first.status is second.status is Status.FAIL
    assert first.evidence[1].value == second.evidence[1].value
    assert first.evidence[1].value is not second.evidence[1].value


def test_a_trail_added_to_the_inventory_is_seen() -> None:
    account = _asset("aws.account", "111122223333", "111122223333", {})
    inventory = Inventory([account])
    ctx = CheckContext(inventory, NOW)
    judge = aws_monitoring_alarms.check_metric_alarm
    assert judge(account, ctx, "vpc_changes").message.endswith("(no trails)")
    inventory.add(_asset(aws_monitoring.TRAIL, "111122223333", "t", {"Name": "t"}))
    assert "(t: not multi-region" in judge(account, ctx, "vpc_changes").message
