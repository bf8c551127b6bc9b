"""A progress display for long scans (on stderr, so stdout stays clean for reports)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, int, int], None]


@contextmanager
def scan_progress() -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    err = Console(stderr=True)
    with RichProgress(TextColumn("[bold]collecting[/]"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                      transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def update(detail: str, done: int, total: int) -> None:
            bar.update(task, description=detail, completed=done, total=total or None)

        yield update
