"""Linking alerts to the inventory: the resources an alert names become asset keys.

Log records name what they act on in the API's words: an ARN where the service gives one
(CloudTrail `resources`), otherwise a bare identifier from the request (a bucket name, an
instance id, a user name, a key id). The index knows each asset by its id (an ARN on AWS), its
name, and the last part of its ARN, so either way leads to the asset. A bare name that several
assets share (a user and a role both called `deploy`) is narrowed to the accounts of the
alert's evidence; what stays ambiguous is linked to every candidate rather than guessed to one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from cloudwarden.core.events import Alert
from cloudwarden.core.model import Asset

__all__ = ["ResourceIndex", "link_alerts"]

#: most assets one bare name may link to; beyond, the name is too common to mean anything
MAX_CANDIDATES = 8

_ARN_TAIL = re.compile(r"[:/]([^:/]+)$")


def _names(asset: Asset) -> set[str]:
    names = {asset.ref.id, asset.name}
    tail = _ARN_TAIL.search(asset.ref.id)
    if tail:
        names.add(tail.group(1))
    return {n for n in names if n}


class ResourceIndex:
    """Assets by every identifier a log record may use for them."""

    def __init__(self, assets: Iterable[Asset]) -> None:
        #: id -> (account, key): an ARN names one asset, but other ids (a Kubernetes
        #: `Deployment/ns/name`) recur in every cluster
        self._exact: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._size = 0
        for asset in assets:
            key = asset.ref.key
            self._size += 1
            self._exact[asset.ref.id].append((asset.ref.account, key))
            for name in _names(asset):
                self._by_name[name].append((asset.ref.account, key))

    def __len__(self) -> int:
        return self._size

    def lookup(self, resource: str, accounts: frozenset[str] = frozenset()) -> list[str]:
        """The asset keys `resource` (an ARN or a bare identifier) names."""
        candidates = self._exact.get(resource) or self._by_name.get(resource, [])
        if accounts:
            narrowed = [c for c in candidates if c[0] in accounts]
            candidates = narrowed or candidates
        if len(candidates) > MAX_CANDIDATES:
            return []
        return sorted({key for _, key in candidates})


def link_alerts(alerts: Iterable[Alert], index: ResourceIndex) -> list[Alert]:
    """The alerts with `assets` set to the inventory assets their resources name."""
    out: list[Alert] = []
    for alert in alerts:
        accounts = frozenset(e.account for e in alert.evidence if e.account)
        keys: dict[str, None] = dict.fromkeys(alert.assets)
        for resource in alert.resources:
            keys.update(dict.fromkeys(index.lookup(resource, accounts)))
        out.append(replace(alert, assets=tuple(keys)) if len(keys) != len(alert.assets)
                   else alert)
    return out
