"""YAML documents with line numbers, safe against hostile input.

Kubernetes manifests and CloudFormation templates are YAML written by anyone. PyYAML's safe
loader builds no objects, but a "billion laughs" document (aliases of aliases) still expands to
billions of nodes for whoever walks the result, and deep nesting overflows the stack. Here every
document's *expanded* size is measured on the node graph before it is built (linear in its
distinct nodes), and both cases become a clear `IacInputError`.

Mappings come back as `YamlMap`, a dict that knows the line range it was written on, so assets
can carry a `file:start-end` origin. `make_loader` lets an adapter add its own tags (the
CloudFormation short forms `!Ref`, `!Sub`, ...).

`read_documents` is the fast way to the same values for plain data (no tags, anchors or
merge keys: nearly every Kubernetes manifest), built from the parser's events without nodes
or constructors, with `load_documents` taking over the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import yaml

from cloudwarden.iac import IacInputError

__all__ = ["MAX_NODES", "YamlMap", "load_documents", "make_loader", "read_documents"]

#: The most nodes one document may expand to (aliases counted as often as they are used).
MAX_NODES = 2_000_000


class YamlMap(dict[Any, Any]):
    """A mapping with the 1-based, inclusive line range it spans in its file."""

    __slots__ = ("end_line", "start_line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_line = 0
        self.end_line = 0


def _end_line(node: yaml.Node) -> int:
    """The last line holding part of `node`. A block collection's own end mark is where the
    next token starts (the next sibling key), so its end is that of its last value."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value \
            and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    mark = node.end_mark
    return mark.line if mark.column == 0 and mark.line > node.start_mark.line else mark.line + 1


