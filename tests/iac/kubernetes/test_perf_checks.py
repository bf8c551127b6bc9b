"""What keeps the workload checks cheap without changing a verdict: what is derived once per
asset, evidence shared between findings, and plain manifests kept on the fast YAML path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cloudwarden.assets.kubernetes import object_assets
from cloudwarden.checks import kubernetes_workload as kw
from cloudwarden.core.checks import CheckContext
from cloudwarden.core.loader import load_rules
from cloudwarden.core.model import Asset, AssetRef, Evidence, Status
from cloudwarden.engine import Engine
from cloudwarden.iac import kubernetes as k8s
from cloudwarden.iac import yaml_source as source
from cloudwarden.iac.kubernetes import KubernetesManifestAdapter
from cloudwarden.inventory.snapshot import Inventory

RULES = Path(k8s.__file__).parents[1] / "rules" / "kubernetes" / "workload"


def _workload(name: str, containers: list[dict[str, Any]],
              pod_context: dict[str, Any] | None = None) -> Asset:
    spec: dict[str, Any] = {"containers": containers}
    if pod_context is not None:
        spec["securityContext"] = pod_context
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "ns"},
           "spec": spec}
    (asset,) = object_assets(obj, account="iac", origin=f"{name}.yaml:1-9")
    return asset


def _ctx() -> CheckContext:
    return CheckContext(Inventory([]), datetime.now(UTC))


def test_equal_evidence_is_one_tuple_for_a_rules_findings() -> None:
    ctx = _ctx()
    checked = [kw.Problem("Containers[0].image", "ghcr.io/acme/app:1", "a version tag")]
    first = kw.verdict(_workload("a", [{"name": "c"}]), [], "problem", list(checked), ctx=ctx)
    second = kw.verdict(_workload("b", [{"name": "c"}]), [], "problem", list(checked), ctx=ctx)
    assert first.evidence == second.evidence == tuple(checked)
    assert first.evidence is second.evidence
    assert first.message == "Pod a: no problem" and second.message == "Pod b: no problem"
    # another rule (another context) keeps its own, and without a context nothing is shared
    assert kw.verdict(_workload("c", [{"name": "c"}]), [], "problem", list(checked),
                      ctx=_ctx()).evidence is not first.evidence
    assert kw.verdict(_workload("d", [{"name": "c"}]), [], "problem",
                      list(checked)).evidence is not first.evidence


def test_a_pass_with_nothing_to_show_counts_the_containers() -> None:
    one = kw.verdict(_workload("a", [{"name": "c"}]), [], "problem")
    two = kw.verdict(_workload("b", [{"name": "c"}, {"name": "d"}]), [], "problem")
    assert one.evidence == (Evidence("Containers", 1, "containers checked"),)
    assert two.evidence == (Evidence("Containers", 2, "containers checked"),)
    assert kw.verdict(_workload("c", [{"name": "e"}]), [], "problem").evidence is one.evidence


def test_unhashable_evidence_values_are_kept_as_they_are() -> None:
    ctx = _ctx()
    problem = kw.Problem("Containers[0].securityContext", {"privileged": True}, "unset")
    result = kw.verdict(_workload("a", [{"name": "c"}]), [problem], "problem", ctx=ctx)
    assert result.status is Status.FAIL
    assert result.evidence == (Evidence("Containers[0].securityContext", {"privileged": True},
                                        "unset"),)


def test_the_derived_workload_follows_the_asset() -> None:
    one = _workload("a", [{"name": "x"}], {"runAsNonRoot": True})
    two = _workload("b", [{"name": "y"}, {"name": "z"}])
    assert [c["name"] for _, c in kw.containers(one)] == ["x"]
    assert [c["name"] for _, c in kw.containers(two)] == ["y", "z"]
    assert kw.pod_security_context(one) == {"runAsNonRoot": True}
    assert kw.pod_security_context(two) == {}
    # same properties, a replaced container list: derived again
    props = dict(one.properties)
    same = Asset(one.ref, one.name, props, origin=one.origin)
    assert [c["name"] for _, c in kw.containers(same)] == ["x"]
    props["Containers"] = [{"name": "w", "containerType": "container"}]
    assert [c["name"] for _, c in kw.containers(same)] == ["w"]


@pytest.mark.parametrize(("context", "dotted", "expected"), [
    ({"seccompProfile": {"type": "RuntimeDefault"}}, "seccompProfile.type", "RuntimeDefault"),
    ({"seccompProfile": None}, "seccompProfile.type", None),
    ({"seccompProfile": "RuntimeDefault"}, "seccompProfile.type", None),
    ({}, "runAsNonRoot", None),
    ({"runAsNonRoot": False}, "runAsNonRoot", False),
])
def test_field_at(context: dict[str, Any], dotted: str, expected: Any) -> None:
    assert kw.field_at(context, dotted) == expected


def test_findings_of_many_equal_workloads_share_their_evidence() -> None:
    specs, _ = load_rules([RULES])
    probe = [s for s in specs if s.id == "kubernetes.workload.image_tag_pinned"]
    assets = [_workload(f"w{i}", [{"name": "app", "image": "ghcr.io/acme/app:1.2"}])
              for i in range(3)]
    findings = list(Engine(probe).assess(Inventory(assets)))
    assert [f.status for f in findings] == [Status.PASS] * 3
    assert findings[0].evidence is findings[1].evidence is findings[2].evidence
    assert {f.message for f in findings} == {f"Pod w{i}: no image on latest or without a tag"
                                             for i in range(3)}


def test_plain_manifests_never_take_the_reference_path(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A regression guard on speed: anchors and aliases included, plain manifests are built
    from the parser's events; only tags and the like go through the node-based loader."""
    calls: list[str] = []
    reference = source.load_documents

    def counted(text: str, **kwargs: Any) -> Any:
        calls.append(text)
        return reference(text, **kwargs)

    monkeypatch.setattr(source, "load_documents", counted)
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
        "    spec:\n      containers:\n      - name: a\n        securityContext: &sc\n"
        "          runAsNonRoot: true\n      - name: b\n        securityContext: *sc\n"
        "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n"
        "  metadata: {name: sa}\n---\napiVersion: v1\nkind: ConfigMap\ndata: {a: !!str 1}\n")
    loaded = KubernetesManifestAdapter(root=tmp_path).load([tmp_path / "app.yaml"])
    assert loaded.errors == []
    assert sorted(a.ref.id for a in loaded.assets) == [
        "app.yaml:Deployment/default/web", "app.yaml:ServiceAccount/default/sa"]
    assert calls == ["---\napiVersion: v1\nkind: ConfigMap\ndata: {a: !!str 1}\n"]


def test_an_asset_ref_is_what_the_cache_does_not_look_at() -> None:
    """Two assets with equal documents but different refs: each finding names its own."""
    a = _workload("same", [{"name": "c"}])
    b = Asset(AssetRef("kubernetes", "other", "ns", "kubernetes.workload", "Pod/ns/same"),
              a.name, a.properties, origin="x")
    specs, _ = load_rules([RULES])
    rule = [s for s in specs if s.id == "kubernetes.workload.run_as_non_root"]
    findings = list(Engine(rule).assess(Inventory([a, b])))
    assert sorted(f.asset.account for f in findings) == ["iac", "other"]
