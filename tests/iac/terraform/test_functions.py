"""Terraform's built-in functions, evaluated through real configuration text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloudwarden.iac.terraform import Unknown, load_tree


def value(root: Path, expr: str, prelude: str = "") -> Any:
    (root / "main.tf").write_text(f'{prelude}\nresource "x_thing" "t" {{\n  v = {expr}\n}}\n')
    [(module, errors)] = load_tree([root])
    assert errors == []
    return module.resources[0].values["v"]


@pytest.mark.parametrize(("expr", "expected"), [
    ('jsonencode({b = [1, "x<"], a = true, n = null})', '{"a":true,"b":[1,"x\\u003c"],"n":null}'),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, 2.5]}),
    ('yamlencode({a = [1, "b"]})', "a:\n- 1\n- b\n"),
    ('yamldecode("a: [1, b]")', {"a": [1, "b"]}),
    ("merge({a = 1, b = 2}, {b = 3}, null)", {"a": 1, "b": 3}),
    ("concat([1], [2, 3], [])", [1, 2, 3]),
    ('lookup({a = 1}, "b", 0)', 0),
    ("element([1, 2, 3], 4)", 2),
    ('length("abc") + length([1]) + length({a = 1})', 5),
    ("keys({b = 1, a = 2})", ["a", "b"]),
    ("values({b = 1, a = 2})", [2, 1]),
    ('join("-", ["a", "b"], ["c"])', "a-b-c"),
    ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
    ('format("%s-%03d-%.1f-%t-%q-%%-%v", "x", 7, 2.25, true, "q", [1])',
     'x-007-2.2-true-"q"-%-[1]'),
    ('formatlist("%s=%s", ["a", "b"], "v")', ["a=v", "b=v"]),
    ('lower("AbC")', "abc"),
    ('upper("abc")', "ABC"),
    ('replace("a-b-c", "-", "+")', "a+b+c"),
    ('replace("ab12cd345", "/([a-z]+)(\\\\d+)/", "$2$1")', "12ab345cd"),
    ('trimspace("  x \\n")', "x"),
    ('tostring(5)', "5"),
    ('tonumber("2.5")', 2.5),
    ('tobool("true")', True),
    ("tolist([1, 2])", [1, 2]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ("tomap({a = 1})", {"a": 1}),
    ("flatten([[1, [2]], [], 3])", [1, 2, 3]),
    ("distinct([1, 2, 1, [1], [1]])", [1, 2, [1]]),
    ('contains(["a", "b"], "b")', True),
    ('coalesce("", null, "x")', "x"),
    ('compact(["a", "", null, "b"])', ["a", "b"]),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('try({a = 1}.b, "fallback")', "fallback"),
    ("can({a = 1}.b)", False),
    ("can({a = 1}.a)", True),
    ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
    ('cidrsubnet("fd00::/56", 8, 1)', "fd00:0:0:1::/64"),
    ('cidrhost("10.0.1.0/24", 5)', "10.0.1.5"),
    ('cidrhost("10.0.1.0/24", -1)', "10.0.1.255"),
    ('cidrnetmask("10.0.0.0/12")', "255.240.0.0"),
    ('cidrsubnets("10.0.0.0/16", 8, 4)', ["10.0.0.0/24", "10.0.16.0/20"]),
    ('base64encode("hi")', "aGk="),
    ('base64decode("aGk=")', "hi"),
    ('md5("a")', "0cc175b9c0f1b6a831c399e269772661"),
    ('sha256("a")', "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
    ("range(3)", [0, 1, 2]),
    ("range(1, 7, 2)", [1, 3, 5]),
    ("min(3, 1.5) + max(2, 4)", 5.5),
    ("abs(-2)", 2),
    ("ceil(1.2) + floor(1.8)", 3),
    ('substr("hello", 1, 3)', "ell"),
    ('substr("hello", -3, -1)', "llo"),
    ('startswith("arn:aws", "arn:")', True),
    ('endswith("file.tf", ".json")', False),
    ('regex("(\\\\d+)-(\\\\d+)", "a 10-20")', ["10", "20"]),
    ('regex("(?P<y>\\\\d{4})", "in 2024")', {"y": "2024"}),
    ('regex("[a-z]+", "123abc")', "abc"),
    ('regexall("\\\\d", "a1b2")', ["1", "2"]),
    ("sum([1, 2.5])", 3.5),
    ('title("hello world")', "Hello World"),
    ('one(["x"])', "x"),
    ("reverse([1, 2])", [2, 1]),
    ("slice([1, 2, 3], 1, 3)", [2, 3]),
    ('setproduct(["a"], [1, 2])', [["a", 1], ["a", 2]]),
    ('sort(["b", "a"])', ["a", "b"]),
    ('alltrue([true, "true"])', True),
])
def test_functions(tmp_path: Path, expr: str, expected: Any) -> None:
    assert value(tmp_path, expr) == expected


@pytest.mark.parametrize("expr", [
    "timestamp()", "uuid()", "upper(var.u)", 'jsonencode({a = var.u})', "no_such_function(1)",
    'format("%s", var.u)', 'provider::aws::arn_parse("x")', 'try(var.u.x, "d")',
])
def test_unknown_results(tmp_path: Path, expr: str) -> None:
    got = value(tmp_path, expr, 'variable "u" {}')
    assert isinstance(got, Unknown), got


def test_structural_functions_keep_unknown_elements(tmp_path: Path) -> None:
    got = value(tmp_path, '[length([var.u, 1]), merge({a = var.u}, {b = 1}), '
                'lookup({a = var.u}, "a"), concat([var.u], [2])]', 'variable "u" {}')
    assert got[0] == 2
    assert isinstance(got[1]["a"], Unknown) and got[1]["b"] == 1
    assert isinstance(got[2], Unknown)
    assert isinstance(got[3][0], Unknown) and got[3][1] == 2


def test_unsupported_function_says_so(tmp_path: Path) -> None:
    got = value(tmp_path, "frobnicate(1)")
    assert isinstance(got, Unknown) and "frobnicate() is not supported" in got.reason


def test_file_and_templatefile_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text('{"Effect": "Allow"}')
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "user_data.sh").write_text(
        "#!/bin/sh\n%{ for p in ports ~}\nopen ${p}\n%{ endfor ~}\necho ${name}\n")
    got = value(tmp_path, '[file("${path.module}/policy.json"), '
                'jsondecode(file("policy.json")).Effect, '
                'templatefile("tpl/user_data.sh", { ports = [22, 80], name = "web" }), '
                'fileexists("missing.txt")]')
    assert got == ['{"Effect": "Allow"}', "Allow", "#!/bin/sh\nopen 22\nopen 80\necho web\n",
                   False]


def test_files_outside_the_scanned_root_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    root = tmp_path / "project"
    root.mkdir()
    got = value(root, '[file("../secret.txt"), file("/etc/passwd"), '
                'templatefile("${path.module}/../secret.txt", {}), file("~/.aws/credentials")]')
    assert all(isinstance(v, Unknown) for v in got), got
    assert "outside the scanned path" in got[0].reason
    assert "TOP SECRET" not in repr(got)


def test_file_in_a_module_resolves_from_the_root(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(
        'resource "x_thing" "m" { v = file("${path.module}/data.txt") }\n')
    (tmp_path / "mod" / "data.txt").write_text("module data")
    (tmp_path / "main.tf").write_text('module "m" { source = "./mod" }\n')
    [(module, errors)] = load_tree([tmp_path])
    assert errors == []
    assert module.resources[0].values["v"] == "module data"
