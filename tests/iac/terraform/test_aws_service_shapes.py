"""Every asset the Terraform and CloudFormation service mappings make has exactly the
top-level fields of its canonical shape: what the collectors fill, a rule may read."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation import CloudFormationAdapter
from cloudwarden.iac.terraform.adapter import TerraformAdapter

GOLDEN = Path(__file__).parents[1] / "golden"
TERRAFORM = ("lambda_ecr_eks", "load_balancers", "cloudfront", "data_stores", "api_gateway")
CLOUDFORMATION = ("load_balancers", "cloudfront", "data_stores", "api_gateway")


def _top_level(asset_type: str) -> set[str]:
    fields = default_registry()[asset_type].fields
    return {name for name in fields if "." not in name and "[" not in name}


def _check(assets: list[Asset]) -> set[str]:
    assert assets
    for asset in assets:
        assert set(asset.properties) == _top_level(asset.type), asset.ref.id
        # an unresolved field is null in the document and says why
        assert all(asset.properties[name] is None for name in asset.unknown), asset.ref.id
    return {a.type for a in assets}


@pytest.mark.parametrize("case", TERRAFORM)
def test_terraform_assets_have_the_canonical_fields(case: str) -> None:
    folder = GOLDEN / "terraform" / case
    adapter = TerraformAdapter()
    files = [p for p in folder.iterdir() if adapter.claims(p, p.read_bytes()[:4096])]
    _check(adapter.load(files).assets)


@pytest.mark.parametrize("case", CLOUDFORMATION)
def test_cloudformation_assets_have_the_canonical_fields(case: str) -> None:
    folder = GOLDEN / "cloudformation" / case
    adapter = CloudFormationAdapter(root=folder)
    _check(adapter.load([p for p in folder.iterdir() if p.name != "expected.yaml"]).assets)
