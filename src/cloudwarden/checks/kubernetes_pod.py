"""One reading of a workload's pod for all the workload rules, and their verdict.

`pod(asset)` gives the containers, the pod spec and the pod's securityContext together, read
once per asset (the engine judges one asset with every rule of its type in a row); the
helpers of `cloudwarden.checks.kubernetes_workload` read through it too. `verdict` takes the
container count from it. tests/checks/test_kubernetes_pod.py compares the results with
`kubernetes_workload`'s; the evidence pool in the rule's scratch is the one
`kubernetes_workload.verdict` fills.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from cloudwarden.checks import verdict_memo
from cloudwarden.core.checks import CheckContext, CheckFn, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["MAX_EVIDENCE", "Pod", "as_mapping", "nested", "pod", "probe_check", "remembered",
           "shared_evidence", "verdict", "volumes"]

#: as in kubernetes_workload: evidence shown at most, distinct evidence tuples shared
MAX_EVIDENCE = 10
MAX_SHARED_EVIDENCE = 4096
#: the scratch key of kubernetes_workload's evidence pool, so both fill one pool
_POOL = "kubernetes_workload.evidence"

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_PASS, _FAIL = Status.PASS, Status.FAIL
_new = tuple.__new__


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` when it is a mapping, else an empty one (both workload helper modules use it)."""
    # exact dicts and None first: an ABC isinstance check costs ten times more
    if type(value) is dict:
        return value
    if value is None or not isinstance(value, Mapping):
        return _EMPTY
    return value


def nested(value: Any, first: str, second: str) -> Any:
    """`value[first][second]` through mappings only, None where one is missing
    (kubernetes_workload.field_at for a two-part path)."""
    if type(value) is not dict and (value is None or not isinstance(value, Mapping)):
        return None
    value = value.get(first)
    if type(value) is not dict and (value is None or not isinstance(value, Mapping)):
        return None
    return value.get(second)


class Pod(NamedTuple):
    """What the workload rules read first, derived once per asset."""

    properties: Mapping[str, Any]
    items: Any  # the `Containers` and `PodSpec` read, to tell a replaced one
    raw_spec: Any
    #: (index in `Containers`, container) of every container mapping
    containers: list[tuple[int, Mapping[str, Any]]]
    spec: Mapping[str, Any]
    security_context: Mapping[str, Any]  # the pod's own


#: The pod last read. The engine judges one asset with every rule of its type in a row, so
#: one entry serves them all; it is checked by identity (with strong references, so no id is
#: reused) and replaced whole, and a miss only reads again: results never depend on it.
_last: Pod | None = None


def pod(asset: Asset) -> Pod:
    global _last
    props = asset.properties
    items, raw_spec = props.get("Containers"), props.get("PodSpec")
    last = _last
    if last is not None and last.properties is props and last.items is items \
            and last.raw_spec is raw_spec:
        return last
    found = [(i, c) for i, c in enumerate(items if type(items) is list else ())
             if type(c) is dict or isinstance(c, Mapping)]
    spec = as_mapping(raw_spec)
    last = _last = Pod(props, items, raw_spec, found, spec,
                       as_mapping(spec.get("securityContext")))
    return last


def volumes(workload: Pod) -> list[tuple[int, Mapping[str, Any]]]:
    """(index, volume) of each volume mapping of the pod spec (kubernetes_workload.volumes)."""
    items = workload.spec.get("volumes")
    if not items:
        return []
    return [(i, v) for i, v in enumerate(items if isinstance(items, list) else [])
            if isinstance(v, Mapping)]


def shared_evidence(ctx: CheckContext | None,
                    evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """`evidence`, or an equal tuple already in a finding of the same rule: thousands of
    workloads pass with the same evidence, and one tuple for them all is that much less for
    the memory and the garbage collector to hold and walk. Immutable and equal: no finding
    can tell the difference. Used by both workload helper modules (one pool per rule)."""
    if ctx is None:
        return evidence
    scratch = ctx.scratch
    pool: dict[tuple[Evidence, ...], tuple[Evidence, ...]] | None = scratch.get(_POOL)
    if pool is None:
        pool = scratch[_POOL] = {}
    try:
        found = pool.get(evidence)
        if found is not None:
            return found
        if len(pool) < MAX_SHARED_EVIDENCE:
            pool[evidence] = evidence
    except TypeError:  # an unhashable value (a list or a mapping) is kept as it is
        pass
    return evidence


@lru_cache(maxsize=64)
def _containers_checked(count: int) -> tuple[Evidence, ...]:
    """The evidence of a pass with nothing more to show: one tuple per container count."""
    return (Evidence("Containers", count, "containers checked"),)


def verdict(asset: Asset, workload: Pod, problems: list[Evidence], what: str,
            checked: list[Evidence] | tuple[Evidence, ...] = (),
            ctx: CheckContext | None = None) -> CheckResult:
    """kubernetes_workload.verdict for a list of problems and the workload's reading: failed
    with one piece of evidence per problem, else passed with what was checked (or the number
    of containers checked)."""
    kind = asset.properties.get("Kind")
    if problems:
        count = len(problems)
        shown = shared_evidence(ctx, tuple(problems[:MAX_EVIDENCE]))
        more = f" (and {count - MAX_EVIDENCE} more)" if count > MAX_EVIDENCE else ""
        paths = problems[0].path if count == 1 else ", ".join([p.path for p in problems[:3]])
        return _new(CheckResult, (_FAIL, f"{kind} {asset.name}: {what}: {paths}{more}", shown))
    if not checked:
        return _new(CheckResult, (_PASS, f"{kind} {asset.name}: no {what}",
                                  _containers_checked(len(workload.containers))))
    return _new(CheckResult, (_PASS, f"{kind} {asset.name}: no {what}",
                              shared_evidence(ctx, tuple(checked[:MAX_EVIDENCE]))))


def probe_check(asset: Asset, probe: str, ctx: CheckContext | None = None) -> CheckResult:
    """Regular containers (init and ephemeral ones take no probes) without `probe`
    (kubernetes_workload.probe_check)."""
    workload = pod(asset)
    problems: list[Evidence] = []
    checked: list[Evidence] = []
    for i, container in workload.containers:
        if container.get("containerType", "container") != "container":
            continue
        if container.get(probe) is not None:
            checked.append(Evidence(f"Containers[{i}].{probe}", True, "defined"))
        else:
            problems.append(Evidence(f"Containers[{i}].{probe}", False, "defined"))
    return verdict(asset, workload, problems, f"container without a {probe}", checked, ctx)


# -- verdicts remembered per distinct pod ------------------------------------------------------

#: every field a remembered rule may read (`pod`, `kubernetes_workload.pod_annotations` and the
#: Kind of the message); the asset's name is the one other thing its result shows
_READ = ("Kind", "Containers", "PodSpec", "PodAnnotations", "Annotations")
#: the scratch key of a rule's remembered verdicts
_VERDICTS = "kubernetes_pod.verdicts"


def _name(asset: Asset) -> str:
    return asset.name


#: A workload rule's check with its verdict remembered per distinct values of the fields it may
#: read (`_READ`): replicas, jobs and releases of one chart repeat the same pod, and each of the
#: dozen workload rules otherwise judges every copy again. Only for a check whose result
#: depends on those values, the rule's parameters and the asset's name, the name only in the
#: `<Kind> <name>` that `verdict` begins with (see `verdict_memo.remembered`).
#: tests/checks/test_kubernetes_pod_checkspeed.py compares the rules with and without it.
remembered: Callable[[CheckFn], CheckFn] = verdict_memo.remembered(_READ, _name, _VERDICTS)
