"""Infrastructure as code: adapters that turn files into the *same canonical assets* as the
live collectors, so one rule judges code and cloud alike ("code to cloud").

Each adapter (`terraform`, `cloudformation`, `kubernetes`, `dockerfile`) claims the files it
understands and loads them into an `IacLoad`: canonical assets whose `origin` is the
`path:start-end` range they were written in, plus one `IacError` per file it could not read.
A value the source leaves open (a variable without a value, an attribute known only after
apply) is never guessed: the asset lists it in `Asset.unknown` with a reason starting with
`cloudwarden.core.model.UNRESOLVED`, and rules reading it report `not_applicable`.

Assets from code have no cloud account: their `AssetRef.account` is `IAC_ACCOUNT`, their region
the provider's region where the code fixes it, else `""`, and their id the resource's address
in its language (`module.logs.aws_s3_bucket.this`, `LogsBucket`, `Deployment/web/api`),
prefixed by the file or module directory so that ids are unique across a scan.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cloudwarden.core.errors import CloudwardenError
from cloudwarden.core.model import Asset, AssetRef, Finding, Severity, Status

__all__ = [
    "IAC_ACCOUNT",
    "MAX_FILE_BYTES",
    "PARSE_ERROR_RULE",
    "Adapter",
    "IacError",
    "IacInputError",
    "IacLoad",
    "Location",
    "iac_ref",
    "read_text",
]

#: The account of every asset loaded from code.
IAC_ACCOUNT = "iac"
#: The rule id of the error finding a file that cannot be parsed yields.
PARSE_ERROR_RULE = "iac.parse_error"
#: Files above this size are refused with a clear error rather than parsed (IaC files are small;
#: a huge one is a generated artefact or an attack on the parser).
MAX_FILE_BYTES = 20 * 1024 * 1024


class IacInputError(CloudwardenError):
    """A file cannot be read as code: too big, binary, not UTF-8, or malformed."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Location:
    """A line range of a file (1-based, inclusive)."""

    path: str
    start: int
    end: int

    @property
    def origin(self) -> str:
        return f"{self.path}:{self.start}-{self.end}"

    @classmethod
    def parse(cls, origin: str) -> Location | None:
        """The location an asset's `origin` names, or None for a live asset (`aws:api`)."""
        path, sep, lines = origin.rpartition(":")
        if not sep or not path:
            return None
        start, dash, end = lines.partition("-")
        if not start.isdigit() or (dash and not end.isdigit()):
            return None
        return cls(path, int(start), int(end) if dash else int(start))


def iac_ref(provider: str, asset_type: str, asset_id: str, region: str = "") -> AssetRef:
    """The reference of an asset loaded from code (see the module docstring)."""
    return AssetRef(provider, IAC_ACCOUNT, region, asset_type, asset_id)


@dataclass(frozen=True, slots=True)
class IacError:
    """A file (or one part of it) that could not be loaded. It becomes an error finding and a
    non-zero exit code: a file we could not read is never a silent "0 findings"."""

    framework: str
    path: str
    message: str
    line: int = 0

    def to_finding(self) -> Finding:
        ref = iac_ref("iac", "iac.file", self.path)
        where = f"{self.path}:{self.line}" if self.line else self.path
        return Finding(PARSE_ERROR_RULE, ref, Status.ERROR, Severity.HIGH,
                       f"{self.framework}: cannot parse {where}: {self.message}")


@dataclass(slots=True)
class IacLoad:
    """What one adapter made of the files it claimed."""

    framework: str
    assets: list[Asset] = field(default_factory=list)
    errors: list[IacError] = field(default_factory=list)
    #: every file the adapter read (parsed or not), for suppressions and the summary
    files: list[str] = field(default_factory=list)
    #: informational notes for the user (a tool not found, a remote module not fetched):
    #: not errors, the scan is complete without them
    notes: list[str] = field(default_factory=list)


class Adapter(Protocol):
    """One IaC language. `claims` is cheap (name, extension, first bytes); `load` never raises
    for a bad file: it records an `IacError` and goes on with the others."""

    name: str

    def claims(self, path: Path, head: bytes) -> bool: ...

    def load(self, paths: Sequence[Path]) -> IacLoad: ...


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A source file's text, or a clear `IacInputError` (too big, binary, not UTF-8)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise IacInputError("not a regular file")
        size = info.st_size
        if size > max_bytes:
            raise IacInputError(f"file is {size:,} bytes, above the {max_bytes:,} byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise IacInputError(f"cannot read: {exc.strerror or exc}") from None
    if b"\0" in data[:8192]:
        raise IacInputError("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IacInputError(f"not UTF-8 text (byte {exc.start})", line) from None
