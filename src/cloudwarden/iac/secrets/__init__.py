"""Secrets in code and configuration files: one `secrets.file` asset per file scanned.

The adapter claims configuration, IaC and script files (`.tf`, `.yaml`, `.json`, `.env`,
`.properties`, `.ini`, `Dockerfile`, `.sh`, `.py`, key files...). Each file becomes an asset
listing the secrets found in it (kind, line, attribute, redacted fingerprint; see
`cloudwarden.assets.iac`), and the `secrets.*` rules judge those assets, so findings, SARIF,
exit codes and exemptions work as for any other rule. The secret values themselves are never
stored, logged or shown. What counts as a secret is decided in `values` and `detect`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath

from cloudwarden.core.model import Asset
from cloudwarden.iac import (
    MAX_FILE_BYTES,
    IacError,
    IacInputError,
    IacLoad,
    Location,
    iac_ref,
    read_text,
)
from cloudwarden.iac.secrets.detect import Hit, line_numbers, redact_text, scan_text
from cloudwarden.iac.secrets.values import fingerprint, is_placeholder, name_class

__all__ = ["SecretsAdapter", "file_format", "fingerprint", "is_placeholder", "name_class",
           "redact_text", "scan_file", "scan_text"]

ASSET_TYPE = "secrets.file"

_BY_SUFFIX = {
    ".tf": "terraform", ".tfvars": "terraform", ".hcl": "terraform",
    ".yaml": "yaml", ".yml": "yaml",
    ".json": "json", ".tfstate": "json",
    ".env": "env", ".envrc": "env",
    ".properties": "properties",
    ".ini": "ini", ".cfg": "ini", ".conf": "ini", ".toml": "toml",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ps1": "shell",
    ".py": "python",
    ".js": "code", ".ts": "code", ".rb": "code", ".go": "code", ".java": "code",
    ".php": "code",
    ".pem": "pem", ".key": "pem",
}
_BY_NAME = {
    "dockerfile": "dockerfile", "containerfile": "dockerfile",
    ".npmrc": "ini", ".pypirc": "ini", ".netrc": "text", ".git-credentials": "text",
    "credentials": "ini", "id_rsa": "pem", "id_dsa": "pem", "id_ecdsa": "pem",
    "id_ed25519": "pem",
}


def file_format(path: PurePath) -> str | None:
    """How a file is read for secrets, or None if the scanner does not claim it."""
    name = path.name.lower()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith(".env"):
        return "env"
    if name.endswith(".tfstate.backup"):  # Terraform state holds every secret in plain text
        return "json"
    if name.startswith(("dockerfile.", "containerfile.")) or name.endswith(".dockerfile"):
        return "dockerfile"
    return _BY_SUFFIX.get(PurePath(name).suffix)


def _read(path: Path) -> str:
    """The file's text: UTF-8 as every adapter reads it, or UTF-16 when a byte order mark says
    so (Windows tools write .ps1, .ini and .config files that way)."""
    try:
        with path.open("rb") as fh:
            bom = fh.read(2)
    except OSError:
        bom = b""
    if bom not in (b"\xff\xfe", b"\xfe\xff"):
        return read_text(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise IacInputError(f"file is {size:,} bytes, above the {MAX_FILE_BYTES:,} byte limit")
    try:
        return path.read_bytes().decode("utf-16")
    except UnicodeDecodeError as exc:
        raise IacInputError(f"not UTF-16 text (byte {exc.start})") from None


def _secret(path: str, hit: Hit, line: int) -> dict[str, object]:
    return {"Kind": hit.kind, "Line": line, "Attribute": hit.attribute,
            "Fingerprint": hit.fingerprint, "Location": f"{path}:{line}"}


def scan_file(path: str, text: str, fmt: str) -> Asset:
    """The `secrets.file` asset of one file's text."""
    hits = scan_text(text, fmt)
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    secrets = [_secret(path, hit, line) for hit, line in zip(hits, line_numbers(text, hits),
                                                            strict=True)]
    props = {"Path": path, "Format": fmt, "Lines": lines, "Secrets": secrets}
    return Asset(iac_ref("secrets", ASSET_TYPE, path), path, props,
                 origin=Location(path, 1, max(lines, 1)).origin)


class SecretsAdapter:
    """Scans the files it claims for secrets (see the module docstring)."""

    name = "secrets"

    def claims(self, path: Path, head: bytes) -> bool:
        return file_format(path) is not None

    def load(self, paths: Sequence[Path]) -> IacLoad:
        out = IacLoad(self.name)
        for path in paths:
            label = path.as_posix()
            out.files.append(label)
            fmt = file_format(path) or "text"
            try:
                text = _read(path)
            except IacInputError as exc:
                out.errors.append(IacError(self.name, label, str(exc), exc.line))
                continue
            try:
                out.assets.append(scan_file(label, text, fmt))
            except Exception as exc:  # a scanner bug must not lose the other files
                # the kind of failure only: an exception's text may quote the file's values
                out.errors.append(IacError(self.name, label,
                                           f"internal error ({type(exc).__name__})"))
        return out
