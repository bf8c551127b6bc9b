"""The YAML cache never changes what is loaded: hits for unchanged files, re-parse otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from cloudwarden.core.yamlcache import YamlCache


def test_hit_change_and_corrupt_cache(tmp_path: Path) -> None:
    doc = tmp_path / "r.yaml"
    doc.write_text("a: 1\nb: [x, y]\n")
    cache_file = tmp_path / "cache" / "c.json"
    cache = YamlCache(cache_file)
    assert cache.load(doc) == {"a": 1, "b": ["x", "y"]}
    cache.save()
    assert cache_file.is_file()

    again = YamlCache(cache_file)
    assert again.load(doc) == {"a": 1, "b": ["x", "y"]}
    assert not again._dirty  # served from the cache

    doc.write_text("a: 2\n")
    os.utime(doc, ns=(doc.stat().st_atime_ns, doc.stat().st_mtime_ns + 10**9))
    assert YamlCache(cache_file).load(doc) == {"a": 2}

    cache_file.write_text("{not json")
    assert YamlCache(cache_file).load(doc) == {"a": 2}


def test_documents_json_cannot_represent_are_not_cached(tmp_path: Path) -> None:
    doc = tmp_path / "d.yaml"
    doc.write_text("when: 2026-01-01\n")  # YAML gives a date object
    cache = YamlCache(tmp_path / "c.json")
    assert str(cache.load(doc)["when"]) == "2026-01-01"
    assert not cache._dirty


def test_bad_yaml_still_raises(tmp_path: Path) -> None:
    doc = tmp_path / "bad.yaml"
    doc.write_text("a: [unclosed\n")
    with pytest.raises(yaml.YAMLError):
        YamlCache(tmp_path / "c.json").load(doc)


def test_unwritable_cache_is_harmless(tmp_path: Path) -> None:
    doc = tmp_path / "r.yaml"
    doc.write_text("a: 1\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = YamlCache(blocker / "sub" / "c.json")  # parent is a file: cannot be created
    assert cache.load(doc) == {"a": 1}
    cache.save()
