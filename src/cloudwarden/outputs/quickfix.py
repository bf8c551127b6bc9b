"""Fill a remediation template's `{placeholders}` with one asset's own identifiers.

A rule's CLI and Terraform fixes name the resource through placeholders: `{asset_id}`,
`{region}`, `{account}`, `{name}`, `{provider}`, `{asset_type}`, or any top-level canonical
property of the asset (`{GroupId}`, `{InstanceId}`, `{Name}`). Only `{identifier}` patterns are
touched, so JSON and HCL braces (`{ "Version": ... }`, `${var.x}`) pass through unchanged, and a
placeholder without a scalar value stays as written - filling never raises.

Values are inserted verbatim, NOT shell-quoted: a quick fix is text for a person to read and
adapt before running it, and outputs escape it for their own medium (HTML, CSV, JSON). Never
pipe a filled template to a shell: an asset name chosen by an attacker could inject commands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.core.rule import Remediation

__all__ = ["fill_placeholders", "fill_remediation", "placeholder_values", "short_id"]

# `{name}` not preceded by `$` (Terraform interpolation `${name}` is left alone).
_PLACEHOLDER = re.compile(r"(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _scalar_text(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def placeholder_values(ref: AssetRef, asset: Asset | None = None) -> dict[str, str]:
    """Every placeholder this asset can fill, by name."""
    values: dict[str, str] = {}
    properties: Mapping[str, object] = asset.properties if asset is not None else {}
    for key, value in properties.items():
        text = _scalar_text(value)
        if text is not None:
            values[key] = text
    # The built-in names win over a property of the same (lower-case) name.
    values.update(
        asset_id=ref.id,
        region=ref.region,
        account=ref.account,
        provider=ref.provider,
        asset_type=ref.type,
        name=(asset.name if asset is not None and asset.name else short_id(ref.id)),
    )
    return values


def short_id(asset_id: str) -> str:
    """The last segment of an ARN-like id: `arn:aws:s3:::bucket` -> `bucket`."""
    return re.split(r"[:/]", asset_id)[-1] or asset_id


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """Replace each known `{identifier}` in `template`; unknown ones stay as-is."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def fill_remediation(
    remediation: Remediation, ref: AssetRef, asset: Asset | None = None
) -> Remediation:
    """The remediation with every template filled for one asset."""
    values = placeholder_values(ref, asset)
    return Remediation(
        text=fill_placeholders(remediation.text, values),
        cli=fill_placeholders(remediation.cli, values),
        terraform=fill_placeholders(remediation.terraform, values),
        console=fill_placeholders(remediation.console, values),
    )
