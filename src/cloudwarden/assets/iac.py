"""Asset types that exist only in code: Dockerfile stages, files scanned for secrets.

Filled by the Dockerfile and secrets adapters (`cloudwarden.iac.dockerfile`,
`cloudwarden.iac.secrets`)."""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType

ALL: tuple[AssetType, ...] = ()
