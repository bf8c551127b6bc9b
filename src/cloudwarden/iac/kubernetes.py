"""Kubernetes manifests: plain YAML or JSON objects, multi-document streams, `List` kinds,
Helm-rendered output and kustomizations, turned into the canonical Kubernetes assets.

A manifest *is* an API object, so every object goes through the one conversion the live
collector uses (`cloudwarden.assets.kubernetes.object_assets`); only where it came from
differs: account `iac`, an id prefixed by the file, and an origin naming the lines of the
document (or of the `List` item) it was written on.

A multi-document file is cut at its `---` markers before parsing, so one malformed document
costs that document only: the others are still loaded, and the bad one becomes an `IacError`
with its line. A directory holding a `kustomization.yaml` is rendered with `kubectl kustomize`
when `kubectl` is on PATH (an argument list, no shell, a timeout); the rendered stream is read
like any manifest. Without `kubectl` the adapter notes it and reads the files as plain
manifests, leaving out the patches the kustomization names (partial objects, not workloads).
Helm chart *sources* (`{{ ... }}` templates) are not YAML and are never claimed: render the
chart (`helm template`) and scan the output.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import yaml

from cloudwarden.assets.kubernetes import object_assets
from cloudwarden.core.model import UNRESOLVED, Asset
from cloudwarden.iac import (
    IAC_ACCOUNT,
    MAX_FILE_BYTES,
    IacError,
    IacInputError,
    IacLoad,
    read_text,
)
from cloudwarden.iac.yaml_source import YamlMap, read_documents

__all__ = ["KUSTOMIZATION_NAMES", "KubernetesManifestAdapter", "ManifestDoc", "load_stream",
           "looks_like_manifest", "split_documents"]

log = logging.getLogger(__name__)

FRAMEWORK = "kubernetes"
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_SUFFIXES = (".yaml", ".yml", ".json")
_YAML_KEY = re.compile(rb"""^(apiVersion|kind|items)\s*:""", re.MULTILINE)
_JSON_KEY = re.compile(rb'"(apiVersion|kind)"\s*:')
#: A Go template action of a Helm chart source (`{{ .Values.x }}`, `{{- include "..." }}`,
#: `{{ end }}`, `| nindent 4`). Rendered output may hold `{{ $labels.pod }}` in its strings
#: (alerting rules, config templates): that is data, and such files are still claimed.
_HELM_ACTION = re.compile(
    rb"\{\{-?\s*(?:\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|"
    rb"(?:include|template|if|else|end|range|with|define|block|toYaml|tpl)\b)"
    rb"|\|\s*(?:nindent|indent|toYaml|quote)\b")
#: CloudFormation markers: a template is never a manifest, even one naming a `kind`.
_CFN_MARKERS = (b"AWSTemplateFormatVersion", b"AWS::")
#: kustomization keys naming patch files (partial objects, never judged on their own)
_PATCH_KEYS = ("patchesStrategicMerge", "patches", "patchesJson6902")


def looks_like_manifest(head: bytes) -> bool:
    """A cheap test on a file's first bytes: top-level `apiVersion` and `kind` keys (or
    `apiVersion` and `items`: `kubectl get -o yaml` writes a List's kind last), no Helm template
    action, no CloudFormation marker."""
    if _HELM_ACTION.search(head) or any(marker in head for marker in _CFN_MARKERS):
        return False
    yaml_keys = {m.group(1) for m in _YAML_KEY.finditer(head)}
    if b"apiVersion" in yaml_keys and (b"kind" in yaml_keys or b"items" in yaml_keys):
        return True
    json_keys = {m.group(1) for m in _JSON_KEY.finditer(head)}
    return {b"apiVersion", b"kind"} <= json_keys


def _in_helm_chart(path: Path) -> bool:
    """A file of a chart's `templates/` directory: a Go template, even when its first bytes
    happen to hold no `{{`."""
    parent = path.parent
    return parent.name == "templates" and (parent.parent / "Chart.yaml").is_file()


@dataclass
class KubernetesManifestAdapter:
    """The manifest adapter. `root`, when given, is the directory file names are shown relative
    to (in ids, origins and errors); `kubectl` names the binary that renders kustomizations
    (None: never render); `timeout` bounds one rendering in seconds."""

    root: Path | None = None
    kubectl: str | None = "kubectl"
    timeout: float = 60.0
    name: str = FRAMEWORK
    #: the directories the user scanned: a kustomization naming anything outside them (or a
    #: remote base) is not rendered - rendering would read or fetch it
    roots: tuple[Path, ...] = ()
    #: informational notes of the last `load` (kustomizations read without rendering, ...)
    notes: list[str] = field(default_factory=list)

    def claims(self, path: Path, head: bytes) -> bool:
        if path.name in KUSTOMIZATION_NAMES:
            return True
        if path.suffix.lower() not in _SUFFIXES or not looks_like_manifest(head):
            return False
        return not _in_helm_chart(path)

    def shown(self, path: Path) -> str:
        """How a file is named in ids, origins and errors."""
        if self.root is not None:
            try:
                return str(path.relative_to(self.root))
            except ValueError:
                pass
        return str(path)

    def load(self, paths: Sequence[Path]) -> IacLoad:
        self.notes = []
        out = IacLoad(FRAMEWORK)
        kustomizations = [p for p in paths if p.name in KUSTOMIZATION_NAMES]
        kubectl = shutil.which(self.kubectl) if self.kubectl else None
        skipped: set[Path] = set()
        #: resource file -> why its objects cannot be judged as written (not rendered)
        unrendered: dict[Path, str] = {}
        for kfile in kustomizations:
            out.files.append(self.shown(kfile))
            rendered, leave_out = self._kustomization(kfile, kubectl, out)
            skipped |= leave_out
            if not rendered:
                why = (f"{UNRESOLVED}{self.shown(kfile)} was not rendered: its patches and "
                       "transformers are not applied to the objects it lists")
                unrendered.update(dict.fromkeys(_kustomization_files(kfile)["resources"], why))
        for path in paths:
            if path.name in KUSTOMIZATION_NAMES:
                continue
            out.files.append(self.shown(path))  # read through its kustomization, or plainly
            if path.resolve() not in skipped:
                first = len(out.assets)
                self._load_file(path, out)
                reason = unrendered.get(path.resolve())
                if reason is not None:
                    out.assets[first:] = [_not_as_written(a, reason)
                                          for a in out.assets[first:]]
        out.notes.extend(self.notes)
        return out

    # -- plain files ----------------------------------------------------------------------

    def _load_file(self, path: Path, out: IacLoad) -> None:
        name = self.shown(path)
        try:
            text = read_text(path)
        except IacInputError as exc:
            out.errors.append(IacError(FRAMEWORK, name, str(exc), exc.line))
            return
        load_stream(text, name, out)

    # -- kustomize ------------------------------------------------------------------------

    def _kustomization(self, kfile: Path, kubectl: str | None,
                       out: IacLoad) -> tuple[bool, set[Path]]:
        """Render one kustomization into `out`: (rendered?, the files it stands for, to leave
        out of the plain reading)."""
        directory = kfile.parent
        name = self.shown(kfile)
        referenced = _kustomization_files(kfile)
        unsafe = _unsafe_entries(kfile, self.roots or (self.root or directory,))
        if unsafe:
            out.errors.append(IacError(FRAMEWORK, name, f"not rendered: {unsafe} of its entries "
                                       "are remote or outside the scanned directories, which "
                                       "rendering would fetch or read"))
            return False, referenced["patches"]
        if kubectl is None:
            note = (f"{name}: kubectl not found, kustomization not rendered; its files are "
                    "read as plain manifests and not judged where patches may change them")
            self.notes.append(note)
            log.info(note)
            return False, referenced["patches"]
        try:
            proc = subprocess.run(  # noqa: S603 - an argument list, no shell
                # an absolute path: a directory named `-x` cannot pass for a flag
                [kubectl, "kustomize", str(directory.resolve())], capture_output=True,
                timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            out.errors.append(IacError(FRAMEWORK, name,
                                       f"kubectl kustomize timed out after {self.timeout:g}s"))
            return False, referenced["patches"]
        except OSError as exc:
            out.errors.append(IacError(FRAMEWORK, name,
                                       f"cannot run kubectl: {exc.strerror or exc}"))
            return False, referenced["patches"]
        if proc.returncode != 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            out.errors.append(IacError(FRAMEWORK, name, "kubectl kustomize failed: "
                                       + (reason[-1] if reason else f"exit {proc.returncode}")))
            return False, referenced["patches"]
        if len(proc.stdout) > MAX_FILE_BYTES:
            out.errors.append(IacError(FRAMEWORK, name, "kustomize output is above the "
                                       f"{MAX_FILE_BYTES:,} byte limit"))
            return False, referenced["patches"]
        text = proc.stdout.decode("utf-8", "replace")
        fallback = f"{name}:1-{max(1, _line_count(kfile))}"
        load_stream(text, name, out, origin=_rendered_origin(
            self._source_origins(referenced["resources"]), fallback))
        return True, referenced["all"] | {p.resolve() for p in directory.iterdir()
                                          if p.is_file()}

    def _source_origins(self, files: Iterable[Path]) -> dict[str, list[tuple[str, str]]]:
        """kind -> [(name, origin)] of the objects written in a kustomization's resource
        files, to point a rendered object back at the lines it came from."""
        found: dict[str, list[tuple[str, str]]] = {}
        for path in sorted(files):
            try:
                docs = split_documents(read_text(path))
            except IacInputError:
                continue
            for doc in docs:
                value = doc.value
                if not isinstance(value, Mapping):
                    continue
                meta = value.get("metadata")
                name = meta.get("name") if isinstance(meta, Mapping) else None
                if isinstance(value.get("kind"), str) and isinstance(name, str) and name:
                    found.setdefault(value["kind"], []).append(
                        (name, f"{self.shown(path)}:{doc.start}-{doc.end}"))
        return found


def _line_count(path: Path) -> int:
    try:
        return read_text(path).count("\n")
    except IacInputError:
        return 1


def _rendered_origin(sources: Mapping[str, list[tuple[str, str]]],
                     fallback: str) -> Callable[[Mapping[str, Any]], str]:
    """The origin of a rendered object: the source document of the same kind whose name the
    rendered name holds (kustomize adds prefixes and suffixes; the longest match wins), else
    the kustomization itself."""
    def origin(obj: Mapping[str, Any]) -> str:
        meta = obj.get("metadata")
        rendered = meta.get("name") if isinstance(meta, Mapping) else None
        if not isinstance(rendered, str):
            return fallback
        matches = [(len(n), o) for n, o in sources.get(str(obj.get("kind")), ())
                   if n in rendered]
        return max(matches)[1] if matches else fallback
    return origin


def _kustomization_files(kfile: Path) -> dict[str, set[Path]]:
    """The files a kustomization names: `all` of them, its `resources` and its `patches`
    (resolved paths; directories and remote URLs are not files)."""
    found: dict[str, set[Path]] = {"all": set(), "patches": set(), "resources": set()}
    try:
        text = read_text(kfile)
        docs = split_documents(text)
    except IacInputError:
        return found
    for doc in docs:
        body = doc.value if isinstance(doc.value, Mapping) else {}
        for key in ("resources", "bases", *_PATCH_KEYS):
            for entry in _entries(body.get(key)):
                target = (kfile.parent / entry).resolve()
                if target.is_dir() and key in ("resources", "bases"):
                    found["resources"].update(
                        p for p in target.iterdir()
                        if p.suffix in (".yaml", ".yml") and p.name not in KUSTOMIZATION_NAMES)
                elif target.is_file():
                    found["all"].add(target)
                    found["patches" if key in _PATCH_KEYS else "resources"].add(target)
    return found


_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|"
                     r"bitbucket\.org/)", re.IGNORECASE)


def _unsafe_entries(kfile: Path, roots: Iterable[Path]) -> int:
    """How many entries of a kustomization are remote or outside every scanned directory."""
    bounds = [r.resolve() for r in roots]
    try:
        docs = split_documents(read_text(kfile))
    except IacInputError:
        return 0
    count = 0
    for doc in docs:
        body = doc.value if isinstance(doc.value, Mapping) else {}
        for key in ("resources", "bases", "components", *_PATCH_KEYS):
            for entry in _entries(body.get(key)):
                if _REMOTE.match(entry):
                    count += 1
                    continue
                target = (kfile.parent / entry).resolve()
                if not any(target == b or target.is_relative_to(b) for b in bounds):
                    count += 1
    return count


_AS_WRITTEN = frozenset({"Kind", "ApiVersion", "Name", "Namespace", "Labels", "Annotations"})


def _not_as_written(asset: Asset, why: str) -> Asset:
    """An object a kustomization would change before it is applied: only its identity is
    known, every other field is unresolved (rules on them say so, never pass or fail)."""
    unknown = {f: why for f in asset.properties if f not in _AS_WRITTEN}
    return replace(asset, unknown={**asset.unknown, **unknown})


def _entries(value: Any) -> Iterable[str]:
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
            yield item["path"]


# -- documents ------------------------------------------------------------------------------

_DOC_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


class _Map(YamlMap):
    """A `YamlMap` that also knows the column it starts at, to tell where it ends."""

    __slots__ = ("column",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.column = 0


def _ends(data: _Map, start: Any, end: Any) -> _Map:
    """Give `data` the lines and column of its marks. A block mapping ends where the next
    token starts: column 0 of the line after it."""
    data.start_line = start.line + 1
    data.column = start.column
    data.end_line = end.line if end.column == 0 and end.line > start.line else end.line + 1
    return data


def _finish_map(data: dict[Any, Any], start: Any, end: Any) -> _Map:
    return _ends(_Map(data), start, end)


def _construct_map(loader: Any, node: yaml.MappingNode) -> Iterator[YamlMap]:
    data = _ends(_Map(), node.start_mark, node.end_mark)
    yield data
    data.update(loader.construct_mapping(node))


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The line-aware loader of `yaml_source` on libyaml's parser when it is installed: a
    rendered chart or a cluster dump holds thousands of objects, and the pure-Python parser
    is ten times slower. Alias bombs and deep nesting are refused by `load_documents` all the
    same (it measures the node graph before building it)."""


_FastLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LOADER = cast(type[yaml.SafeLoader], _FastLoader)


@dataclass(frozen=True, slots=True)
class ManifestDoc:
    """One document of a stream: its value (or the error reading it) and its line range."""

    value: Any
    start: int
    end: int
    #: what to add to a line the parser reports (the document was parsed on its own)
    offset: int = 0
    error: IacInputError | None = None
    #: the lines of the whole stream, to trim a range to the mapping's own lines
    text: Sequence[str] = ()

    def lines_of(self, obj: Any) -> tuple[int, int]:
        """The line range of a mapping of this document (a `List` item), else the document's."""
        if isinstance(obj, YamlMap) and obj.start_line:
            return obj.start_line + self.offset, self.trimmed(obj)
        return self.start, self.end

    def trimmed(self, obj: YamlMap) -> int:
        """The last line of a block mapping. The parser ends it where the next token starts,
        which may be the next list item's line or blank lines after it: lines indented less
        than the mapping's first key (or blank) are not its own."""
        start, end = obj.start_line + self.offset, obj.end_line + self.offset
        column = obj.column if isinstance(obj, _Map) else 0
        text = self.text
        while end > start and end <= len(text):
            line = text[end - 1]
            body = line.lstrip(" ")
            if body.strip() and len(line) - len(body) >= column:
                break
            end -= 1
        return end


