"""Is the process that started a scan still alive? Used to spot scans abandoned by a crash."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["process_alive", "process_start"]


def process_start(pid: int) -> str | None:
    """The kernel's start time of a process (Linux), which tells a reused pid from the original.

    None where /proc is not available; liveness then rests on the pid alone.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # Field 22 (starttime); count after the ")" closing the command name, which may hold spaces.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def process_alive(pid: int, started: str | None) -> bool:
    """Whether `pid` on this host still runs and (when known) is the same process."""
    if pid <= 0 or sys.platform == "win32":
        # On Windows os.kill() would terminate the process; rely on the age limit there.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    if started is None:
        return True
    current = process_start(pid)
    return current is None or current == started
