"""CloudFormation templates: recognise them, read them (YAML or JSON) and keep line ranges.

YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) become the long forms JSON uses
(`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": ...}`), so one evaluator serves
both. JSON is read through the same line-aware YAML loader (JSON is, in practice, YAML) so every
resource keeps its line range; JSON that YAML refuses (tab indentation) falls back to the `json`
module, with resource lines found by searching the text for their keys.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from cloudwarden.iac import IacInputError
from cloudwarden.iac.yaml_source import Constructor, YamlMap, load_documents, make_loader

__all__ = ["CfnResource", "Template", "looks_like_template", "parse_template", "resource_label"]

#: Short-form tags and the long form each stands for.
_SHORT_FORMS = {
    "Ref": "Ref", "Condition": "Condition", **{name: f"Fn::{name}" for name in (
        "GetAtt", "Sub", "Join", "If", "Select", "Split", "FindInMap", "GetAZs", "Base64",
        "Equals", "And", "Or", "Not", "ImportValue", "Cidr", "Transform", "Length",
        "ToJsonString", "ForEach")},
}


def _short_form(long_name: str) -> Constructor:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if long_name == "Fn::GetAtt":
                # `!GetAtt Res.Attr.Sub` -> [Res, Attr.Sub]: the logical id has no dot
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {long_name: value}
    return construct


def _unknown_tag(_loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # PyYAML's own error quotes the tag, and `Password: !s3cr3t` makes the value a tag
    mark = node.start_mark
    raise IacInputError(f"invalid YAML: a tag CloudFormation does not define (column "
                        f"{mark.column + 1})", mark.line + 1)


_TAGS = {f"!{short}": _short_form(long) for short, long in _SHORT_FORMS.items()}
_LOADER = make_loader(_TAGS)
_LOADER.add_constructor(None, _unknown_tag)


def _c_loader() -> type[yaml.SafeLoader] | None:
    """The same loader on libyaml's parser when PyYAML was built with it: the pure-Python
    scanner is most of the time a large template takes to read."""
    base = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None

    def construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[YamlMap]:
        data = YamlMap()
        data.start_line = node.start_mark.line + 1
        end = node.end_mark
        # a block mapping ends where the next token starts (column 0 of the following line)
        data.end_line = end.line if end.column == 0 and end.line > node.start_mark.line \
            else end.line + 1
        yield data
        data.update(loader.construct_mapping(node))

    loader: type[yaml.SafeLoader] = type("_CfnCLoader", (base,), {})
    loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    for tag, fn in _TAGS.items():
        loader.add_constructor(tag, fn)
    loader.add_constructor(None, _unknown_tag)
    return loader


_FAST_LOADER = _c_loader() or _LOADER


@dataclass(slots=True)
class CfnResource:
    """One resource as written (properties not evaluated yet)."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    condition: str | None = None
    start_line: int = 0
    end_line: int = 0
    #: the whole resource mapping (Metadata, DependsOn, ...), for the rare mapping that needs it
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Template:
    path: str
    parameters: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, CfnResource] = field(default_factory=dict)
    transforms: tuple[str, ...] = ()
    #: SAM's `Globals` section: properties every function (API, ...) of the template shares
    globals: dict[str, Any] = field(default_factory=dict)


_MARKERS = (b"AWSTemplateFormatVersion", b"AWS::Serverless")
#: a logical id as CloudFormation allows it (alphanumeric, at most 255 characters)
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")


def resource_label(logical_id: object) -> str:
    """`resource Name` for an error message. A key that is not a valid logical id is not
    quoted: messages never carry source text, which may be a secret on a malformed line."""
    if isinstance(logical_id, str) and _LOGICAL_ID.fullmatch(logical_id):
        return f"resource {logical_id}"
    return "a resource whose logical id is not alphanumeric"


def looks_like_template(head: bytes) -> bool:
    """A cheap test on a file's first bytes: the format version, or resources of AWS types."""
    if any(marker in head for marker in _MARKERS):
        return True
    return b"Resources" in head and re.search(rb"""["']?Type["']?\s*:\s*["']?AWS::""", head) \
        is not None


def _is_template(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    if "AWSTemplateFormatVersion" in doc:
        return True
    resources = doc.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith(("AWS::", "Custom::"))
        for r in resources.values())