def split_documents(text: str) -> list[ManifestDoc]:
    """The documents of a stream, each parsed on its own so that a malformed one does not hide
    the others. The stream is cut at its `---` markers, as YAML itself does (a marker at
    column 0 ends a document even inside a block scalar). JSON that YAML refuses (tabs) is
    read by the `json` module, without line ranges of its items."""
    return list(_documents(text))


def _documents(text: str) -> Iterator[ManifestDoc]:
    """`split_documents` one document at a time: a caller that turns each into assets before
    reading the next holds one document's raw tree at a time, not the stream's (less for the
    garbage collector to promote and walk)."""
    cuts = [m.start() for m in _DOC_START.finditer(text)]
    if not cuts or cuts[0] != 0:
        cuts.insert(0, 0)
    cuts.append(len(text))
    text_lines = text.split("\n")
    scalars: dict[str, Any] = {}  # shared by the documents of the stream
    line = 1
    for begin, stop in itertools.pairwise(cuts):
        chunk = text[begin:stop]
        lines = chunk.count("\n")
        offset = line - 1
        end = line + max(lines - 1, 0)
        try:
            parsed = read_documents(chunk, loader=_LOADER, finish=_finish_map,
                                    tracked_key="items", scalars=scalars)
        except IacInputError as exc:
            fallback = _json_document(chunk, line) if len(cuts) == 2 else None
            if fallback is not None:
                yield fallback
            else:
                hint = (" (a Helm template? render it with `helm template` and scan the output)"
                        if _HELM_ACTION.search(chunk.encode()) else "")
                error = IacInputError(f"{exc}{hint}", exc.line + offset if exc.line else line)
                yield ManifestDoc(None, line, end, offset, error)
        else:
            for value, first in parsed:
                doc = ManifestDoc(value, first + offset, end, offset, text=text_lines)
                if isinstance(value, YamlMap) and value.start_line:
                    doc = ManifestDoc(value, value.start_line + offset, doc.trimmed(value),
                                      offset, text=text_lines)
                yield doc
            del parsed  # the next document's tree is built without this one's
        line += lines


