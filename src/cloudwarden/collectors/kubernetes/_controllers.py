"""Objects whose controller is collected are the controller's business.

A Deployment's ReplicaSets and their pods, a CronJob's Jobs and their pods, a DaemonSet's or
StatefulSet's pods all share the controller's pod template: judging each replica repeats the
controller's findings hundreds of times. An object is dropped only when its *controlling*
owner (ownerReferences with `controller: true`) was itself collected, matched by uid - so a
pod of a custom controller, of a controller whose list failed, or one that outlived its
controller is still judged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from cloudwarden.collectors.kubernetes._listing import Collected

__all__ = ["OWNED_BY", "drop_controlled"]

#: kind -> the controller kinds that make it redundant
OWNED_BY: dict[str, frozenset[str]] = {
    "Pod": frozenset({"ReplicaSet", "Job", "DaemonSet", "StatefulSet",
                      "ReplicationController"}),
    "ReplicaSet": frozenset({"Deployment"}),
    "Job": frozenset({"CronJob"}),
}


def _controller(obj: dict[str, Any]) -> tuple[str, str] | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller"):
            return str(ref.get("kind") or ""), str(ref.get("uid") or "")
    return None


def drop_controlled(objects: Iterable[Collected]) -> tuple[list[Collected], Counter[str]]:
    """The objects to judge, and per kind how many were left to their collected controller.

    Dropping is transitive through the collected chain: a pod of a ReplicaSet of a
    Deployment is dropped because its ReplicaSet was collected (whether or not that
    ReplicaSet is itself then left to the Deployment)."""
    items = list(objects)
    uids: dict[str, set[str]] = {}
    for item in items:
        uid = (item.obj.get("metadata") or {}).get("uid")
        if uid:
            uids.setdefault(str(item.obj.get("kind")), set()).add(str(uid))
    kept: list[Collected] = []
    dropped: Counter[str] = Counter()
    for item in items:
        kind = str(item.obj.get("kind"))
        owner = _controller(item.obj) if kind in OWNED_BY else None
        if owner is not None and owner[0] in OWNED_BY[kind] and owner[1] in uids.get(owner[0],
                                                                                     set()):
            dropped[kind] += 1
            continue
        kept.append(item)
    return kept, dropped