#: libyaml's parser where PyYAML has it (several times faster; same safe constructors, same
#: marks), else the pure-Python one
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    def construct_yaml_map_with_lines(self, node: yaml.MappingNode) -> Iterator[YamlMap]:
        data = YamlMap()
        data.start_line = node.start_mark.line + 1
        data.end_line = _end_line(node)
        yield data
        data.update(self.construct_mapping(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map_with_lines)

Constructor = Callable[[yaml.SafeLoader, yaml.Node], Any]


def make_loader(tags: dict[str, Constructor]) -> Any:
    """A loader class with extra tag constructors on top of the line-aware safe loader."""
    loader: Any = type("_TaggedLoader", (_Loader,), {})
    for tag, fn in tags.items():
        loader.add_constructor(tag, fn)
    return loader


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes `root` expands to, counting shared (aliased) nodes each time they are used."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            sizes[key] = -1  # in progress: a cycle reaches it again
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        total = 1
        for c in children:
            size = sizes.get(id(c), 1)
            if size < 0:
                raise IacInputError("recursive YAML alias", node.start_mark.line + 1)
            total += size
        if total > limit:
            raise IacInputError(
                f"document expands to more than {limit:,} nodes (YAML alias bomb?)",
                node.start_mark.line + 1)
        sizes[key] = total
    return sizes[id(root)]


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """What went wrong, without quoting the source: PyYAML's problem texts quote a tag (a
    value written `!hunter2` is a tag) and its snippets show the line, which may hold a
    secret."""
    problem = exc.problem or ""
    if "tag" in problem and "'" in problem:
        return "a tag no loader defines"
    column = f" (column {exc.problem_mark.column + 1})" if exc.problem_mark else ""
    return (problem.split("'")[0].strip() or "malformed") + column


def load_documents(text: str, *, loader: Any = _Loader,
                   max_nodes: int = MAX_NODES) -> list[tuple[Any, int]]:
    """Every document of `text` with its 1-based first line. Raises `IacInputError` with the
    line of the problem on malformed YAML, alias bombs and too-deep nesting."""
    out: list[tuple[Any, int]] = []
    stream = loader(text)
    try:
        while stream.check_node():
            node = stream.get_node()
            if node is None:
                continue
            if "*" in text:  # without one, no alias: nothing can expand
                _expanded_size(node, max_nodes)
            out.append((stream.construct_document(node), node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise IacInputError(f"invalid YAML: {yaml_problem(exc)}", line) from None
    except yaml.YAMLError as exc:
        raise IacInputError(f"invalid YAML ({type(exc).__name__})") from None
    except RecursionError:
        raise IacInputError("YAML nested too deeply") from None
    finally:
        stream.dispose()
    return out


# -- the fast path ----------------------------------------------------------------------------

#: What a tracked mapping becomes once its end is known: (the dict, its start and end marks).
Finish = Callable[[dict[Any, Any], Any, Any], Any]

#: Containers nested deeper than this go to `load_documents`, which decides about them.
MAX_FAST_DEPTH = 64
#: distinct plain scalars whose values one memo keeps (keys and common values repeat; ids,
#: names and timestamps of a large dump do not)
MAX_REMEMBERED_SCALARS = 50_000

_STR, _NULL, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
#: implicit tags whose values are built by the safe constructor (and then remembered)
_CONSTRUCTED = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                          "tag:yaml.org,2002:timestamp"})
_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
_SAFE = yaml.constructor.SafeConstructor()
_MISSING = object()


class _NotPlain(Exception):
    """A document the fast path leaves to `load_documents`: tags, anchors, aliases, merge
    keys, complex keys, deep nesting, a parse error."""


def _parser(text: str) -> Any:
    return _CParser(text) if _CParser is not None else yaml.SafeLoader(text)


def _plain_scalar(text: str, resolvers: dict[Any, list[tuple[str, Any]]]) -> Any:
    """The value of a plain (unquoted, untagged) scalar as the safe loader makes it, with the
    loader's implicit resolvers."""
    tag = _STR
    for candidate, regexp in resolvers.get(text[:1], []) + resolvers.get(None, []):
        if regexp.match(text):
            tag = candidate
            break
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _SAFE.bool_values[text.lower()]
    if tag in _CONSTRUCTED:
        # the constructor's own function, not `construct_object`, which keeps every node
        return _SAFE.yaml_constructors[tag](_SAFE, yaml.ScalarNode(tag, text))
    raise _NotPlain(tag)  # merge keys, `=`, YAML's own tags: the constructor's business


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAP_START, _MAP_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQ_START, _SEQ_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


class _Builder:
    """One document built from the parser's events, by recursive descent (the depth is bounded
    by `MAX_FAST_DEPTH`). Plain scalars, by far the most events, are read inline by the loops
    of `mapping` and `sequence`; everything else goes through `node`."""

    __slots__ = ("anchors", "finish", "get", "nodes", "plain", "resolvers", "tracked_key")

    def __init__(self, get: Callable[[], Any], resolvers: dict[Any, list[tuple[str, Any]]],
                 plain: dict[str, Any], finish: Finish, tracked_key: str | None) -> None:
        self.get, self.resolvers, self.plain = get, resolvers, plain
        self.finish, self.tracked_key = finish, tracked_key
        self.anchors: dict[str, tuple[Any, int]] = {}
        #: nodes of the document so far, an alias counted as the nodes it stands for
        self.nodes = 0

    def node(self, event: Any, depth: int, tracked: bool) -> Any:
        """The value of the node `event` starts; `tracked`: a mapping to `finish`, a sequence
        whose mappings are, an alias that must stand for such values."""
        kind = type(event)
        if kind is _ALIAS:
            value, size = self.anchors.get(event.anchor, (_MISSING, 0))
            if value is _MISSING:  # undefined, or an alias inside its own anchor
                raise _NotPlain("alias")
            if tracked and type(value) in (dict, list):  # built without the lines wanted
                raise _NotPlain("alias of a tracked value")
            self.nodes += size
            return value
        if event.tag is not None:
            raise _NotPlain("tag")
        before = self.nodes
        if kind is _SCALAR:
            self.nodes += 1
            value = event.value
            if event.implicit[0]:
                value = self.scalar(value)
        elif depth >= MAX_FAST_DEPTH:
            raise _NotPlain("deep nesting")
        elif kind is _MAP_START:
            value = self.mapping(event, depth + 1, tracked)
        elif kind is _SEQ_START:
            value = self.sequence(depth + 1, tracked)
        else:
            raise _NotPlain(kind.__name__)
        if event.anchor is not None:
            if event.anchor in self.anchors:
                raise _NotPlain("duplicate anchor")  # the composer's error, not ours to word
            self.anchors[event.anchor] = (value, self.nodes - before)
        return value

    def scalar(self, text: str) -> Any:
        """A plain scalar met for the first time (the loops look up the known ones)."""
        found = self.plain.get(text, _MISSING)
        if found is _MISSING:
            found = _plain_scalar(text, self.resolvers)
            if len(self.plain) < MAX_REMEMBERED_SCALARS:  # a huge dump keeps no huge memo
                self.plain[text] = found
        return found

    def mapping(self, start: Any, depth: int, tracked: bool) -> Any:
        get, plain, scalar, node = self.get, self.plain, self.scalar, self.node
        out: dict[Any, Any] = {}
        count = 1  # nodes not yet added to `self.nodes`: the mapping and its plain scalars
        while True:
            event = get()
            if type(event) is _SCALAR and event.tag is None and event.anchor is None:
                count += 1
                key = event.value
                if event.implicit[0]:
                    key = plain.get(key, _MISSING)
                    if key is _MISSING:
                        key = scalar(event.value)
            elif type(event) is _MAP_END:
                self.nodes += count
                return self.finish(out, start.start_mark, event.end_mark) if tracked else out
            else:
                self.nodes += count
                count = 0
                key = node(event, depth, False)
                if isinstance(key, dict | list):
                    raise _NotPlain("complex key")  # unhashable: the constructor's error
            event = get()
            if type(event) is _SCALAR and event.tag is None and event.anchor is None:
                count += 1
                value = event.value
                if event.implicit[0]:
                    value = plain.get(value, _MISSING)
                    if value is _MISSING:
                        value = scalar(event.value)
                out[key] = value
            else:
                self.nodes += count
                count = 0
                out[key] = node(event, depth, tracked and type(event) is not _MAP_START
                                and key == self.tracked_key)

    def sequence(self, depth: int, items_tracked: bool) -> list[Any]:
        get, plain, scalar, node = self.get, self.plain, self.scalar, self.node
        out: list[Any] = []
        append = out.append
        count = 1
        while True:
            event = get()
            if type(event) is _SCALAR and event.tag is None and event.anchor is None:
                count += 1
                value = event.value
                if event.implicit[0]:
                    value = plain.get(value, _MISSING)
                    if value is _MISSING:
                        value = scalar(event.value)
                append(value)
            elif type(event) is _SEQ_END:
                self.nodes += count
                return out
            else:
                self.nodes += count
                count = 0
                append(node(event, depth, items_tracked and type(event) is not _SEQ_START))


def _fast_documents(text: str, resolvers: dict[Any, list[tuple[str, Any]]], finish: Finish,
                    tracked_key: str | None, max_nodes: int,
                    plain: dict[str, Any] | None = None) -> list[tuple[Any, int]]:
    """Every document of `text` built straight from the parser's events. Mappings are plain
    dicts except the tracked ones - a document's root and, recursively, the items of its
    `tracked_key` sequence - which `finish` turns into line-aware mappings. An alias is the
    anchored value itself, as the safe loader makes it, and counts as the nodes it stands for:
    a document expanding to more than `max_nodes` is left to `load_documents` to refuse.
    `plain` remembers the values of plain scalars (all immutable) for the caller to share
    between the texts it reads with the same resolvers. Raises `_NotPlain` (or the parser's
    `YAMLError`) for anything it does not build exactly as the safe loader does."""
    parser = _parser(text)
    get = parser.get_event
    if plain is None:
        plain = {}
    out: list[tuple[Any, int]] = []
    try:
        get()  # the stream's start
        while True:
            event = get()
            if type(event) is yaml.StreamEndEvent:
                return out
            if type(event) is not yaml.DocumentStartEvent:
                raise _NotPlain(type(event).__name__)
            event = get()
            builder = _Builder(get, resolvers, plain, finish, tracked_key)
            value = builder.node(event, 0, type(event) is _MAP_START)
            if builder.nodes > max_nodes and "*" in text:
                raise _NotPlain("expansion")  # load_documents says why, with the line
            out.append((value, event.start_mark.line + 1))
            get()  # the document's end
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def read_documents(text: str, *, loader: Any, finish: Finish, tracked_key: str | None = None,
                   max_nodes: int = MAX_NODES,
                   scalars: dict[str, Any] | None = None) -> list[tuple[Any, int]]:
    """`load_documents(text, loader=loader)` by the fast path where the text is plain data:
    the same values, with the root mappings (and the items under `tracked_key`, e.g. a `List`
    kind's `items`) made by `finish`, every other mapping a plain dict. Anything else - tags,
    merge keys, complex keys, deep nesting, documents expanding past `max_nodes` (alias
    bombs), malformed YAML - is read by `load_documents` itself, with its checks and errors.
    `scalars`, a dict the caller keeps, shares what plain scalars resolve to between the texts
    it reads with one loader (the documents of a stream repeat their keys and values)."""
    try:
        return _fast_documents(text, loader.yaml_implicit_resolvers, finish, tracked_key,
                               max_nodes, scalars)
    except (_NotPlain, yaml.YAMLError):
        return load_documents(text, loader=loader, max_nodes=max_nodes)
