"""Workload rules with their verdicts remembered (`kubernetes_pod.remembered`) judge as the same
checks asked afresh every time.

Random pods (odd shapes included) are judged in copies under other names and kinds, in a
random order, by each remembered rule and by its undecorated check (`__wrapped__`, with a
context of its own): statuses, messages, evidence and errors must agree finding by finding.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.checks.outcomes import compare_remembered

from cloudwarden.assets import default_registry
from cloudwarden.checks import kubernetes_pod, verdict_memo
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, AssetRef
from cloudwarden.inventory.snapshot import Inventory

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_ODD: tuple[Any, ...] = (None, "", "x", 0, 1, True, [], {}, [1], ("a",), 1.0)
_APPARMOR = "container.apparmor.security.beta.kubernetes.io/"


def _remembered_rules() -> list[tuple[str, dict[str, Any]]]:
    specs, _ = load_rules(known_types=default_registry().names())
    out = []
    for spec in specs:
        rule = spec.compile(now=NOW)
        if rule.check is not None and hasattr(rule.check, "__wrapped__") \
                and spec.id.startswith("kubernetes."):
            out.append((spec.id, dict(rule.params)))
    return out


_RULES = _remembered_rules()
_PARAMS: dict[str, list[dict[str, Any]]] = {
    "kubernetes.workload.image_registry_allowed": [{"allowed_registries": ["ghcr.io/acme"]},
                                                   {"allowed_registries": []}],
    "kubernetes.workload.host_ports_disallowed": [{"allowed_host_ports": [8080]}],
}


def _pick(rng: random.Random, *choices: Any) -> Any:
    return rng.choice(choices) if rng.random() < 0.85 else rng.choice(_ODD)


def _context(rng: random.Random) -> Any:
    if rng.random() < 0.15:
        return rng.choice(_ODD)
    return {"seccompProfile": {"type": _pick(rng, "RuntimeDefault", "Unconfined", None)},
            "appArmorProfile": {"type": _pick(rng, "Localhost", "Unconfined", None)},
            "runAsNonRoot": _pick(rng, True, False, None),
            "seLinuxOptions": _pick(rng, None, {"type": "spc_t"}, {"user": "u", "role": ""},
                                    {"type": "container_t"})}


def _container(rng: random.Random, i: int) -> Any:
    if rng.random() < 0.08:
        return rng.choice(_ODD)
    return {
        "name": f"c{i}",
        "containerType": _pick(rng, "container", "initContainer", None),
        "image": _pick(rng, "nginx", "nginx:latest", "ghcr.io/acme/app:1.2",
                       "registry.local:5000/x@sha256:ab", "  ", None),
        "imagePullPolicy": _pick(rng, None, "Always", "IfNotPresent"),
        "ports": _pick(rng, None, [{"hostPort": 8080}], [{"hostPort": 22}, 5],
                       [{"hostPort": [1]}]),
        "env": _pick(rng, None, [{"name": "DB_PASSWORD", "value": "hunter2"},
                                 {"name": "TOKEN_TTL_SECONDS", "value": "5"}]),
        "livenessProbe": _pick(rng, None, {"httpGet": {}}),
        "readinessProbe": _pick(rng, None, {"exec": {}}),
        "securityContext": _context(rng),
    }


def _document(rng: random.Random) -> dict[str, Any]:
    containers: Any = [_container(rng, j) for j in range(rng.randint(0, 3))]
    if rng.random() < 0.08:
        containers = rng.choice((None, ("a",), {"a": 1}, "c"))
    spec: Any = {"securityContext": _context(rng),
                 "volumes": _pick(rng, None, [{"name": "v", "hostPath": {"path": "/var/run"}}],
                                  [{"name": "w", "emptyDir": {}}, 3, {"name": "n", "nfs": {}}])}
    if rng.random() < 0.08:
        spec = rng.choice(_ODD)
    doc: dict[str, Any] = {"Kind": _pick(rng, "Deployment", "Pod", "Job"),
                           "Containers": containers, "PodSpec": spec}
    annotations = _pick(rng, None, {f"{_APPARMOR}c0": "unconfined"},
                        {f"{_APPARMOR}c0": "runtime/default", "x": 1})
    doc[rng.choice(("PodAnnotations", "Annotations"))] = annotations
    return doc


@pytest.mark.parametrize("seed", range(12))
def test_remembered_rules_judge_as_the_checks_themselves(seed: int) -> None:
    assert len(_RULES) == 13
    rng = random.Random(seed)
    templates = [_document(rng) for _ in range(6)]
    for base in list(templates):  # pods that differ in one field only
        field = rng.choice(("Containers", "PodSpec", "PodAnnotations", "Annotations"))
        variant = copy.deepcopy(base)
        variant[field] = _document(rng).get(field)
        templates.append(variant)
    assets = []
    for i in range(120):
        doc = copy.deepcopy(rng.choice(templates))
        if rng.random() < 0.2:
            doc["Kind"] = rng.choice(("Pod", "CronJob", None))
        name = rng.choice((f"w{i}", "", "x: y", f"{doc.get('Kind')}"))
        assets.append(Asset(AssetRef("kubernetes", "c1", "", "kubernetes.workload", f"w{i}"),
                            name, doc))
    specs, _ = load_rules(known_types=default_registry().names())
    by_id = {s.id: s for s in specs}
    compared = remembered = 0
    for rule_id, params in _RULES:
        for overrides in [params, *_PARAMS.get(rule_id, [])]:
            rule = by_id[rule_id].compile(now=NOW, params=overrides)
            asked, kept = compare_remembered(rule.check, rule.params, assets,
                                             kubernetes_pod._VERDICTS, rule_id)
            compared, remembered = compared + asked, remembered + kept
    assert compared >= 13 * 120
    assert 0 < remembered < compared / 2  # the memo answered for most copies


def test_a_changed_document_is_judged_again() -> None:
    rule = next(s for s in load_rules(known_types=default_registry().names())[0]
                if s.id == "kubernetes.workload.run_as_non_root").compile(now=NOW)
    assert rule.check is not None
    ctx = CheckContext(Inventory(), NOW, rule.params)
    doc: dict[str, Any] = {"Kind": "Pod", "PodSpec": {},
                           "Containers": [{"securityContext": {"runAsNonRoot": True}}]}
    asset = Asset(AssetRef("kubernetes", "c1", "", "kubernetes.workload", "w"), "w", doc)
    assert rule.check(asset, ctx).status.value == "pass"
    doc["Containers"] = [{"securityContext": {"runAsNonRoot": False}}]
    assert rule.check(asset, ctx).status.value == "fail"


class _Opaque:
    """An object whose repr names its address: never part of a key."""

    def __init__(self, flag: bool) -> None:
        self.flag = flag


def _key(props: dict[str, Any]) -> str | None:
    return verdict_memo.values_key(props, kubernetes_pod._READ)


def test_values_key_is_none_for_objects_of_other_kinds() -> None:
    assert _key({"Kind": "Pod", "Containers": [_Opaque(True)]}) is None
    first = _key({"Kind": "Pod", "Containers": [1]})
    second = _key({"Kind": "Pod", "Containers": (1,)})
    third = _key({"Kind": "Pod", "Containers": [1.0]})
    assert first is not None and len({first, second, third}) == 3


def test_the_token_rule_reads_the_spec_as_pod_does() -> None:
    rule = next(s for s in load_rules(known_types=default_registry().names())[0]
                if s.id == "kubernetes.workload.service_account_token_not_automounted"
                ).compile(now=NOW)
    assert rule.check is not None
    spec_of = rule.check.__globals__["_spec"]
    rng = random.Random(7)
    for i in range(200):
        doc = _document(rng)
        if rng.random() < 0.2:
            doc["PodSpec"] = rng.choice(_ODD)
        asset = Asset(AssetRef("kubernetes", "c1", "", "kubernetes.workload", f"w{i}"), "w", doc)
        assert spec_of(asset) == kubernetes_pod.pod(asset).spec
