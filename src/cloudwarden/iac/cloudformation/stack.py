"""An evaluated template (a "stack") and the document builder every mapping uses.

A mapping turns one `Resource` into one canonical asset through a `Doc`: each top-level field
is set from evaluated values; a field holding a value only the deployment knows is null and
listed in `Asset.unknown` with a reason starting with `UNRESOLVED`, so rules reading it report
not applicable rather than a false pass or fail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudwarden.core.model import UNRESOLVED, Asset
from cloudwarden.iac import iac_ref
from cloudwarden.iac.cloudformation.intrinsics import Unresolved, find_unresolved

__all__ = ["AFTER_DEPLOY", "Doc", "Resource", "Stack", "as_bool", "as_int", "symbolic"]

#: The reason of fields that only exist once the resource does (ids, dates, runtime state).
AFTER_DEPLOY = "known only after deploy"


@dataclass(slots=True)
class Resource:
    """A resource that the stack creates, its properties evaluated."""

    logical_id: str
    type: str
    props: dict[str, Any]
    start_line: int
    end_line: int

    def ref_text(self, attr: str = "") -> str:
        """The symbolic value of `Ref` (or `GetAtt attr`) of this resource."""
        return f"${{{self.logical_id}.{attr}}}" if attr else f"${{{self.logical_id}}}"


@dataclass(slots=True)
class Stack:
    """Every created resource of one template, for joins between them."""

    path: str
    region: str = ""
    partition: str = "aws"
    resources: dict[str, Resource] = field(default_factory=dict)
    _by_type: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    #: (types, property) -> logical id or name -> resources whose property may name it
    _index: dict[tuple[tuple[str, ...], str], dict[str, list[Resource]]] = field(
        default_factory=dict)

    def add(self, resource: Resource) -> None:
        self.resources[resource.logical_id] = resource
        self._by_type[resource.type].append(resource)
        self._index.clear()

    def of_type(self, *types: str) -> Iterator[Resource]:
        for t in types:
            yield from self._by_type.get(t, ())

    def refers_to(self, value: Any, target: Resource, *name_props: str) -> bool:
        """Whether `value` names `target`: a `Ref`/`GetAtt` of it, or its literal physical
        name (one of `name_props`), or the ARN built from that name."""
        if isinstance(value, Unresolved):
            return target.logical_id in value.refs
        if isinstance(value, list):
            return any(self.refers_to(v, target, *name_props) for v in value)
        if not isinstance(value, str) or not value:
            return False
        for prop in name_props:
            name = target.props.get(prop)
            if isinstance(name, str) and name and (value == name or value.endswith(
                    (f":{name}", f"/{name}"))):
                return True
        return False

    def referrers(self, target: Resource, types: tuple[str, ...], prop: str,
                  *name_props: str) -> list[Resource]:
        """Resources of `types` whose `prop` names `target` (through an index built once per
        type and property: joins stay linear on large templates)."""
        index = self._index.get((types, prop))
        if index is None:
            index = self._index[(types, prop)] = self._build_index(types, prop)
        keys = [target.logical_id] + [n for p in name_props
                                      if isinstance(n := target.props.get(p), str) and n]
        seen: dict[int, Resource] = {}
        for key in keys:
            for r in index.get(key, ()):
                seen.setdefault(id(r), r)
        return [r for r in seen.values()
                if self.refers_to(r.props.get(prop), target, *name_props)]

    def _build_index(self, types: tuple[str, ...], prop: str) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = defaultdict(list)
        for r in self.of_type(*types):
            for key in _index_keys(r.props.get(prop)):
                index[key].append(r)
        return index


def _index_keys(value: Any) -> set[str]:
    """The logical ids and names a property value may name (`refers_to` decides)."""
    if isinstance(value, Unresolved):
        return set(value.refs)
    if isinstance(value, list):
        return {k for v in value for k in _index_keys(v)}
    if isinstance(value, str):
        return {value, value.rsplit(":", 1)[-1], value.rsplit("/", 1)[-1]}
    return set()


_NOT_SYMBOLIC = object()


def symbolic(value: Any, *, strict: frozenset[str] = frozenset()) -> Any:
    """`value` with each `Unresolved` replaced by its symbolic text (`${Logs.Arn}`), or
    `_NOT_SYMBOLIC` when one has none. Below a key of `strict` (`Effect`, `Action`, ...) any
    unresolved value, and below `Principal` one from outside the stack, is not symbolic."""
    if isinstance(value, Unresolved):
        return value.text if value.text is not None else _NOT_SYMBOLIC
    if isinstance(value, list):
        out = [symbolic(v, strict=strict) for v in value]
        return _NOT_SYMBOLIC if any(v is _NOT_SYMBOLIC for v in out) else out
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        for k, v in value.items():
            if k in strict and find_unresolved(v) is not None:
                return _NOT_SYMBOLIC
            if k in ("Principal", "NotPrincipal") and _external(v):
                return _NOT_SYMBOLIC
            sv = symbolic(v, strict=strict)
            if sv is _NOT_SYMBOLIC:
                return _NOT_SYMBOLIC
            result[k] = sv
        return result
    return value


def _external(value: Any) -> bool:
    bad = find_unresolved(value)
    if bad is None:
        return False
    if bad.external:
        return True
    if isinstance(value, dict):
        return any(_external(v) for v in value.values())
    if isinstance(value, list):
        return any(_external(v) for v in value)
    return False


#: Policy keys whose value must be known for a policy to be judged.
POLICY_STRICT = frozenset({"Effect", "Action", "NotAction"})


def as_bool(value: Any) -> Any:
    """CloudFormation takes booleans as YAML booleans or as the text true/false."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def as_int(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def tags_of(value: Any) -> Any:
    """`Tags: [{Key, Value}]` (or a plain mapping, as SAM and a few types take) -> a dict."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = [(t.get("Key"), t.get("Value")) for t in value if isinstance(t, Mapping)]
    else:
        return value
    out: dict[Any, Any] = {}
    for key, val in pairs:
        if key is None:
            continue
        out[key] = "" if val is None else val if isinstance(val, Unresolved) else str(
            as_bool(val) if isinstance(val, bool) else val)
    return out


class Doc:
    """The canonical document of one asset being built."""

    def __init__(self, resource: Resource, stack: Stack) -> None:
        self.resource = resource
        self.stack = stack
        self.props: dict[str, Any] = {}
        self.unknown: dict[str, str] = {}

    def set(self, name: str, value: Any, *, symbolic_ok: bool = False,
            strict: frozenset[str] = frozenset()) -> None:
        """Set a top-level field. With `symbolic_ok`, references to resources and pseudo
        parameters are kept in `${...}` form (for ids, ARNs and policy documents)."""
        bad = find_unresolved(value)
        if bad is None:
            self.props[name] = value
            return
        if symbolic_ok:
            text = symbolic(value, strict=strict)
            if text is not _NOT_SYMBOLIC:
                self.props[name] = text
                return
        self.open(name, bad.reason)

    def open(self, name: str, reason: str = AFTER_DEPLOY) -> None:
        """A field the template leaves open."""
        self.props[name] = None
        self.unknown[name] = UNRESOLVED + reason

    def after_deploy(self, *names: str) -> None:
        for name in names:
            self.open(name)

    def ref(self, name: str, attr: str = "") -> None:
        """An id or ARN the deployment assigns, kept as `${Logical.Attr}`."""
        self.props[name] = self.resource.ref_text(attr)

    def asset(self, type_: str, name_prop: str | None = None) -> Asset:
        name = self.resource.props.get(name_prop) if name_prop else None
        tags = self.props.get("Tags")
        return Asset(
            ref=iac_ref("aws", type_, f"{self.stack.path}:{self.resource.logical_id}",
                        self.stack.region),
            name=name if isinstance(name, str) and name else self.resource.logical_id,
            properties=self.props,
            tags={str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {},
            origin=f"{self.stack.path}:{self.resource.start_line}-{self.resource.end_line}",
            unknown=self.unknown,
        )

    def tags(self, value: Any, field_name: str = "Tags") -> None:
        self.set(field_name, tags_of(value), symbolic_ok=True)
