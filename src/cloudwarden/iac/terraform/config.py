"""One directory of Terraform files, read into its declarations (a module's configuration).

A file that cannot be read or parsed becomes an `IacError` and contributes nothing; the other
files of the directory are still read. Declarations are indexed by kind and name, and a name
declared twice is an error at the second declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cloudwarden.iac import IacError, IacInputError, read_text
from cloudwarden.iac.terraform.expressions import Expr, Literal, traversals
from cloudwarden.iac.terraform.jsonsyntax import parse_tf_json
from cloudwarden.iac.terraform.parse import parse_hcl
from cloudwarden.iac.terraform.syntax import Attribute, Block, Body

__all__ = ["FRAMEWORK", "ModuleConfig", "is_tf_file", "local_source", "provider_key",
           "read_module"]

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
    _names: dict[int, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def names_in(self, expr: Expr) -> tuple[tuple[str, ...], ...]:
        """The static name paths of an expression's references (`aws_s3_bucket`, `b`, `id`),
        computed once per expression: dependency ordering and reference lists both use them,
        for every instance of the module."""
        found = self._names.get(id(expr))
        if found is None:
            found = self._names[id(expr)] = tuple(tuple(t.static_names())
                                                  for t in traversals(expr))
        return found

    def add(self, body: Body, file: str) -> None:
        for block in body.blocks:
            self._declare(block, file)

    def override(self, body: Body, file: str) -> None:
        """Merge an override file (`override.tf`, `*_override.tf`) as Terraform does: its
        arguments replace the original's, its nested blocks replace those of the same type."""
        for block in body.blocks:
            if block.type == "locals":
                for name, attr in block.body.attributes.items():
                    self.locals[name] = (attr, file)
                continue
            base = self._find(block)
            if base is None:
                self._error(file, f"override of {block.type} {'.'.join(block.labels)!r} "
                            "with no original declaration", block.start_line)
                continue
            base.body.attributes.update(block.body.attributes)
            replaced = {b.type for b in block.body.blocks}
            base.body.blocks[:] = [b for b in base.body.blocks if b.type not in replaced]
            base.body.blocks.extend(block.body.blocks)

    def _find(self, block: Block) -> Block | None:
        labels = block.labels
        if block.type in ("resource", "data") and len(labels) == 2:
            key = f"{labels[0]}.{labels[1]}"
            return self.resources.get(key if block.type == "resource" else f"data.{key}")
        table = {"variable": self.variables, "module": self.modules, "output": self.outputs}
        if block.type in table and len(labels) == 1:
            return table[block.type].get(labels[0])
        if block.type == "provider" and labels:
            return next((p for p in self.providers if provider_key(p) == provider_key(block)),
                        None)
        return None

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


def provider_key(block: Block) -> str:
    alias = block.body.attributes.get("alias")
    name = block.labels[0]
    if alias is not None and isinstance(alias.expr, Literal) and isinstance(alias.expr.value, str):
        return f"{name}.{alias.expr.value}"
    return name


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
    # Override files are merged after every other file, in name order.
    names.sort(key=_is_override)
    for path in names:
        shown = f"{display}/{path.name}" if display not in ("", ".") else path.name
        config.files.append(shown)
        try:
            text = read_text(path)
            body = parse_tf_json(text) if path.name.endswith(".json") else parse_hcl(text, shown)
        except IacInputError as exc:
            config._error(shown, str(exc), exc.line)
            continue
        if path.name.endswith(".json"):
            body = _with_file(body, shown)
        if _is_override(path):
            config.override(body, shown)
        else:
            config.add(body, shown)
    return config


def _with_file(body: Body, file: str) -> Body:
    blocks = [Block(b.type, b.labels, b.body, b.start_line, b.end_line, file) for b in body.blocks]
    return Body(body.attributes, blocks)
