"""Line-aware, hostile-input-safe YAML loading shared by the manifest and template adapters."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwarden.iac import IacInputError, Location
from cloudwarden.iac.yaml_source import YamlMap, load_documents

TWO_DOCS = """\
apiVersion: v1
kind: Pod
metadata:
  name: a
---
apiVersion: v1
kind: Service
metadata:
  name: b
"""


def test_documents_come_with_their_lines() -> None:
    docs = load_documents(TWO_DOCS)
    assert [line for _, line in docs] == [1, 6]
    pod, service = (doc for doc, _ in docs)
    assert isinstance(pod, YamlMap)
    assert (pod.start_line, pod.end_line) == (1, 4)
    assert (service.start_line, service.end_line) == (6, 9)
    assert pod["metadata"].start_line == 4


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(IacInputError, match="alias bomb"):
        load_documents("\n".join(lines))


def test_a_few_aliases_are_fine() -> None:
    docs = load_documents("base: &b {x: 1}\nuse: *b\nagain: *b\n")
    assert docs[0][0]["again"] == {"x": 1}


def test_malformed_yaml_names_its_line() -> None:
    with pytest.raises(IacInputError) as err:
        load_documents("a: 1\nb: [1, 2\nc: 3\n")
    assert err.value.line >= 2
    assert "invalid YAML" in str(err.value)


def test_deep_nesting_is_a_clear_error() -> None:
    with pytest.raises(IacInputError, match=r"nested too deeply|invalid YAML"):
        load_documents("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize(("origin", "expected"), [
    ("main.tf:3-9", Location("main.tf", 3, 9)),
    ("dir/a:b.yaml:4-4", Location("dir/a:b.yaml", 4, 4)),
    ("Dockerfile:7", Location("Dockerfile", 7, 7)),
    ("aws:api", None),
    ("", None),
])
def test_origins_parse_to_locations(origin: str, expected: Location | None) -> None:
    assert Location.parse(origin) == expected


def test_a_nested_mapping_ends_on_its_own_last_line() -> None:
    text = ("Resources:\n"
            "  Logs:\n"
            "    Type: AWS::S3::Bucket\n"
            "    Properties:\n"
            "      BucketName: logs\n"
            "  Data:\n"
            "    Type: AWS::S3::Bucket\n")
    [(doc, _)] = load_documents(text)
    logs, data = doc["Resources"]["Logs"], doc["Resources"]["Data"]
    assert (logs.start_line, logs.end_line) == (3, 5)
    assert (data.start_line, data.end_line) == (7, 7)
    assert doc.end_line == 7


def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    import os

    from cloudwarden.iac import read_text

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(IacInputError, match="not a regular file"):
        read_text(fifo)


def test_errors_never_quote_the_source() -> None:
    for text in ("db:\n  password: !Hunter2Tag\n", "a: 1\nb: [SecretInList, 2\nc: 3\n",
                 "key: 'unterminated SecretQuote\n"):
        with pytest.raises(IacInputError) as err:
            load_documents(text)
        assert "Hunter2Tag" not in str(err.value)
        assert "SecretInList" not in str(err.value) and "SecretQuote" not in str(err.value)
        assert err.value.line >= 1
