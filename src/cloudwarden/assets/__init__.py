"""Canonical asset types. `default_registry()` holds every built-in type."""

from __future__ import annotations

from functools import cache

from cloudwarden.assets.schema import AssetType, AssetTypeRegistry, F

__all__ = ["AssetType", "AssetTypeRegistry", "F", "default_registry"]


@cache
def default_registry() -> AssetTypeRegistry:
    from cloudwarden.assets import (
        aws,
        aws_compute,
        aws_data,
        aws_integration,
        aws_network,
        aws_security,
        iac,
        kubernetes,
    )

    return AssetTypeRegistry((*aws.ALL, *aws_compute.ALL, *aws_data.ALL, *aws_network.ALL,
                              *aws_security.ALL, *aws_integration.ALL, *kubernetes.ALL,
                              *iac.ALL))
