"""Native HCL syntax through tree-sitter: structure, templates, heredocs, syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwarden.iac import IacInputError
from cloudwarden.iac.terraform import load_tree
from cloudwarden.iac.terraform.expressions import Scope
from cloudwarden.iac.terraform.parse import parse_hcl, parse_template
from cloudwarden.iac.terraform.values import Budget, EvalError


class _Vars:
    budget = Budget(10_000)

    def __init__(self, **names: object) -> None:
        self.names = names

    def root(self, name: str) -> object:
        if name in self.names:
            return self.names[name]
        raise EvalError(name)

    def call(self, name: str, args: list[object]) -> object:
        return f"{name}({','.join(map(str, args))})"


def values(text: str, **names: object) -> dict[str, object]:
    body = parse_hcl(text)
    scope = Scope(_Vars(**names))
    return {k: a.expr.eval(scope) for k, a in body.attributes.items()}


def test_blocks_labels_and_lines() -> None:
    body = parse_hcl('# c\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n  versioning {\n'
                     '    enabled = true\n  }\n}\n', "main.tf")
    (block,) = body.blocks
    assert (block.type, block.labels, block.start_line, block.end_line) == (
        "resource", ("aws_s3_bucket", "b"), 2, 7)
    assert block.file == "main.tf"
    assert block.body.attributes["bucket"].line == 3
    assert [b.type for b in block.body.blocks] == ["versioning"]


def test_literals() -> None:
    assert values('a = 1\nb = 1.5\nc = 2.0e3\nd = true\ne = null\nf = "s"\ng = ""\n') == {
        "a": 1, "b": 1.5, "c": 2000, "d": True, "e": None, "f": "s", "g": ""}


def test_string_escapes_keep_their_meaning() -> None:
    got = values(r'a = "x\n\"q\"\t\\ \u00e9 $${lit} %%{lit}"' + "\n")
    assert got["a"] == 'x\n"q"\t\\ é ${lit} %{lit}'


def test_interpolation_keeps_surrounding_whitespace() -> None:
    assert values('a = "  hi ${x}  there  "\n', x=1)["a"] == "  hi 1  there  "


def test_a_lone_interpolation_keeps_the_value_type() -> None:
    assert values('a = "${x}"\n', x=[1, 2])["a"] == [1, 2]
    with pytest.raises(EvalError):
        values('b = "${x} "\n', x=[1, 2])


def test_directives_and_strip_markers() -> None:
    text = ('a = "%{ if ok }yes%{ else }no%{ endif }"\n'
            'b = "%{ for k, v in m }${k}=${v};%{ endfor }"\n'
            'c = "x ${ 1 ~}  y  %{~ if true }z%{ endif ~}  w"\n'
            'd = "%{ for i in l ~} ${i} %{~ endfor }"\n')
    got = values(text, ok=False, m={"b": 2, "a": 1}, l=[1, 2])
    assert got == {"a": "no", "b": "a=1;b=2;", "c": "x 1yzw", "d": "12"}


def test_heredocs_plain_and_indented() -> None:
    text = ("a = <<EOT\n  keep ${x}\nEOT\n"
            "b = <<-EOT\n    strip\n      nested\n    EOT\n")
    got = values(text, x="v")
    assert got == {"a": "  keep v\n", "b": "strip\n  nested\n"}


def test_template_file_text() -> None:
    expr = parse_template('{"Resource": "${arn}"}')
    assert expr.eval(Scope(_Vars(arn="a:b"))) == '{"Resource": "a:b"}'


@pytest.mark.parametrize(("text", "line"), [
    ('resource "x" "y" {\n  a = 1\n  b = \n}\n', 3),
    ('a = 1\nb = "unterminated\n', 2),
    ("x {\n\n  a = [1, 2\n}\n", 3),
    ("a = 1\n\n\n}}}\n", 4),
])
def test_syntax_errors_name_the_first_bad_line(text: str, line: int) -> None:
    with pytest.raises(IacInputError) as err:
        parse_hcl(text)
    assert err.value.line == line
    assert "syntax error" in str(err.value)


def test_a_malformed_file_is_an_error_not_a_partial_result(tmp_path: Path) -> None:
    (tmp_path / "good.tf").write_text('resource "aws_s3_bucket" "ok" { bucket = "ok" }\n')
    (tmp_path / "bad.tf").write_text('resource "aws_s3_bucket" "bad" {\n  bucket = "x"\n'
                                     '  acl = \n}\n')
    [(module, errors)] = load_tree([tmp_path])
    assert [r.address for r in module.resources] == ["aws_s3_bucket.ok"]
    assert [(e.framework, Path(e.path).name, e.line) for e in errors] == [
        ("terraform", "bad.tf", 3)]


def test_deep_nesting_is_refused_clearly() -> None:
    with pytest.raises(IacInputError, match="nested deeper"):
        parse_hcl("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(IacInputError, match="nested deeper"):
        parse_hcl("a {\n" * 500 + "}\n" * 500)


def test_an_attribute_set_twice_is_an_error() -> None:
    with pytest.raises(IacInputError, match="set twice") as err:
        parse_hcl("a = 1\na = 2\n")
    assert err.value.line == 2
