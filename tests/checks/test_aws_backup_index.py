"""Backup plan coverage compiled per account and region: the same results as the reference
(`aws_backup.backup_plan_coverage`), and a cache that follows its inventory."""

from __future__ import annotations

import gc
import random
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.checks import aws_backup, aws_backup_index
from cloudwarden.checks.aws_backup import PLAN_TYPE
from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, AssetRef, Status
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ACCOUNTS = ("111122223333", "444455556666")
REGIONS = ("us-east-1", "eu-west-1")
TAG_KEYS = ("env", "backup", "team", "aws:ResourceTag/env")
TAG_VALUES = ("prod", "dev", "daily", "pay*", "payments", "", None, 1)
PATTERNS = ("*", "arn:aws:rds:*", "arn:aws:rds:us-east-1:111122223333:db:*", "arn:*:db:orders",
            "arn:aws:dynamodb:*:table/t?", "arn:aws:rds:*:db:temp-*", "[db]", "*orders*")


def _pick(rng: random.Random, *choices: Any) -> Any:
    return rng.choice(choices)


def _patterns(rng: random.Random) -> Any:
    if rng.random() < 0.9:
        return [rng.choice(PATTERNS) for _ in range(rng.randint(0, 3))]
    return _pick(rng, None, "", "*", "arn", 7, {"*": 1}, ("*",), [1, None, "*orders*"])


def _conditions(rng: random.Random) -> Any:
    if rng.random() < 0.2:
        return _pick(rng, None, [], "x", {})
    out: dict[Any, Any] = {}
    for kind in rng.sample(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
                            "NumericEquals"], rng.randint(1, 3)):
        if rng.random() < 0.05:
            out[kind] = _pick(rng, None, "", "abc", 3, {"a": 1})
            continue
        out[kind] = [
            {"ConditionKey": _pick(rng, *[f"aws:ResourceTag/{k}" for k in TAG_KEYS], "env", 3,
                                   None),
             "ConditionValue": rng.choice(TAG_VALUES)}
            if rng.random() < 0.9 else _pick(rng, "s", 1, None)
            for _ in range(rng.randint(0, 2))]
    return out


def _list_of_tags(rng: random.Random) -> Any:
    if rng.random() < 0.05:
        return _pick(rng, None, "", "ab", 5, {"a": 1})
    return [{"ConditionKey": _pick(rng, *TAG_KEYS, *TAG_KEYS, None, 1, ["x"]),
             "ConditionValue": rng.choice(TAG_VALUES)}
            if rng.random() < 0.9 else _pick(rng, "s", None)
            for _ in range(rng.randint(0, 2))]


def _selections(rng: random.Random) -> Any:
    if rng.random() < 0.1:
        return _pick(rng, None, "sel", {"a": 1}, 0, [])
    return [{"Resources": _patterns(rng), "NotResources": _patterns(rng),
             "Conditions": _conditions(rng), "ListOfTags": _list_of_tags(rng)}
            if rng.random() < 0.95 else _pick(rng, "s", None, 3)
            for _ in range(rng.randint(0, 3))]


def _scope(rng: random.Random) -> tuple[str, str]:
    return (ACCOUNTS[0] if rng.random() < 0.8 else ACCOUNTS[1],
            REGIONS[0] if rng.random() < 0.8 else REGIONS[1])


def _plan(rng: random.Random, index: int) -> Asset:
    account, region = _scope(rng)
    props: dict[str, Any] = {"BackupPlanName": _pick(rng, f"plan-{index}", None, ""),
                             "Selections": _selections(rng)}
    unknown = {"Selections": "AccessDenied"} if rng.random() < 0.05 else {}
    return Asset(AssetRef("aws", account, region, PLAN_TYPE, f"plan-{index}"), f"p{index}",
                 props, unknown=unknown)


def _subject(rng: random.Random, index: int) -> Asset:
    account, region = _scope(rng)
    tags: Any = {k: rng.choice(TAG_VALUES) for k in rng.sample(TAG_KEYS, rng.randint(0, 3))}
    if rng.random() < 0.05:
        tags = _pick(rng, None, "env=prod", ["env"])
    unknown = {"Tags": "AccessDenied"} if rng.random() < 0.03 else {}
    name = _pick(rng, "orders", "temp-db", "t1", "tx")
    return Asset(AssetRef("aws", account, region, "aws.rds.db_instance", f"db-{index}"), name,
                 {"Tags": tags}, unknown=unknown)


