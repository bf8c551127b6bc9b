"""One directory of Terraform files, read into its declarations (a module's configuration).

A file that cannot be read or parsed becomes an `IacError` and contributes nothing; the other
files of the directory are still read. Declarations are indexed by kind and name, and a name
declared twice is an error at the second declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cloudwarden.iac import IacError, IacInputError, read_text
from cloudwarden.iac.terraform.expressions import Literal
from cloudwarden.iac.terraform.jsonsyntax import parse_tf_json
from cloudwarden.iac.terraform.parse import parse_hcl
from cloudwarden.iac.terraform.syntax import Attribute, Block, Body

__all__ = ["FRAMEWORK", "ModuleConfig", "is_tf_file", "local_source", "read_module"]

FRAMEWORK = "terraform"


def is_tf_file(path: Path) -> bool:
    name = path.name
    return name.endswith((".tf", ".tf.json"))


def _is_override(path: Path) -> bool:
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


@dataclass(slots=True)
class ModuleConfig:
    """The declarations of one module directory."""

    #: the directory, resolved
    dir: Path
    #: the directory as shown to the user
    display: str
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[Attribute, str]] = field(default_factory=dict)
    #: "aws_s3_bucket.b" / "data.aws_iam_policy_document.p" -> block
    resources: dict[str, Block] = field(default_factory=dict)
    #: resource types declared (managed), for telling references from other names
    resource_types: set[str] = field(default_factory=set)
    data_types: set[str] = field(default_factory=set)
    modules: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    errors: list[IacError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def add(self, body: Body, file: str) -> None:
        for block in body.blocks:
            self._declare(block, file)

    def _error(self, file: str, message: str, line: int) -> None:
        self.errors.append(IacError(FRAMEWORK, file, message, line))

    def _declare(self, block: Block, file: str) -> None:
        kind, labels = block.type, block.labels
        if kind == "locals":
            for name, attr in block.body.attributes.items():
                if name in self.locals:
                    self._error(file, f"local.{name} is declared twice", attr.line)
                else:
                    self.locals[name] = (attr, file)
            return
        if kind in ("resource", "data"):
            if len(labels) != 2:
                self._error(file, f"a {kind} block needs a type and a name", block.start_line)
                return
            key = f"{labels[0]}.{labels[1]}"
            if kind == "data":
                key = f"data.{key}"
            (self.resource_types if kind == "resource" else self.data_types).add(labels[0])
            self._unique(self.resources, key, block, file)
            return
        table = {"variable": self.variables, "module": self.modules, "output": self.outputs}
        if kind in table:
            if len(labels) != 1:
                self._error(file, f"a {kind} block needs one name", block.start_line)
                return
            prefix = {"variable": "var.", "module": "module.", "output": "output "}[kind]
            self._unique(table[kind], labels[0], block, file, prefix)
        elif kind == "provider" and labels:
            self.providers.append(block)

    def _unique(self, table: dict[str, Block], key: str, block: Block, file: str,
                prefix: str = "") -> None:
        if key in table:
            self._error(file, f"{prefix}{key} is declared twice", block.start_line)
        else:
            table[key] = block


def local_source(block: Block) -> str | None:
    """A module call's source when it is a local directory (`./x`, `../x`), else None."""
    attr = block.body.attributes.get("source")
    if attr is None or not isinstance(attr.expr, Literal) or not isinstance(attr.expr.value, str):
        return None
    source: str = attr.expr.value
    return source if source.startswith(("./", "../")) or source in (".", "..") else None


def read_module(directory: Path, display: str, only: list[Path] | None = None) -> ModuleConfig:
    """The configuration of a directory (or of the given files of it)."""
    config = ModuleConfig(directory, display)
    try:
        names = sorted(p for p in directory.iterdir() if is_tf_file(p) and p.is_file())
    except OSError as exc:
        config._error(display, f"cannot list the directory: {exc.strerror or exc}", 0)
        return config
    if only is not None:
        wanted = {p.name for p in only}
        names = [p for p in names if p.name in wanted]
    for path in names:
        shown = f"{display}/{path.name}" if display not in ("", ".") else path.name
        if _is_override(path):
            config.notes.append(f"{shown}: override files are not merged; ignored")
            continue
        config.files.append(shown)
        try:
            text = read_text(path)
            body = parse_tf_json(text) if path.name.endswith(".json") else parse_hcl(text, shown)
        except IacInputError as exc:
            config._error(shown, str(exc), exc.line)
            continue
        if path.name.endswith(".json"):
            body = _with_file(body, shown)
        config.add(body, shown)
    return config


def _with_file(body: Body, file: str) -> Body:
    blocks = [Block(b.type, b.labels, b.body, b.start_line, b.end_line, file) for b in body.blocks]
    return Body(body.attributes, blocks)
