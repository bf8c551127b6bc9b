"""Hostile or runaway configurations end with a clear error, never a hang or a crash."""

from __future__ import annotations

import time
from pathlib import Path

from cloudwarden.iac import MAX_FILE_BYTES, IacError
from cloudwarden.iac.terraform import TfModule, Unknown, load_tree


def load(root: Path, text: str) -> tuple[TfModule, list[IacError]]:
    (root / "main.tf").write_text(text)
    [(module, errors)] = load_tree([root])
    return module, errors


def test_an_exponential_for_is_stopped(tmp_path: Path) -> None:
    start = time.monotonic()
    _, errors = load(tmp_path, '''
locals {
  r = range(1000)
  big = flatten([for a in local.r : [for b in local.r : [for c in local.r : c]]])
}
resource "x_thing" "t" { v = length(local.big) }
''')
    assert time.monotonic() - start < 20
    assert len(errors) == 1 and "too many steps" in errors[0].message


def test_doubling_strings_are_stopped(tmp_path: Path) -> None:
    doubling = "\n".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 40))
    _, errors = load(tmp_path, f'locals {{\n  s0 = "xxxxxxxx"\n{doubling}\n}}\n'
                     'resource "x_thing" "t" { v = local.s39 }\n')
    assert len(errors) == 1 and "above" in errors[0].message


def test_a_huge_count_is_stopped(tmp_path: Path) -> None:
    _, errors = load(tmp_path, 'resource "x_thing" "t" { count = 100000000 }\n')
    assert len(errors) == 1 and "too many steps" in errors[0].message


def test_range_keeps_terraforms_limit(tmp_path: Path) -> None:
    module, errors = load(tmp_path, 'resource "x_thing" "t" { v = range(5000) }\n')
    assert errors == []
    got = module.resources[0].values["v"]
    assert isinstance(got, Unknown) and "1024" in got.reason


def test_deeply_nested_expressions_are_a_file_error(tmp_path: Path) -> None:
    module, errors = load(tmp_path, "locals {\n  x = " + "(" * 3000 + "1" + ")" * 3000 + "\n}\n")
    assert module.resources == []
    assert len(errors) == 1 and "nested deeper" in errors[0].message and errors[0].line == 2


def test_a_file_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    with (tmp_path / "big.tf").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: refused on its size, never read
    [(_, errors)] = load_tree([tmp_path])
    assert len(errors) == 1 and "byte limit" in errors[0].message


def test_self_referencing_resource_is_a_cycle(tmp_path: Path) -> None:
    module, errors = load(tmp_path, 'resource "x_thing" "a" { v = x_thing.b.v }\n'
                                    'resource "x_thing" "b" { v = x_thing.a.v }\n')
    assert len(errors) == 1 and "cycle" in errors[0].message
    assert len(module.resources) == 2


def test_number_and_width_bombs_are_unknown(tmp_path: Path) -> None:
    squares = "\n".join(f"  n{i} = local.n{i - 1} * local.n{i - 1}" for i in range(1, 30))
    module, errors = load(tmp_path, f'''
locals {{
  n0 = 3
{squares}
}}
resource "x_thing" "t" {{
  n = local.n29
  w = format("%099999999d", 1)
  i = indent(100000000, "a\\nb")
}}
''')
    assert errors == []
    values = module.resources[0].values
    for name in ("n", "w", "i"):
        assert isinstance(values[name], Unknown), name


def test_replace_bombs_are_stopped(tmp_path: Path) -> None:
    _, errors = load(tmp_path, '''
locals {
  s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  r = replace(replace(replace(local.s, "x", local.s), "x", local.s), "x", local.s)
  t = replace(local.r, "x", local.r)
}
resource "x_thing" "t" { v = local.t }
''')
    assert len(errors) == 1 and "above" in errors[0].message
