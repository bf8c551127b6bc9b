"""The one-reading workload helpers agree with kubernetes_workload's, on random pods."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from cloudwarden.checks import kubernetes_pod, kubernetes_workload
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.model import Asset, AssetRef, Evidence
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_ODD = (None, "", "x", 0, 1, True, [], {}, [1], ("a",))


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 2 and roll < 0.3:
        return {rng.choice(("type", "seccompProfile", "user", "role")): _value(rng, depth + 1)
                for _ in range(rng.randint(0, 2))}
    return rng.choice((*_ODD, "RuntimeDefault", "Localhost", "Unconfined"))


def _context(rng: random.Random) -> Any:
    if rng.random() < 0.2:
        return rng.choice(_ODD)
    return {"seccompProfile": _value(rng), "appArmorProfile": _value(rng),
            "runAsNonRoot": rng.choice((True, False, None, "yes"))}


def _container(rng: random.Random, i: int) -> Any:
    if rng.random() < 0.1:
        return rng.choice(_ODD)
    return {"name": f"c{i}", "containerType": rng.choice(("container", "initContainer", None)),
            "securityContext": _context(rng),
            "livenessProbe": rng.choice((None, {"httpGet": {}}, 0, ""))}


def _asset(rng: random.Random, i: int) -> Asset:
    containers: Any = [_container(rng, j) for j in range(rng.randint(0, 4))]
    if rng.random() < 0.1:
        containers = rng.choice((None, (), {"a": 1}, "c"))
    spec: Any = {"securityContext": _context(rng),
                 "volumes": rng.choice((None, [], [{"name": "v"}, 3, {"hostPath": {}}], "v"))}
    if rng.random() < 0.1:
        spec = rng.choice(_ODD)
    props = {"Kind": rng.choice(("Deployment", "Pod", None)), "Containers": containers,
             "PodSpec": spec}
    return Asset(AssetRef("kubernetes", "c1", "", "kubernetes.workload", f"w{i}"), f"w{i}",
                 props)


@pytest.mark.parametrize("seed", range(20))
def test_readings_agree(seed: int) -> None:
    rng = random.Random(seed)
    for i in range(30):
        asset = _asset(rng, i)
        workload = kubernetes_pod.pod(asset)
        assert workload.containers == kubernetes_workload.containers(asset)
        assert workload.spec == kubernetes_workload.pod_spec(asset)
        assert workload.security_context == kubernetes_workload.pod_security_context(asset)
        assert kubernetes_pod.volumes(workload) == kubernetes_workload.volumes(asset)
        for _, container in workload.containers:
            context = container.get("securityContext")
            for first in ("seccompProfile", "appArmorProfile"):
                assert (kubernetes_pod.nested(context, first, "type")
                        == kubernetes_workload.field_at(
                            kubernetes_workload.security_context(container), f"{first}.type"))


def _problems(rng: random.Random) -> list[Evidence]:
    return [Evidence(f"Containers[{i}].x", rng.choice((1, "v", None, [1])), "e")
            for i in range(rng.choice((0, 0, 1, 2, 3, 12)))]


@pytest.mark.parametrize("seed", range(20))
def test_verdicts_agree(seed: int) -> None:
    rng = random.Random(seed)
    inventory = Inventory()
    for i in range(30):
        asset = _asset(rng, i)
        problems, checked = _problems(rng), _problems(rng)
        with_ctx = rng.random() < 0.7
        ours = kubernetes_pod.verdict(asset, kubernetes_pod.pod(asset), problems, "thing",
                                      checked, CheckContext(inventory, NOW) if with_ctx else None)
        theirs = kubernetes_workload.verdict(asset, problems, "thing", checked,
                                             CheckContext(inventory, NOW) if with_ctx else None)
        assert ours == theirs
        for probe in ("livenessProbe", "readinessProbe"):
            assert (kubernetes_pod.probe_check(asset, probe)
                    == kubernetes_workload.probe_check(asset, probe))


def test_equal_evidence_is_shared_within_a_rule() -> None:
    ctx = CheckContext(Inventory(), NOW)
    asset = _asset(random.Random(1), 1)
    checked = [Evidence("Containers[0].image", "a:1", "pinned")]
    first = kubernetes_pod.verdict(asset, kubernetes_pod.pod(asset), [], "x", checked, ctx)
    second = kubernetes_pod.verdict(asset, kubernetes_pod.pod(asset), [], "x", list(checked),
                                    ctx)
    assert first.evidence is second.evidence


def test_a_replaced_container_list_is_read_again() -> None:
    props: dict[str, Any] = {"Kind": "Pod", "Containers": [{"name": "a"}], "PodSpec": {}}
    asset = Asset(AssetRef("kubernetes", "c1", "", "kubernetes.workload", "w"), "w", props)
    assert [c["name"] for _, c in kubernetes_pod.pod(asset).containers] == ["a"]
    props["Containers"] = [{"name": "b"}, {"name": "c"}]
    assert [c["name"] for _, c in kubernetes_pod.pod(asset).containers] == ["b", "c"]
