"""Canonical document shapes of AWS security asset types, declared once (see `aws.py` for the
conventions: AWS API field names, ISO-8601 UTC timestamps, parsed policies, null when absent)."""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType

ALL: tuple[AssetType, ...] = ()
