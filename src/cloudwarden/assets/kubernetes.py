"""Kubernetes asset types (filled below) and the conversion of an API object to its asset."""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType

ALL: tuple[AssetType, ...] = ()
