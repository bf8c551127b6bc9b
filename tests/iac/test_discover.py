from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from iac_double import KeyValueAdapter, TextAdapter, kv_spec, text_spec

from cloudwarden.iac.discover import (
    ADAPTERS,
    IacUsageError,
    discover,
    make_adapters,
    parse_frameworks,
)

REGISTRY = {"kv": kv_spec(), "text": text_spec()}


def _tree(root: Path) -> None:
    for rel, text in {
        "main.kv": "bucket a {\n}\n",
        "sub/more.kv": "bucket b {\n}\n",
        "sub/readme.md": "docs\n",
        ".git/objects/x.kv": "bucket git {\n}\n",
        ".terraform/modules/m/vendored.kv": "bucket tf {\n}\n",
        "node_modules/pkg/dep.kv": "bucket npm {\n}\n",
        ".venv/lib/site.kv": "bucket venv {\n}\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "image.bin").write_bytes(b"\x89PNG\0\0\xff\xfe")


def _names(paths: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_walk_skips_tool_directories_and_hands_each_adapter_its_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    kv, text = KeyValueAdapter(), TextAdapter()
    found = discover([tmp_path], [kv, text])
    assert _names(found.claimed["kv"], tmp_path) == ["main.kv", "sub/more.kv"]
    # a file may be claimed by several adapters; the binary file by none
    assert _names(found.claimed["text"], tmp_path) == ["main.kv", "sub/more.kv",
                                                       "sub/readme.md"]
    assert found.seen == 4
    assert found.files == 3
    assert found.errors == []


def test_an_explicit_file_is_scanned_even_in_a_skipped_directory(tmp_path: Path) -> None:
    _tree(tmp_path)
    target = tmp_path / ".terraform/modules/m/vendored.kv"
    found = discover([target, tmp_path / "main.kv", target], [KeyValueAdapter()])
    assert found.claimed["kv"] == [target, tmp_path / "main.kv"]  # each file once


def test_symlinks_leaving_the_root_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.kv").write_text("bucket outside {\n}\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "inner").mkdir(parents=True)
    (root / "inner" / "real.kv").write_text("bucket in {\n}\n", encoding="utf-8")
    os.symlink(outside, root / "link-dir")
    os.symlink(outside / "secret.kv", root / "link-file.kv")
    os.symlink(root / "inner" / "real.kv", root / "alias.kv")  # stays inside: followed
    os.symlink(root, root / "inner" / "loop")  # back to the root: walked once, no loop
    found = discover([root], [KeyValueAdapter()])
    # the inside alias and its target are one file, read once; nothing from outside
    assert [p.resolve() for p in found.claimed["kv"]] == [(root / "inner/real.kv").resolve()]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(IacUsageError, match="no such file or directory"):
        discover([tmp_path / "nope"], [KeyValueAdapter()])


def test_a_claims_bug_does_not_stop_the_walk(tmp_path: Path) -> None:
    class Broken(KeyValueAdapter):
        name = "broken"

        def claims(self, path: Path, head: bytes) -> bool:
            raise RuntimeError("boom")

    _tree(tmp_path)
    found = discover([tmp_path], [Broken(), KeyValueAdapter()])
    assert found.claimed["broken"] == []
    assert len(found.claimed["kv"]) == 2


def test_claims_sees_the_first_4_kib(tmp_path: Path) -> None:
    heads: list[int] = []

    class Recorder(KeyValueAdapter):
        def claims(self, path: Path, head: bytes) -> bool:
            heads.append(len(head))
            return False

    (tmp_path / "big.txt").write_text("x" * 10_000, encoding="utf-8")
    (tmp_path / "small.txt").write_text("y", encoding="utf-8")
    discover([tmp_path], [Recorder()])
    assert heads == [4096, 1]


def test_framework_filter_keeps_registry_order() -> None:
    assert parse_frameworks(None, REGISTRY) == ["kv", "text"]
    assert parse_frameworks(["text", " KV "], REGISTRY) == ["kv", "text"]
    assert parse_frameworks(["text"], REGISTRY) == ["text"]
    adapters = make_adapters(["text"], registry=REGISTRY)
    assert [a.name for a in adapters] == ["text"]


def test_unknown_framework_lists_the_valid_ones() -> None:
    with pytest.raises(IacUsageError, match=r"unknown framework 'helm'; expected one of kv, "
                                            r"text"):
        parse_frameworks(["kv", "helm"], REGISTRY)


def test_registry_names_are_the_documented_frameworks() -> None:
    documented = {"terraform", "cloudformation", "kubernetes", "dockerfile", "secrets"}
    assert set(ADAPTERS) <= documented
    for name, spec in ADAPTERS.items():
        assert spec.name == name and spec.description


def test_importing_discovery_imports_no_adapter() -> None:
    code = (
        "import sys, cloudwarden.iac.discover, cloudwarden.service.iac\n"
        "heavy = [m for m in sys.modules if m.startswith(('tree_sitter', 'kubernetes', "
        "'cloudwarden.iac.terraform', 'cloudwarden.iac.cloudformation', 'cloudwarden.rules'))]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
