"""Parsed YAML documents remembered between runs, so the CLI starts fast with a large catalog.

PyYAML takes most of the time of loading a few hundred rule files; JSON reads ten times faster.
The cache is one JSON file in the user's cache directory mapping a file's path to its
modification time, size and parsed document. Only documents that JSON represents exactly are
cached (plain mappings, lists, text, numbers, booleans, null); anything else, an unreadable or
unwritable cache, or a changed file simply means parsing the YAML again. JSON, never pickle:
reading the cache cannot run code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["YamlCache"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FORMAT = 1


def _plain(value: Any) -> bool:
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) is list:
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


class YamlCache:
    def __init__(self, location: Path | None) -> None:
        self.location = location
        self._entries: dict[str, Any] = {}
        self._dirty = False
        if location is not None:
            try:
                data = json.loads(location.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("format") == _FORMAT:
                    self._entries = dict(data.get("entries") or {})
            except (OSError, ValueError):
                self._entries = {}

    @classmethod
    def default(cls) -> YamlCache:
        if os.environ.get("CLOUDWARDEN_NO_CACHE"):
            return cls(None)
        try:
            from platformdirs import user_cache_dir

            return cls(Path(user_cache_dir("cloudwarden")) / "yaml-cache.json")
        except Exception:  # no cache is always an acceptable answer
            return cls(None)

    def load(self, path: Path) -> Any:
        """The parsed document of `path` (raises like yaml.load on a bad file)."""
        stat = path.stat()
        key = str(path.resolve())
        stamp = [stat.st_mtime_ns, stat.st_size]
        hit = self._entries.get(key)
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == stamp:
            return hit[1]
        with path.open("rb") as fh:
            doc = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader is chosen above
        if _plain(doc):
            self._entries[key] = [stamp, doc]
            self._dirty = True
        return doc

    def save(self) -> None:
        """Write the cache back if anything changed; never fails the caller."""
        if not self._dirty or self.location is None:
            return
        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.location.with_name(self.location.name + f".{os.getpid()}.partial")
            tmp.write_text(json.dumps({"format": _FORMAT, "entries": self._entries}),
                           encoding="utf-8")
            tmp.replace(self.location)
            self._dirty = False
        except OSError:
            pass
