"""One reading of a workload's pod for all the workload rules, and their verdict.

`pod(asset)` gives the containers, the pod spec and the pod's securityContext together, read
once per asset (the engine judges one asset with every rule of its type in a row); the
helpers of `cloudwarden.checks.kubernetes_workload` read through it too. `verdict` takes the
container count from it. tests/checks/test_kubernetes_pod.py compares the results with
`kubernetes_workload`'s; the evidence pool in the rule's scratch is the one
`kubernetes_workload.verdict` fills.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, wraps
from types import MappingProxyType
from typing import Any, NamedTuple

from cloudwarden.core.checks import CheckContext, CheckFn, CheckResult
from cloudwarden.core.model import Asset, Evidence, Status

__all__ = ["MAX_EVIDENCE", "Pod", "as_mapping", "nested", "pod", "probe_check", "remembered",
           "verdict", "volumes"]

#: as in kubernetes_workload: evidence shown at most, distinct evidence tuples shared
MAX_EVIDENCE = 10
MAX_SHARED_EVIDENCE = 4096
#: the scratch key of kubernetes_workload's evidence pool, so both fill one pool
_POOL = "kubernetes_workload.evidence"

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_PASS, _FAIL = Status.PASS, Status.FAIL
_new = tuple.__new__


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` when it is a mapping, else an empty one (kubernetes_workload's `_dict`)."""
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


def _shared(ctx: CheckContext | None, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
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
        shown = _shared(ctx, tuple(problems[:MAX_EVIDENCE]))
        more = f" (and {count - MAX_EVIDENCE} more)" if count > MAX_EVIDENCE else ""
        paths = problems[0].path if count == 1 else ", ".join([p.path for p in problems[:3]])
        return _new(CheckResult, (_FAIL, f"{kind} {asset.name}: {what}: {paths}{more}", shown))
    if not checked:
        return _new(CheckResult, (_PASS, f"{kind} {asset.name}: no {what}",
                                  _containers_checked(len(workload.containers))))
    return _new(CheckResult, (_PASS, f"{kind} {asset.name}: no {what}",
                              _shared(ctx, tuple(checked[:MAX_EVIDENCE]))))


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
#: the scratch key of a rule's remembered verdicts, and how many distinct pods it keeps
_VERDICTS = "kubernetes_pod.verdicts"
MAX_REMEMBERED = 4096

#: The last document's values key: (document, the five values read, the key). Every
#: remembered rule of one asset asks in a row (the engine judges one asset with every rule of
#: its type before the next), so the key is made once per asset; identity with strong
#: references keeps it exact, as `pod` does, and documents are read-only during an assessment.
_last_key: tuple[Any, tuple[Any, ...], str | None] | None = None


def _values_key(props: Mapping[str, Any]) -> str | None:
    """The values of `_READ` as one exact, hashable key: their repr, which tells apart every
    type a document holds (list and tuple, 1 and 1.0 and True, dict and other mappings) and
    keeps the order of keys. None when the repr shows an object of another kind (`<...>`,
    such as an object at an address, which a later object may take): no memo then."""
    global _last_key
    get = props.get
    values = (get("Kind"), get("Containers"), get("PodSpec"), get("PodAnnotations"),
              get("Annotations"))
    last = _last_key
    if last is not None and last[0] is props:
        seen = last[1]
        if (seen[1] is values[1] and seen[2] is values[2] and seen[0] is values[0]
                and seen[3] is values[3] and seen[4] is values[4]):
            return last[2]
    text = repr(values)
    key = None if "<" in text else text
    _last_key = (props, values, key)
    return key


def remembered(check: CheckFn) -> CheckFn:
    """A workload rule's check, its verdict remembered per distinct values of the fields it
    may read (`_READ`): replicas, jobs and releases of one chart repeat the same pod, and each
    of the dozen workload rules otherwise judges every copy again.

    Only for a check whose result depends on those values, the rule's parameters and the
    asset's name alone, the name only in the message's `<Kind> <name>` head (as `verdict`
    writes it). The memo lives in the rule's scratch (one per rule and assessment, so per set
    of parameters); it keeps the verdict with the head cut off and the evidence, when the
    evidence is immutable (hashable): findings may share it, as `_shared` does. A check that
    raises is asked again every time. tests/checks/test_kubernetes_pod_checkspeed.py compares
    the rules with and without it."""

    @wraps(check)
    def remembered_check(asset: Asset, ctx: CheckContext) -> CheckResult:
        props = asset.properties
        key = _values_key(props)
        if key is None:
            return check(asset, ctx)
        scratch = ctx.scratch
        memo: dict[str, tuple[Status, str, tuple[Evidence, ...]]] | None = scratch.get(_VERDICTS)
        if memo is None:
            memo = scratch[_VERDICTS] = {}
        found = memo.get(key)
        if found is not None:
            return _new(CheckResult, (found[0], f"{props.get('Kind')} {asset.name}" + found[1],
                                      found[2]))
        result = check(asset, ctx)
        status, message, evidence = result
        head = f"{props.get('Kind')} {asset.name}"
        if len(memo) < MAX_REMEMBERED and message.startswith(head):
            try:
                hash(evidence)
            except TypeError:  # a list or a mapping in the evidence: not shared
                return result
            memo[key] = (status, message[len(head):], evidence)
        return result

    return remembered_check
