"""YAML documents with line numbers, safe against hostile input.

Kubernetes manifests and CloudFormation templates are YAML written by anyone. PyYAML's safe
loader builds no objects, but a "billion laughs" document (aliases of aliases) still expands to
billions of nodes for whoever walks the result, and deep nesting overflows the stack. Here every
document's *expanded* size is measured on the node graph before it is built (linear in its
distinct nodes), and both cases become a clear `IacInputError`.

Mappings come back as `YamlMap`, a dict that knows the line range it was written on, so assets
can carry a `file:start-end` origin. `make_loader` lets an adapter add its own tags (the
CloudFormation short forms `!Ref`, `!Sub`, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import yaml

from cloudwarden.iac import IacInputError

__all__ = ["MAX_NODES", "YamlMap", "load_documents", "make_loader"]

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
        raise IacInputError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise IacInputError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise IacInputError("YAML nested too deeply") from None
    finally:
        stream.dispose()
    return out
