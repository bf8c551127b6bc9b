"""Compiled message templates say exactly what `fill_template` says, for every rule's messages
over every fixture document of its asset type."""

from __future__ import annotations

from cloudwarden.assets import default_registry
from cloudwarden.core.checks import compile_template, fill_template
from cloudwarden.core.fixtures import fixture_assets, read_fixtures
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, AssetRef


def test_compiled_templates_match_fill_template() -> None:
    specs, _ = load_rules(known_types=default_registry().names())
    checked = 0
    for spec in specs:
        templates = [t for t in spec.messages if t]
        if not templates or not spec.fixtures_path.is_file():
            continue
        for fixture in read_fixtures(spec.id, spec.fixtures_path):
            subject, _ = fixture_assets(spec.meta.asset_type, fixture)
            for template in templates:
                assert compile_template(template)(subject) == fill_template(template, subject)
                checked += 1
    assert checked > 500


def test_odd_values_keep_their_placeholder() -> None:
    ref = AssetRef("aws", "1", "r", "aws.s3.bucket", "b")
    asset = Asset(ref, "b", {"A": None, "B": {"x": 1}, "C": [1], "D": 5, "E": True, "F": "f"})
    for template in ("{A}", "x {B} y", "{C}-{D}", "{E}{F}{A}", "{Missing} {F}", "{{A}}",
                     "{name} {F}", "plain", "{region}", "{account}/{asset_id}",
                     "{name} in {region} of {account}: {F}", "{F} and {D}", "{A}:{F}",
                     "{F}{F}", "x{E}y{B}z", "{name}{account}", "{F} {Missing}"):
        assert compile_template(template)(asset) == fill_template(template, asset), template
