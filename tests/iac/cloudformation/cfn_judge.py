"""Load a template through the real CloudFormation adapter and judge it with the rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cloudwarden.assets import default_registry
from cloudwarden.core.loader import builtin_rules_dir, load_rules
from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.cloudformation import CloudFormationAdapter
from cloudwarden.inventory.snapshot import Inventory


@cache
def aws_engine() -> Engine:
    """The built-in AWS rules, compiled once per test session."""
    specs, _ = load_rules([builtin_rules_dir() / "aws"], known_types=default_registry().names())
    return Engine(specs)


def load_cfn(folder: Path, text: str) -> dict[str, Asset]:
    """The canonical assets of one template, by logical id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "template.yaml"
    path.write_text(text)
    loaded = CloudFormationAdapter(root=folder).load([path])
    assert loaded.errors == []
    return {a.ref.id.rpartition(":")[2]: a for a in loaded.assets}


def verdicts(assets: dict[str, Asset]) -> dict[tuple[str, str], Status]:
    """(rule id, logical id) -> status of every finding the built-in rules give the assets."""
    return {(f.rule_id, f.asset.id.rpartition(":")[2]): f.status
            for f in aws_engine().assess(Inventory(assets.values()))}
