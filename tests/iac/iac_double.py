"""A small but real IaC adapter for tests: the orchestration (discovery, suppressions, the
service, SARIF, the CLI) is tested against it independently of the real Terraform or
CloudFormation readers.

It reads `.kv` files, a trivial block format that makes canonical S3 bucket assets:

    bucket logs {
      versioning Enabled
    }

Each `bucket NAME {` ... `}` block is one `aws.s3.bucket` asset whose origin is the block's line
range. `#` and `//` start comments. Anything else is an `IacError` naming the line, and the
adapter goes on with the next file, as the `Adapter` protocol asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac import IacError, IacInputError, IacLoad, Location, iac_ref, read_text
from cloudwarden.iac.discover import AdapterOptions, AdapterSpec

NAME = "kv"


class KeyValueAdapter:
    name = NAME

    def __init__(self, options: AdapterOptions | None = None) -> None:
        self.options = options or AdapterOptions()

    def claims(self, path: Path, head: bytes) -> bool:
        return path.suffix == ".kv"

    def load(self, paths: Sequence[Path]) -> IacLoad:
        out = IacLoad(NAME)
        for path in paths:
            out.files.append(str(path))
            try:
                out.assets.extend(self._parse(path))
            except IacInputError as exc:
                out.errors.append(IacError(NAME, str(path), str(exc), exc.line))
        return out

    def _parse(self, path: Path) -> list[Asset]:
        assets: list[Asset] = []
        block: dict[str, Any] | None = None
        for number, raw in enumerate(read_text(path).splitlines(), start=1):
            line = raw.split("#", 1)[0].split("//", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if block is None and len(words) == 3 and words[0] == "bucket" and words[2] == "{":
                block = {"name": words[1], "start": number, "versioning": None}
            elif block is not None and words == ["}"]:
                loc = Location(str(path), block["start"], number)
                ref = iac_ref("aws", "aws.s3.bucket", f"{path}:bucket.{block['name']}")
                props = {"Name": block["name"],
                         "Versioning": {"Status": block["versioning"], "MFADelete": None}}
                assets.append(Asset(ref, block["name"], props, origin=loc.origin))
                block = None
            elif block is not None and len(words) == 2 and words[0] == "versioning":
                block["versioning"] = words[1]
            else:
                raise IacInputError(f"unexpected {line!r}", number)
        if block is not None:
            raise IacInputError(f"bucket {block['name']} is not closed", block["start"])
        return assets


def kv_spec() -> AdapterSpec:
    return AdapterSpec(NAME, KeyValueAdapter, "test double: .kv bucket blocks")


class TextAdapter:
    """Claims every file whose first bytes decode as UTF-8 text, like a secrets scanner; it
    loads nothing. Used to show that one file may be claimed by several adapters."""

    name = "text"

    def __init__(self, options: AdapterOptions | None = None) -> None:
        self.seen: list[Path] = []

    def claims(self, path: Path, head: bytes) -> bool:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\0" not in head

    def load(self, paths: Sequence[Path]) -> IacLoad:
        self.seen.extend(paths)
        return IacLoad(self.name, files=[str(p) for p in paths])


def text_spec() -> AdapterSpec:
    return AdapterSpec("text", TextAdapter, "test double: every text file")
