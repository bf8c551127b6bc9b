"""Following growing log files, as `tail -F` does: `cloudwarden detect --follow`.

Each followed file is read by its own thread through a `FollowReader`, a `read(n)` object that
waits for more data at the end of the file instead of ending, so the ordinary streaming parsers
run unchanged. A file that is rotated (replaced: another inode) or truncated is reopened from
its start, so no line of the new file is missed. Setting the stop event ends every reader at its
current end; the parsers then finish their last record, and the run ends normally (detector
state saved, alerts stored): stopping a follow loses nothing already written to the logs.

Following suits line-oriented logs (JSON lines, auth.log, syslog, auditd, DNS and flow logs):
events flow as lines are written. A source that is one JSON document (a delivered CloudTrail
file) is only complete at its end: it is read when the follow stops.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from cloudwarden.core.events import Event
from cloudwarden.detect.sources._base import ParseStats

__all__ = ["FollowReader", "follow_events"]

#: seconds between looks at a file that has no new data
POLL_SECONDS = 0.25


class FollowReader:
    """A `read(n)` over a file that waits at its end until more is written or `stop` is set."""

    def __init__(self, path: Path, stop: threading.Event, *, from_end: bool = False,
                 poll: float = POLL_SECONDS) -> None:
        self.path = path
        self.name = str(path)
        self._stop = stop
        self._poll = poll
        self._handle = open(path, "rb")  # noqa: SIM115 - kept open while following
        self._inode = os.fstat(self._handle.fileno()).st_ino
        if from_end:
            self._handle.seek(0, os.SEEK_END)

    def read(self, size: int = -1, /) -> bytes:
        while True:
            data = self._handle.read(size if size > 0 else 1 << 16)
            if data:
                return data
            if self._stop.is_set():
                return b""
            self._reopen_if_rotated()
            self._stop.wait(self._poll)

    def _reopen_if_rotated(self) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:  # between a rotation's rename and the new file: wait
            return
        if stat.st_ino != self._inode or stat.st_size < self._handle.tell():
            self._handle.close()
            self._handle = open(self.path, "rb")  # noqa: SIM115
            self._inode = os.fstat(self._handle.fileno()).st_ino

    def close(self) -> None:
        self._handle.close()


_DONE = object()


def follow_events(paths: Sequence[str | os.PathLike[str]], source: str | None,
                  stats: ParseStats, stop: threading.Event, *,
                  from_end: bool = False, poll: float = POLL_SECONDS) -> Iterator[Event]:
    """Events of every file at `paths` (directories: the files in them now) as they are
    written, until `stop` is set and every file has been read to its end."""
    from cloudwarden.detect.sources import _read_one, _walk

    files: list[Path] = []
    for path in paths:
        text = os.fspath(path)
        if text.startswith("s3://"):
            raise ValueError("--follow reads local files; an s3:// prefix cannot be followed")
        files.extend(_walk(Path(text)) if os.path.isdir(text) else [Path(text)])
    out: queue.Queue[object] = queue.Queue(maxsize=10_000)
    lock = threading.Lock()  # ParseStats is shared by the reader threads

    def run(file: Path) -> None:
        local = ParseStats()
        try:
            reader = FollowReader(file, stop, from_end=from_end, poll=poll)
        except OSError as exc:
            with lock:
                stats.problem(str(file), f"cannot read: {exc}")
            out.put(_DONE)
            return
        try:
            for event in _read_one(reader, str(file), source, local):
                out.put(event)
        except Exception as exc:  # a parser bug: this file stops, said, the others go on
            local.problem(str(file), f"reading stopped: {type(exc).__name__}: {exc}")
        finally:
            reader.close()
            with lock:
                stats.records += local.records
                stats.events += local.events
                stats.skipped += local.skipped
                stats.files += local.files
                for problem in local.examples:
                    stats.problem(problem.origin, problem.reason)
                stats.malformed += local.malformed - len(local.examples)
            out.put(_DONE)

    threads = [threading.Thread(target=run, args=(f,), name=f"follow:{f}", daemon=True)
               for f in files]
    for thread in threads:
        thread.start()
    running = len(threads)
    while running:
        item = out.get()
        if item is _DONE:
            running -= 1
        else:
            assert isinstance(item, Event)
            yield item
