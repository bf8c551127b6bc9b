"""Load Terraform text through the real reader, map it and judge it with the built-in rules."""

from __future__ import annotations

from pathlib import Path

from cloudwarden.core.model import Asset, Status
from cloudwarden.engine import Engine
from cloudwarden.iac.terraform.aws import map_module
from cloudwarden.iac.terraform.loader import load_tree
from cloudwarden.inventory.snapshot import Inventory


def load_tf(folder: Path, text: str) -> dict[str, Asset]:
    """The canonical assets of one `main.tf`, by resource address (and `#part`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text(text)
    [(module, errors)] = load_tree([folder])
    assert errors == []
    return {a.ref.id.split(":", 1)[1]: a for a in map_module(module).assets}


def verdicts(engine: Engine, assets: dict[str, Asset]) -> dict[tuple[str, str], Status]:
    """(rule id, address) -> status of every finding on the assets."""
    return {(f.rule_id, f.asset.id.split(":", 1)[1]): f.status
            for f in engine.assess(Inventory(assets.values()))}
