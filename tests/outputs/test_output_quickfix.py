from __future__ import annotations

import pytest

from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.core.rule import Remediation
from cloudwarden.outputs.quickfix import (
    fill_placeholders,
    fill_remediation,
    placeholder_values,
    short_id,
)

REF = AssetRef("aws", "111122223333", "eu-west-1", "aws.ec2.security_group",
               "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1")
ASSET = Asset(REF, "web", {"GroupId": "sg-1", "Name": "web-sg", "Enabled": True, "Port": 22,
                           "IpPermissions": [{"FromPort": 22}], "Missing": None})


def test_builtin_and_property_placeholders() -> None:
    values = placeholder_values(REF, ASSET)
    text = "{asset_id} {region} {account} {name} {Name} {GroupId} {Enabled} {Port} {provider}"
    assert fill_placeholders(text, values) == (
        f"{REF.id} eu-west-1 111122223333 web web-sg sg-1 true 22 aws"
    )


def test_unknown_and_non_scalar_placeholders_stay() -> None:
    values = placeholder_values(REF, ASSET)
    assert fill_placeholders("{Nope} {IpPermissions} {Missing}", values) == (
        "{Nope} {IpPermissions} {Missing}"
    )


@pytest.mark.parametrize(
    "template",
    [
        '{ "Version": "2012-10-17", "Statement": [] }',
        "resource \"x\" \"y\" {\n  a = ${var.a}\n  b = ${GroupId}\n}",
        "{{GroupId}",  # stray braces around a placeholder
        "{", "}", "{}", "{ }", "{0}", "{a.b}", "{%s}",
    ],
)
def test_braces_never_raise_and_only_identifiers_are_replaced(template: str) -> None:
    out = fill_placeholders(template, placeholder_values(REF, ASSET))
    assert out.replace("sg-1", "{GroupId}") == template


def test_terraform_interpolation_is_left_alone() -> None:
    assert fill_placeholders("${name} {name}", {"name": "web"}) == "${name} web"


def test_without_asset_uses_the_reference() -> None:
    values = placeholder_values(REF)
    assert values["name"] == "sg-1"
    assert fill_placeholders("{GroupId} {asset_id}", values) == f"{{GroupId}} {REF.id}"


def test_builtins_win_over_properties() -> None:
    asset = Asset(REF, "web", {"region": "not-this"})
    assert placeholder_values(REF, asset)["region"] == "eu-west-1"


def test_fill_remediation_fills_every_template() -> None:
    rem = Remediation(text="Fix {name}", cli="aws x --id {GroupId}",
                      terraform='id = "{GroupId}"', console="Open {Name}")
    filled = fill_remediation(rem, REF, ASSET)
    assert filled == Remediation("Fix web", "aws x --id sg-1", 'id = "sg-1"', "Open web-sg")


def test_values_are_inserted_verbatim() -> None:
    # Documented: not shell-quoted; outputs escape for their own medium.
    asset = Asset(REF, "a; rm -rf /", {})
    assert fill_placeholders("x {name}", placeholder_values(REF, asset)) == "x a; rm -rf /"


@pytest.mark.parametrize(
    ("asset_id", "short"),
    [("arn:aws:s3:::bucket", "bucket"), ("arn:aws:iam::1:role/a/b", "b"), ("plain", "plain"),
     ("ends:", "ends:")],
)
def test_short_id(asset_id: str, short: str) -> None:
    assert short_id(asset_id) == short
