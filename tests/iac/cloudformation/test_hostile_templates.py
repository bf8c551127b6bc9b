"""Hostile templates: a value the evaluator cannot use is `Unresolved` or an error on that
template (or resource) alone, never a crash that loses the other templates of the scan, and
error messages never quote the template's text."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from cloudwarden.iac.cloudformation import CloudFormationAdapter, intrinsics, load_template, mappers
from cloudwarden.iac.cloudformation.intrinsics import Evaluator, Unresolved
from cloudwarden.iac.cloudformation.template import parse_template

GOOD = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: good-bucket
"""


def bucket(name_expr: str, extra: str = "") -> str:
    return f"""\
AWSTemplateFormatVersion: "2010-09-09"
{extra}Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {name_expr}
  Other:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: other-bucket
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _names(text: str) -> dict[str, Any]:
    assets, errors = load_template(text, "t.yaml")
    assert errors == []
    return {a.ref.id.rsplit(":", 1)[-1]: a for a in assets}


@pytest.mark.parametrize("expr", ["!FindInMap [[a], b, c]", "!FindInMap [M, {x: 1}, c]",
                                  "!FindInMap [M, a, [b]]"])
def test_find_in_map_with_a_non_scalar_key_is_unresolved(expr: str) -> None:
    by_id = _names(bucket(expr, "Mappings:\n  M: {a: {b: c}}\n"))
    assert "Name" in by_id["B"].unknown and "not a string" in by_id["B"].unknown["Name"]
    assert by_id["Other"].name == "other-bucket"


def test_find_in_map_reason_does_not_quote_its_keys() -> None:
    by_id = _names(bucket("!FindInMap [M, hunter2secret, c]", "Mappings:\n  M: {a: {b: c}}\n"))
    assert "hunter2secret" not in by_id["B"].unknown["Name"]


def test_to_json_string_of_a_yaml_date_is_its_text() -> None:
    by_id = _names(bucket("!ToJsonString {created: 2020-01-01}"))
    assert by_id["B"].name == '{"created":"2020-01-01"}'


def test_base64_of_a_lone_surrogate_is_unresolved() -> None:
    text = ('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": {"Type": '
            '"AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Base64": "\\ud800"}}}}}')
    assets, errors = load_template(text, "t.json")
    assert errors == [] and "Name" in assets[0].unknown


def test_select_with_an_infinite_index_is_unresolved() -> None:
    by_id = _names(bucket("!Select [.inf, [a, b]]"))
    assert "out of range" in by_id["B"].unknown["Name"]


@pytest.mark.parametrize("bad", ["!FindInMap [[a], b, c]", "!ToJsonString {created: 2020-01-01}"])
def test_one_hostile_template_does_not_fail_the_others(tmp_path: Path, bad: str) -> None:
    """The review's reproduction: every CloudFormation file of the scan was 'adapter failed'."""
    paths = [write(tmp_path, "bad.yaml", bucket(bad, "Mappings:\n  M: {a: {b: c}}\n")),
             write(tmp_path, "good.yaml", GOOD)]
    loaded = CloudFormationAdapter(root=tmp_path).load(paths)
    assert loaded.errors == []
    assert {a.ref.id for a in loaded.assets} == {"bad.yaml:B", "bad.yaml:Other", "good.yaml:Logs"}


