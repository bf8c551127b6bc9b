"""Dockerfiles: one `dockerfile.stage` asset per FROM, judged by the `dockerfile.*` rules.

The adapter claims `Dockerfile`, `Dockerfile.*`, `*.Dockerfile` and `Containerfile` (any case),
parses them itself (`parser`: continuations, comments, directives, exec form, heredocs), splits
RUN commands (`shell`) and builds the stage documents (`stages`). A file it cannot read (binary,
too big, an unterminated heredoc, no FROM) becomes an `IacError` naming the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath

from cloudwarden.core.model import Asset
from cloudwarden.iac import IacError, IacInputError, IacLoad, Location, iac_ref, read_text
from cloudwarden.iac.dockerfile.parser import parse_dockerfile
from cloudwarden.iac.dockerfile.stages import build_stages

__all__ = ["MAX_DOCKERFILE_BYTES", "DockerfileAdapter", "is_dockerfile", "load_dockerfile"]

ASSET_TYPE = "dockerfile.stage"
#: A hand-written Dockerfile is a few kilobytes; a bigger one is generated or hostile.
MAX_DOCKERFILE_BYTES = 2 * 1024 * 1024
_NOT_DOCKERFILES = (".md", ".rst", ".txt", ".adoc", ".html", ".dockerignore")


def is_dockerfile(path: PurePath) -> bool:
    name = path.name.lower()
    if name.endswith(_NOT_DOCKERFILES):
        return False
    return (name in ("dockerfile", "containerfile")
            or name.startswith(("dockerfile.", "containerfile."))
            or name.endswith(".dockerfile"))


def load_dockerfile(label: str, text: str) -> list[Asset]:
    """The stage assets of one Dockerfile's text; raises `IacInputError`."""
    parsed = parse_dockerfile(text)
    assets: list[Asset] = []
    for stage in build_stages(label, parsed.instructions):
        props = stage.props
        key = props["Name"] or str(props["Index"])
        ref = iac_ref("dockerfile", ASSET_TYPE, f"{label}#{key}")
        assets.append(Asset(ref, f"{label} stage {key}", props,
                            origin=Location(label, stage.start, stage.end).origin,
                            unknown=dict(stage.unknown)))
    return assets


class DockerfileAdapter:
    """Loads Dockerfiles (see the module docstring)."""

    name = "dockerfile"

    def claims(self, path: Path, head: bytes) -> bool:
        return is_dockerfile(path)

    def load(self, paths: Sequence[Path]) -> IacLoad:
        out = IacLoad(self.name)
        for path in paths:
            label = path.as_posix()
            out.files.append(label)
            try:
                text = read_text(path, max_bytes=MAX_DOCKERFILE_BYTES)
                out.assets.extend(load_dockerfile(label, text))
            except IacInputError as exc:
                out.errors.append(IacError(self.name, label, str(exc), exc.line))
            except RecursionError:
                out.errors.append(IacError(self.name, label, "nested too deeply to parse"))
            except Exception as exc:  # a parser bug must not lose the other files of the scan
                # the kind of failure only: an exception's text may quote the source
                out.errors.append(IacError(self.name, label,
                                           f"internal error ({type(exc).__name__})"))
        return out
