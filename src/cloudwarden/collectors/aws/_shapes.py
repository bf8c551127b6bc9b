"""Pure helpers shared by the normalize_* functions: timestamps, tags, policies, assets."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from cloudwarden.core.model import Asset, AssetRef

__all__ = ["ORIGIN", "iso", "make_asset", "pick", "policy_doc", "tag_dict"]

ORIGIN = "aws:api"


def iso(value: object) -> str | None:
    """ISO-8601 text in UTC for a datetime or timestamp text; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return str(value)


def tag_dict(tags: Iterable[Mapping[str, Any]] | Mapping[str, Any] | None) -> dict[str, str]:
    """AWS tag lists come as [{Key, Value}] (or [{TagKey, TagValue}] in KMS) -> a plain dict."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags:
        key = tag.get("Key", tag.get("TagKey", tag.get("key")))
        value = tag.get("Value", tag.get("TagValue", tag.get("value", "")))
        if key is not None:
            out[str(key)] = "" if value is None else str(value)
    return out


def policy_doc(value: Any) -> Any:
    """A policy as parsed JSON: boto3 decodes IAM documents itself, other APIs return text
    (IAM's raw form is URL-encoded JSON). Unparseable text is kept as text, never guessed."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    for text in (value, urllib.parse.unquote(value)):
        try:
            return json.loads(text)
        except ValueError:
            continue
    return value


def pick(raw: Mapping[str, Any] | None, *keys: str) -> dict[str, Any] | None:
    """The given keys of `raw` (missing ones as None); None when `raw` is None."""
    if raw is None:
        return None
    return {k: raw.get(k) for k in keys}


def make_asset(account: str, region: str, type_: str, id_: str, name: str,
               doc: dict[str, Any], unknown: Mapping[str, str] | None = None) -> Asset:
    """`unknown`: top-level fields of `doc` whose collection failed -> reason."""
    return Asset(
        ref=AssetRef("aws", account, region, type_, id_),
        name=name or id_,
        properties=doc,
        tags=dict(doc.get("Tags") or {}),
        origin=ORIGIN,
        unknown=dict(unknown) if unknown else {},
    )


def name_tag(tags: Mapping[str, str], default: str) -> str:
    return tags.get("Name") or default