def test_an_evaluator_crash_loses_one_resource_and_quotes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever evaluator bug a hostile value finds next, it costs that resource alone, and
    the error names the resource, its line and the kind of failure, not the value."""
    def crash(_ev: Evaluator, arg: Any, _depth: int) -> Unresolved:
        raise ValueError(f"cannot use {arg!r}")
    monkeypatch.setitem(intrinsics._FUNCTIONS, "Fn::Base64", crash)
    paths = [write(tmp_path, "bad.yaml", bucket("!Base64 hunter2-leaked")),
             write(tmp_path, "good.yaml", GOOD)]
    loaded = CloudFormationAdapter(root=tmp_path).load(paths)
    assert {a.ref.id for a in loaded.assets} == {"bad.yaml:Other", "good.yaml:Logs"}
    (error,) = loaded.errors
    assert error.path == "bad.yaml" and error.line == 3
    assert error.message == "resource B: cannot evaluate its properties (ValueError)"
    assert "hunter2" not in error.to_finding().message


def test_a_mapper_crash_quotes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(_res: Any, _stack: Any) -> list[Any]:
        raise KeyError("hunter2-leaked")
    monkeypatch.setitem(mappers.MAPPERS, "AWS::S3::Bucket", crash)
    loaded = CloudFormationAdapter(root=tmp_path).load([write(tmp_path, "t.yaml", GOOD)])
    (error,) = loaded.errors
    assert error.line == 3 and "hunter2" not in error.message
    assert error.message == ("resource Logs (AWS::S3::Bucket): unexpected property shape "
                             "(KeyError)")


def test_a_logical_id_that_is_not_an_identifier_is_not_quoted(tmp_path: Path) -> None:
    text = ('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
            '  "password=hunter2":\n    Properties: {}\n')
    loaded = CloudFormationAdapter(root=tmp_path).load([write(tmp_path, "t.yaml", text)])
    (error,) = loaded.errors
    assert "hunter2" not in error.message and "has no Type" in error.message
    assert error.line == 4


def _cidr(ev: Evaluator, count: int, network: str = "::/0", bits: int = 64) -> Any:
    return ev.value({"Fn::Cidr": [network, count, bits]})


@pytest.fixture
def evaluator() -> Evaluator:
    template = parse_template(GOOD, "t.yaml")
    assert template is not None
    return Evaluator(template)


@pytest.mark.parametrize("count", [1_000_000, 200_000_000, 0, -1])
def test_cidr_count_beyond_cloudformations_limit_is_unresolved_at_once(
        evaluator: Evaluator, count: int) -> None:
    """The review's reproduction (200,000,000 blocks) hung and exhausted memory; 1,000,000 took
    about 6 CPU-seconds. CloudFormation itself accepts 1 to 256."""
    started = time.process_time()
    result = _cidr(evaluator, count)
    assert time.process_time() - started < 1.0  # quadratic took seconds; linear ~0.1 s
    assert isinstance(result, Unresolved) and result.reason == "Fn::Cidr arguments out of range"


def test_cidr_within_the_limit_is_computed(evaluator: Evaluator) -> None:
    blocks = _cidr(evaluator, 256, "10.0.0.0/16", 8)
    assert isinstance(blocks, list) and len(blocks) == 256
    assert blocks[0] == "10.0.0.0/24" and blocks[-1] == "10.0.255.0/24"
    assert isinstance(_cidr(evaluator, 2, "10.0.0.0/16", 40), Unresolved)


def test_cidr_in_a_template_is_unresolved_not_a_hang() -> None:
    by_id = _names(bucket('!Select [0, !Cidr ["::/0", 200000000, 64]]'))
    assert "Name" in by_id["B"].unknown and by_id["Other"].name == "other-bucket"


def _bucket_chain(n: int) -> str:
    """Bucket i is named `!Join ["", [!Ref B(i-1), !Ref B(i-1)]]`: 2^i characters."""
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:", "  B0:",
             "    Type: AWS::S3::Bucket", "    Properties: {BucketName: ab}"]
    for i in range(1, n):
        lines += [f"  B{i}:", "    Type: AWS::S3::Bucket",
                  f'    Properties: {{BucketName: !Join ["", [!Ref B{i - 1}, !Ref B{i - 1}]]}}']
    return "\n".join(lines) + "\n"


def test_names_built_of_other_buckets_names_are_evaluated_once() -> None:
    """Each `!Ref` of a bucket evaluated its name again: exponential (1.5 CPU-s for 18
    buckets, 6 for 20, hours for 30); and the names double until they are capped."""
    started = time.process_time()
    assets, errors = load_template(_bucket_chain(40), "t.yaml")
    assert time.process_time() - started < 1.0  # quadratic took seconds; linear ~0.1 s
    by_id = {a.ref.id.rsplit(":", 1)[-1]: a for a in assets}
    assert errors == [] and len(by_id["B18"].name) == 2 ** 19
    assert "Name" not in by_id["B18"].unknown
    assert by_id["B19"].unknown["Name"].endswith(intrinsics._TOO_LONG)  # 2^20 characters
    assert by_id["B39"].name == "B39"


def test_functions_nested_to_grow_a_text_are_capped(evaluator: Evaluator) -> None:
    text: Any = "x" * 1000
    for _ in range(60):  # each Base64 adds a third: 10^10 characters unbounded
        text = {"Fn::Base64": text}
    started = time.process_time()
    grown = evaluator.value(text)
    joined = evaluator.value({"Fn::Join": ["d" * 1000, {"Fn::Split": [",", "," * 100_000]}]})
    assert time.process_time() - started < 1.0  # quadratic took seconds; linear ~0.1 s
    assert isinstance(grown, Unresolved)
    assert isinstance(joined, Unresolved) and joined.reason == intrinsics._TOO_LONG
    assert evaluator.value({"Fn::Join": ["-", ["a", "b"]]}) == "a-b"


@pytest.mark.parametrize("tag", ["!hunter2pw", "!!python/name:hunter2pw"])
def test_an_unknown_yaml_tag_is_not_quoted(tmp_path: Path, tag: str) -> None:
    """`BucketName: !hunter2pw` makes an unquoted password a YAML tag; PyYAML's error quoted it."""
    loaded = CloudFormationAdapter(root=tmp_path).load([write(tmp_path, "t.yaml", bucket(tag))])
    (error,) = loaded.errors
    assert (error.line, error.message) == (
        6, "invalid YAML: a tag CloudFormation does not define (column 19)")


def test_known_tags_still_load() -> None:
    by_id = _names(bucket("!Join ['-', [logs, !Select [1, !Split [',', 'a,b']]]]"))
    assert by_id["B"].name == "logs-b" and by_id["Other"].name == "other-bucket"


def test_invalid_json_names_its_column(tmp_path: Path) -> None:
    text = '{"AWSTemplateFormatVersion": "x", "Resources": {"B": hunter2pw}}'
    (error,) = CloudFormationAdapter(root=tmp_path).load([write(tmp_path, "t.json", text)]).errors
    assert (error.line, error.message) == (1, "invalid JSON at column 54: Expecting value")


@pytest.mark.parametrize("expr", [
    {"Ref": "hunter2-pw!"},
    {"Fn::GetAtt": ["hunter2-pw!", "Arn"]},
    {"Fn::GetAtt": ["Logs", "hunter2-pw!"]},
    {"Fn::If": ["hunter2-pw!", "a", "b"]},
    {"Fn::hunter2-pw!": "x"},
])
def test_reasons_do_not_quote_what_is_not_a_name(evaluator: Evaluator, expr: Any) -> None:
    """Reasons become the messages of not-applicable findings: where a template holds text
    that is not a name the template defines, the reason does not quote it."""
    result = evaluator.value(expr)
    assert isinstance(result, Unresolved) and "hunter2" not in result.reason


def test_reasons_still_name_what_the_template_defines(evaluator: Evaluator) -> None:
    reason = evaluator.value({"Fn::GetAtt": ["Logs", "DomainName"]}).reason
    assert reason == "Logs.DomainName is known only after deploy"
    assert evaluator.value({"Ref": "AWS::AccountId"}).reason == \
        "AWS::AccountId is known only at deploy time"