def _json_document(text: str, line: int) -> ManifestDoc | None:
    """A JSON document YAML could not read, or None when it is not JSON either."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    end = line + text.count("\n")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return ManifestDoc(None, line, end, 0, IacInputError(f"invalid JSON: {exc.msg}",
                                                             exc.lineno + line - 1))
    except RecursionError:
        return ManifestDoc(None, line, end, 0, IacInputError("JSON nested too deeply", line))
    return ManifestDoc(value, line, end)


# -- one stream of documents ------------------------------------------------------------------


def load_stream(text: str, source: str, out: IacLoad, *,
                origin: Callable[[Mapping[str, Any]], str] | None = None) -> None:
    """Every object of a YAML (or JSON) stream into `out`: assets for the kinds we model, an
    `IacError` per document that cannot be read. Objects get the lines of `source` they were
    written on, unless `origin` says otherwise (rendered output has no lines in a file)."""
    try:
        for doc in _documents(text):
            _load_document(doc, source, out, origin)
    except IacInputError as exc:
        out.errors.append(IacError(FRAMEWORK, source, str(exc), exc.line))


def _load_document(doc: ManifestDoc, source: str, out: IacLoad,
                   origin: Callable[[Mapping[str, Any]], str] | None) -> None:
    """One document of a stream into `out`: its assets, or the error reading it."""
    if doc.error is not None:
        out.errors.append(IacError(FRAMEWORK, source, str(doc.error), doc.error.line))
        return
    value = doc.value
    if value is None:
        return
    if not isinstance(value, Mapping):
        out.errors.append(IacError(
            FRAMEWORK, source, f"document is a {type(value).__name__}, not a Kubernetes "
            "object (a mapping with apiVersion and kind)", doc.start))
        return
    if not isinstance(value.get("kind"), str) or not isinstance(value.get("apiVersion"), str):
        out.errors.append(IacError(FRAMEWORK, source, "document is not a Kubernetes object: "
                                   "it needs apiVersion and kind", doc.start))
        return
    where = origin or _origin(source, doc)
    out.assets.extend(object_assets(value, account=IAC_ACCOUNT, origin=where,
                                    id_prefix=f"{source}:"))


def _origin(path: str, doc: ManifestDoc) -> Callable[[Mapping[str, Any]], str]:
    """The origin of an object of `doc`: its own line range (a `List` item has one), else the
    document's."""
    def origin(obj: Mapping[str, Any]) -> str:
        lines = doc.lines_of(obj)
        return f"{path}:{lines[0]}-{lines[1]}"
    return origin
