"""Rule fixtures: the pass / fail / not_applicable examples that live beside every rule.

```yaml
pass:
  - name: what this example shows
    properties: {...}          # the canonical document of the asset under test
    account: "111122223333"     # optional; region and name likewise
    related:                    # optional other assets, for cross-resource rules
      - {type: aws.cloudtrail.trail, properties: {...}, account: ..., region: ...}
fail: [...]
not_applicable: [...]
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cloudwarden.core.model import Asset, AssetRef, Status

__all__ = ["Fixture", "fixture_assets", "read_fixtures"]

DEFAULT_ACCOUNT = "111122223333"
DEFAULT_REGION = "us-east-1"
_EXPECT = {"pass": Status.PASS, "fail": Status.FAIL, "not_applicable": Status.NOT_APPLICABLE}


@dataclass(frozen=True)
class Fixture:
    rule_id: str
    expected: Status
    name: str
    data: Mapping[str, Any]


def read_fixtures(rule_id: str, path: Path) -> Iterator[Fixture]:
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: fixtures must be a mapping of pass/fail/not_applicable")
    unknown = set(raw) - set(_EXPECT)
    if unknown:
        raise ValueError(f"{path}: unknown fixture sections {sorted(unknown)}")
    for section, status in _EXPECT.items():
        for i, item in enumerate(raw.get(section) or []):
            if not isinstance(item, dict) or "properties" not in item:
                raise ValueError(f"{path}: {section}[{i}] needs `properties`")
            yield Fixture(rule_id, status, str(item.get("name", f"{section}-{i}")), item)


def _asset(asset_type: str, item: Mapping[str, Any], index: int) -> Asset:
    account = str(item.get("account", DEFAULT_ACCOUNT))
    region = str(item.get("region", DEFAULT_REGION))
    name = str(item.get("name", f"{asset_type}-{index}"))
    props = item.get("properties") or {}
    provider = asset_type.split(".")[0]
    ref = AssetRef(provider, account, region, asset_type, str(item.get("id", f"{name}-{index}")))
    return Asset(ref, name, props, dict(props.get("Tags") or {}), origin="fixture")


def fixture_assets(asset_type: str, fixture: Fixture) -> tuple[Asset, list[Asset]]:
    """The asset under test and the related assets of a fixture."""
    subject = _asset(asset_type, fixture.data, 0)
    related = [
        _asset(str(r["type"]), r, i + 1) for i, r in enumerate(fixture.data.get("related") or [])
    ]
    return subject, related