def _outcome(judge: Callable[..., CheckResult], asset: Asset, ctx: CheckContext) -> Any:
    arn = f"arn:aws:rds:{asset.ref.region}:{asset.ref.account}:db:{asset.name}"
    try:
        result = judge(asset, ctx, noun="instance", name=asset.name, arn=arn)
    except Exception as exc:  # the engine reports it as an error: it must be the same
        return (type(exc).__name__, str(exc))
    return (result.status, result.message, repr(result.evidence))


@pytest.mark.parametrize("seed", range(60))
def test_same_results_as_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    plans = [_plan(rng, i) for i in range(rng.randint(0, 8))]
    subjects = [_subject(rng, i) for i in range(16)]
    inventory = Inventory([*plans, *subjects])
    reference = CheckContext(inventory, NOW)
    compiled = CheckContext(inventory, NOW)
    for subject in subjects:
        assert (_outcome(aws_backup_index.backup_plan_coverage, subject, compiled)
                == _outcome(aws_backup.backup_plan_coverage, subject, reference)), subject


def _asset(asset_type: str, ident: str, props: dict[str, Any]) -> Asset:
    return Asset(AssetRef("aws", ACCOUNTS[0], REGIONS[0], asset_type, ident), ident, props)


def _all_plan(name: str) -> Asset:
    return _asset(PLAN_TYPE, name, {"BackupPlanName": name,
                                    "Selections": [{"Resources": ["*"]}]})


def _judge(asset: Asset, inventory: Any) -> CheckResult:
    return aws_backup_index.backup_plan_coverage(
        asset, CheckContext(inventory, NOW), noun="instance", name=asset.name, arn="arn:x")


def test_no_result_leaks_between_inventories() -> None:
    db = _asset("aws.rds.db_instance", "orders", {"Tags": {}})
    covered, bare = Inventory([db, _all_plan("daily")]), Inventory([db])
    assert _judge(db, covered).status is Status.PASS
    assert _judge(db, bare).status is Status.FAIL  # same account and region, other inventory
    assert _judge(db, covered).status is Status.PASS


def test_a_plan_added_to_the_inventory_is_seen() -> None:
    db = _asset("aws.rds.db_instance", "orders", {"Tags": {}})
    inventory = Inventory([db])
    ctx = CheckContext(inventory, NOW)
    judge = aws_backup_index.backup_plan_coverage
    assert judge(db, ctx, noun="instance", name="orders", arn="arn:x").status is Status.FAIL
    inventory.add(_all_plan("daily"))
    result = judge(db, ctx, noun="instance", name="orders", arn="arn:x")
    assert (result.status, result.message) == (
        Status.PASS, "instance orders is assigned to backup plan(s) daily")


class _ListView:
    """An inventory view without weak references, returning a new list on every call."""

    __slots__ = ("assets",)

    def __init__(self, assets: list[Asset]) -> None:
        self.assets = assets

    def in_account(self, asset_type: str, account: str) -> list[Asset]:
        return [a for a in self.assets if a.ref.type == asset_type and a.ref.account == account]


def test_an_inventory_view_without_weak_references() -> None:
    db = _asset("aws.rds.db_instance", "orders", {"Tags": {}})
    view = _ListView([db, _all_plan("daily")])
    assert _judge(db, view).status is Status.PASS
    view.assets.pop()
    assert _judge(db, view).status is Status.FAIL


def test_the_cache_goes_with_its_inventory() -> None:
    db = _asset("aws.rds.db_instance", "orders", {"Tags": {}})
    inventory = Inventory([db, _all_plan("daily")])
    _judge(db, inventory)
    assert inventory in aws_backup_index._BY_INVENTORY
    held = len(aws_backup_index._BY_INVENTORY)
    gone = weakref.ref(inventory)
    del inventory
    gc.collect()
    assert gone() is None
    assert len(aws_backup_index._BY_INVENTORY) <= held - 1
