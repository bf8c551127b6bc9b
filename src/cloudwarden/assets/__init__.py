"""Canonical asset types. `default_registry()` holds every built-in type."""

from __future__ import annotations

from functools import cache

from cloudwarden.assets.schema import AssetType, AssetTypeRegistry, F

__all__ = ["AssetType", "AssetTypeRegistry", "F", "default_registry"]


@cache
def default_registry() -> AssetTypeRegistry:
    from cloudwarden.assets import aws

    return AssetTypeRegistry(aws.ALL)
