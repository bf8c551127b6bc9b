"""Opening an input as a buffered binary stream: a path, an open binary file or any object with
`read(n)` (an S3 body); gzip recognised by its magic bytes, not the file name. Lines are read one
at a time with a length cap, so memory stays flat whatever the file size."""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

__all__ = ["Input", "Readable", "input_name", "iter_lines", "open_input", "sniff"]

_GZIP_MAGIC = b"\x1f\x8b"
_BUFFER = 1 << 16
#: longest line (or whole JSON document) read at once; longer ones are malformed
MAX_RECORD_BYTES = 256 << 20
SNIFF_BYTES = 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


Input = str | os.PathLike[str] | Readable


class _RawReader(io.RawIOBase):
    """Adapts any `read(n)` object to the raw IO interface that `io.BufferedReader` wraps."""

    def __init__(self, source: Readable) -> None:
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def input_name(data: Input, name: str | None = None) -> str:
    if name:
        return name
    if isinstance(data, str | os.PathLike):
        return os.fspath(data)
    return str(getattr(data, "name", "<stream>"))


@contextmanager
def open_input(data: Input) -> Iterator[io.BufferedReader]:
    """`data` as a buffered binary reader, gunzipped when it starts with the gzip magic."""
    if isinstance(data, str | os.PathLike):
        with open(data, "rb") as handle:
            yield _ungzip(handle)
    else:
        reader = (
            data
            if isinstance(data, io.BufferedReader)
            else io.BufferedReader(_RawReader(data), _BUFFER)
        )
        yield _ungzip(reader)


def _ungzip(reader: io.BufferedReader) -> io.BufferedReader:
    if reader.peek(2)[:2] != _GZIP_MAGIC:
        return reader
    return io.BufferedReader(_RawReader(gzip.GzipFile(fileobj=reader, mode="rb")), _BUFFER)


def sniff(reader: io.BufferedReader, size: int = SNIFF_BYTES) -> bytes:
    """Up to `size` first bytes, without consuming them."""
    return reader.peek(size)[:size]


def iter_lines(
    reader: io.BufferedReader, limit: int = MAX_RECORD_BYTES
) -> Iterator[tuple[int, bytes | None]]:
    """`(line number, line without its newline)`; `None` for a line longer than `limit`, whose
    rest is skipped in chunks so it never sits whole in memory."""
    number = 0
    while True:
        line = reader.readline(limit)
        if not line:
            return
        number += 1
        if line.endswith(b"\n"):
            yield number, line.rstrip(b"\r\n")
            continue
        if len(line) < limit:  # last line without a newline
            yield number, line.rstrip(b"\r")
            return
        while line and not line.endswith(b"\n"):
            line = reader.readline(limit)
        yield number, None
