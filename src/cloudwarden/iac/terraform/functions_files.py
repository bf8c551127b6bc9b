"""Terraform's filesystem, template and network functions, and the full function table.

`file()` and `templatefile()` read only inside the scanned root: a configuration naming
`/etc/shadow` or `../../secrets` gets an `Unknown` saying the file was not read, never its
content (which could otherwise surface in findings).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudwarden.iac import IacInputError, read_text
from cloudwarden.iac.terraform.expressions import Expr, Scope
from cloudwarden.iac.terraform.functions import Function, Impl, call_function, core_functions
from cloudwarden.iac.terraform.functions_text import text_functions
from cloudwarden.iac.terraform.model import Unknown
from cloudwarden.iac.terraform.parse import parse_template
from cloudwarden.iac.terraform.values import Budget, EvalError, to_number, to_str

__all__ = ["FileAccess", "builtin_functions"]

#: Files read by `file()`/`templatefile()` above this size are refused.
MAX_READ_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileAccess:
    """Where relative paths start (the root module: Terraform's working directory) and the
    directory no read may leave (the scanned root); both resolved."""

    base: Path
    allowed: Path

    def resolve(self, name: str) -> Path | Unknown:
        if name.startswith("~"):
            return Unknown(f"{name!r} is in a home directory, not read")
        path = Path(os.path.realpath(self.base / name))
        if not path.is_relative_to(self.allowed):
            return Unknown(f"file {name!r} is outside the scanned path, not read")
        return path

    def read(self, name: str) -> str | Unknown:
        path = self.resolve(name)
        if isinstance(path, Unknown):
            return path
        try:
            return read_text(path, max_bytes=MAX_READ_BYTES)
        except IacInputError as exc:
            raise EvalError(f"cannot read {name!r}: {exc}") from None


class _TemplateContext:
    """`templatefile()` sees only its variables and the functions (no nested templatefile)."""

    def __init__(self, table: dict[str, Function], budget: Budget) -> None:
        self.table = table
        self.budget = budget

    def root(self, name: str) -> Any:
        raise EvalError(f"templatefile(): no variable {name!r} in the template's variables")

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "templatefile":
            raise EvalError("templatefile() cannot be called from a template")
        return call_function(self.table, name, args)


def _file_functions(files: FileAccess, table: dict[str, Function],
                    budget: Budget) -> dict[str, Function]:
    templates: dict[Path, Expr] = {}

    def file(a: list[Any]) -> Any:
        return files.read(to_str(a[0]))

    def fileexists(a: list[Any]) -> Any:
        path = files.resolve(to_str(a[0]))
        return path if isinstance(path, Unknown) else path.is_file()

    def digest(name: str, encode: bool = False) -> Impl:
        def run(a: list[Any]) -> Any:
            text = files.read(to_str(a[0]))
            if isinstance(text, Unknown):
                return text
            data = text.encode("utf-8")
            if encode:
                return base64.b64encode(data).decode()
            return hashlib.new(name, data).hexdigest()
        return run

    def templatefile(a: list[Any]) -> Any:
        path = files.resolve(to_str(a[0]))
        if isinstance(path, Unknown):
            return path
        variables = a[1]
        if not isinstance(variables, dict):
            raise EvalError("templatefile(): the variables must be an object")
        expr = templates.get(path)
        if expr is None:
            text = files.read(to_str(a[0]))
            if isinstance(text, Unknown):
                return text
            try:
                expr = templates[path] = parse_template(text)
            except IacInputError as exc:
                raise EvalError(f"templatefile(): {a[0]}: {exc}") from None
        value = expr.eval(Scope(_TemplateContext(table, budget), dict(variables)))
        return value if isinstance(value, Unknown) else to_str(value)

    f = Function
    return {
        "file": f(file, (1, 1)),
        "fileexists": f(fileexists, (1, 1)),
        "filebase64": f(digest("", encode=True), (1, 1)),
        "filemd5": f(digest("md5"), (1, 1)),
        "filesha1": f(digest("sha1"), (1, 1)),
        "filesha256": f(digest("sha256"), (1, 1)),
        "filesha512": f(digest("sha512"), (1, 1)),
        "templatefile": f(templatefile, (2, 2)),
        "abspath": f(lambda a: Unknown("abspath() depends on the machine running Terraform"),
                     (1, 1)),
        "pathexpand": f(lambda a: Unknown("pathexpand() depends on the home directory"), (1, 1)),
        "dirname": f(lambda a: os.path.dirname(to_str(a[0])), (1, 1)),
        "basename": f(lambda a: os.path.basename(to_str(a[0])), (1, 1)),
    }


def _network(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(to_str(text), strict=False)
    except ValueError as exc:
        raise EvalError(f"invalid CIDR prefix: {exc}") from None


def _cidrsubnet(a: list[Any]) -> Any:
    net, newbits, num = _network(a[0]), int(to_number(a[1])), int(to_number(a[2]))
    prefix = net.prefixlen + newbits
    if newbits < 0 or prefix > net.max_prefixlen:
        raise EvalError("cidrsubnet(): not enough bits for the new prefix")
    if not 0 <= num < 2 ** newbits:
        raise EvalError(f"cidrsubnet(): network number {num} does not fit in {newbits} bits")
    size = 2 ** (net.max_prefixlen - prefix)
    base = int(net.network_address) + num * size
    return str(ipaddress.ip_network((base, prefix)))


def _cidrsubnets(a: list[Any]) -> Any:
    net = _network(a[0])
    out: list[str] = []
    current = int(net.network_address)
    end = int(net.broadcast_address)
    for bits in a[1:]:
        prefix = net.prefixlen + int(to_number(bits))
        if prefix > net.max_prefixlen:
            raise EvalError("cidrsubnets(): not enough bits")
        size = 2 ** (net.max_prefixlen - prefix)
        current = -(-current // size) * size
        if current + size - 1 > end:
            raise EvalError("cidrsubnets(): the subnets do not fit in the prefix")
        out.append(str(ipaddress.ip_network((current, prefix))))
        current += size
    return out


def _cidrhost(a: list[Any]) -> Any:
    net, num = _network(a[0]), int(to_number(a[1]))
    if num < 0:
        num += net.num_addresses
    if not 0 <= num < net.num_addresses:
        raise EvalError(f"cidrhost(): host number {a[1]} out of range")
    return str(ipaddress.ip_address(int(net.network_address) + num))


def _network_functions() -> dict[str, Function]:
    f = Function
    return {
        "cidrsubnet": f(_cidrsubnet, (3, 3)),
        "cidrsubnets": f(_cidrsubnets, (1, None)),
        "cidrhost": f(_cidrhost, (2, 2)),
        "cidrnetmask": f(lambda a: str(_network(a[0]).netmask), (1, 1)),
    }


def builtin_functions(files: FileAccess, budget: Budget) -> dict[str, Function]:
    """Every function available to one root module."""
    table: dict[str, Function] = {}
    table.update(core_functions())
    table.update(text_functions())
    table.update(_network_functions())
    table.update(_file_functions(files, table, budget))
    return table