def _load(text: str) -> Any:
    """The template document. JSON is checked as JSON first (YAML would accept a trailing
    comma that CloudFormation refuses), then read through the YAML loader for its lines;
    JSON that YAML cannot read (tab indentation) is used as it is, without lines."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IacInputError(f"invalid JSON at column {exc.colno}: {exc.msg}",
                                exc.lineno) from None
        except RecursionError:
            raise IacInputError("JSON nested too deeply") from None
        try:
            docs = load_documents(text, loader=_FAST_LOADER)
        except IacInputError:
            return data
        return docs[0][0] if len(docs) == 1 else data
    docs = load_documents(text, loader=_FAST_LOADER)
    if len(docs) > 1:
        raise IacInputError("a template is one YAML document, found several", docs[1][1])
    return docs[0][0] if docs else None


def _json_lines(text: str, resources: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Line ranges of resources of a template read by the `json` module: the line of each
    logical id's key, up to the line before the next one (the last ends at the section's end)."""
    section = re.search(r'"Resources"\s*:\s*\{', text)
    offset = section.end() if section else 0
    starts: list[tuple[int, str]] = []
    for logical_id in resources:
        m = re.compile(r'"' + re.escape(logical_id) + r'"\s*:\s*\{').search(text, offset)
        if m:
            starts.append((text.count("\n", 0, m.start()) + 1, logical_id))
    starts.sort()
    last = text.count("\n") + 1
    out: dict[str, tuple[int, int]] = {}
    for i, (line, logical_id) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else last
        out[logical_id] = (line, max(line, end))
    return out


def _key_line(lines: list[str], key: str, body_line: int) -> int:
    """The line of a resource's logical id: the body's own line (flow style, JSON) or one of
    the few lines above it (block style, comments in between)."""
    pattern = re.compile(r"""\s*(-\s*)?["']?""" + re.escape(key) + r"""["']?\s*:""")
    for line in range(body_line, max(0, body_line - 20), -1):
        if line <= len(lines) and pattern.match(lines[line - 1]):
            return line
    return body_line


def parse_template(text: str, path: str) -> Template | None:
    """The template of `text`, None when it is YAML or JSON but not a CloudFormation template.
    Raises `IacInputError` (with a line where known) for malformed input."""
    doc = _load(text)
    if not _is_template(doc):
        return None
    resources = doc.get("Resources")
    if not isinstance(resources, dict):
        raise IacInputError("Resources is not a mapping", getattr(doc, "start_line", 0))
    json_lines = {} if isinstance(resources, YamlMap) else _json_lines(text, resources)
    lines = text.splitlines()
    out = Template(path=path)
    for section in ("Parameters", "Mappings", "Conditions"):
        value = doc.get(section) or {}
        if not isinstance(value, dict):
            raise IacInputError(f"{section} is not a mapping", getattr(doc, "start_line", 0))
    out.parameters = {str(k): v for k, v in (doc.get("Parameters") or {}).items()
                      if isinstance(v, dict)}
    out.mappings = dict(doc.get("Mappings") or {})
    out.conditions = dict(doc.get("Conditions") or {})
    if isinstance(doc.get("Globals"), dict):
        out.globals = dict(doc["Globals"])
    transform = doc.get("Transform")
    out.transforms = tuple(str(t) for t in (transform if isinstance(transform, list)
                                            else [transform] if transform else []))
    for logical_id, body in resources.items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            line = getattr(body, "start_line", 0) or json_lines.get(str(logical_id), (0, 0))[0]
            raise IacInputError(f"{resource_label(logical_id)} has no Type", line)
        props = body.get("Properties") or {}
        if not isinstance(props, dict):
            raise IacInputError(f"{resource_label(logical_id)}: Properties is not a mapping",
                                getattr(body, "start_line", 0))
        if isinstance(body, YamlMap):
            start = _key_line(lines, str(logical_id), body.start_line)
            end = max(start, body.end_line)
        else:
            start, end = json_lines.get(str(logical_id), (0, 0))
        condition = body.get("Condition")
        out.resources[str(logical_id)] = CfnResource(
            logical_id=str(logical_id), type=body["Type"], properties=props,
            condition=str(condition) if isinstance(condition, str) else None,
            start_line=start, end_line=end, raw=body)
    _clamp_ends(list(out.resources.values()), lines)
    return out


def _clamp_ends(resources: list[CfnResource], lines: list[str]) -> None:
    """A block mapping's end mark is where the next token starts; end each resource before
    the next one begins, without the blank and comment lines in between."""
    ordered = sorted((r for r in resources if r.start_line), key=lambda r: r.start_line)
    for res, nxt in itertools.pairwise(ordered):
        if res.end_line >= nxt.start_line:
            res.end_line = max(res.start_line, nxt.start_line - 1)
    for res in ordered:
        while res.end_line > res.start_line and res.end_line <= len(lines) and (
                not lines[res.end_line - 1].strip()
                or lines[res.end_line - 1].lstrip().startswith("#")):
            res.end_line -= 1
