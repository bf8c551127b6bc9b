"""The manifest reader's fast path (documents built from the parser's events) against the
reference path (nodes, the safe constructor, the alias-bomb check): the same values, types and
lines for everything it builds, and the reference's verdict for everything it does not."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
import yaml

from cloudwarden.iac import IacInputError
from cloudwarden.iac import kubernetes as k8s
from cloudwarden.iac import yaml_source as source
from cloudwarden.iac.kubernetes import split_documents
from cloudwarden.iac.yaml_source import (
    MAX_FAST_DEPTH,
    _fast_documents,
    _NotPlain,
    load_documents,
    read_documents,
)

SCALARS = """\
a: yes
b: no
c: on
d: Off
e: 0x1F
f: 0o17
g: 1_000
h: 1:30
i: .inf
j: -.Inf
k: .nan
l: 1e3
m: 2001-12-14t21:59:43.10-05:00
n: 2002-12-14
o: ~
p:
q: null
r: "yes"
s: |
  block
  text
t: >
  folded
u: 0777
v: +12
w: -0.5
1: int key
2002-01-01: date key
~: null key
y: [1, "2", {z: 3}, [4], '', ""]
a: duplicate wins
'single': "é \\u00e9 \\U0001F600"
x: 0 * * * *
"""

NESTED_LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items:
  - kind: Pod
    apiVersion: v1
    metadata: {name: x}

  - {kind: Pod, apiVersion: v1}
- &svc
  kind: Service
  apiVersion: v1


# trailing comment
- *svc
"""

PLAIN = [
    SCALARS,
    NESTED_LIST,
    "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\n  labels:\r\n    a: b\r\n",
    "---\n# only a comment\n",
    "",
    "a:\n  - b\n  -\n  - c: \n    d:\n",
    "k: &k key\n*k : v\nm: &m {x: 1}\nn: *m\n",
    '{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Pod", "metadata": {}}]}',
    "just a scalar\n",
    "- a\n- b\n",
    "- a: 1\n- {items: [{b: 2}]}\n",
    "a: 1\n---\nb: 2\n",
]

NOT_PLAIN = [
    "a: !!str 1\n",
    "k: !\n  a: 1\n",
    "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
    "a: =\n",
    "? [a, b]\n: v\n",
    "m: &m {x: 1}\n*m : v\n",
    "a: &a [*a]\n",
    "a: &x 1\nb: &x 2\n",
    "a: [1, 2\n",
    "a: 1\n...\nb: 2\n",
    "x: *\n",
    "[" * (MAX_FAST_DEPTH + 1) + "]" * (MAX_FAST_DEPTH + 1),
    # a List item (or items) aliasing a mapping written outside the items: the reference
    # gives it the lines it was written on
    "base: &b {kind: Pod}\nkind: List\nitems:\n- *b\n",
    "base: &b [{kind: Pod}]\nkind: List\nitems: *b\n",
]


def _fast(text: str) -> list[tuple[Any, int]]:
    return _fast_documents(text, k8s._LOADER.yaml_implicit_resolvers, k8s._finish_map,
                           "items", 2_000_000)


def _same(ref: Any, fast: Any, path: str = "$") -> None:
    """Equal values of equal types (True == 1 is not enough), plain dicts for mappings."""
    if isinstance(ref, dict):
        assert isinstance(fast, dict), path
        assert [(type(key), key) for key in ref] == [(type(key), key) for key in fast], path
        for key, value in ref.items():
            _same(value, fast[key], f"{path}.{key}")
    elif isinstance(ref, list):
        assert type(fast) is list and len(fast) == len(ref), path
        for i, (a, b) in enumerate(zip(ref, fast, strict=True)):
            _same(a, b, f"{path}[{i}]")
    else:
        assert type(fast) is type(ref), (path, ref, fast)
        assert (math.isnan(ref) and math.isnan(fast)) if isinstance(ref, float) \
            and math.isnan(ref) else ref == fast, (path, ref, fast)


def _lines(ref: Any, fast: Any) -> None:
    """A tracked mapping (a root, a List item) has the reference's lines and column."""
    assert isinstance(fast, k8s._Map) and isinstance(ref, k8s._Map)
    assert (fast.start_line, fast.end_line, fast.column) == \
        (ref.start_line, ref.end_line, ref.column)
    for a, b in zip(ref.get("items") or [], fast.get("items") or [], strict=True):
        if isinstance(a, dict):
            _lines(a, b)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_data_is_built_as_the_safe_loader_builds_it(text: str) -> None:
    ref = load_documents(text, loader=k8s._LOADER)
    fast = _fast(text)
    assert [line for _, line in fast] == [line for _, line in ref]
    for (a, _), (b, _) in zip(ref, fast, strict=True):
        _same(a, b)
        if isinstance(a, dict):
            _lines(a, b)


@pytest.mark.parametrize("text", PLAIN)
def test_the_pure_python_parser_builds_the_same(text: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the fast path reads the pure-Python parser's events, to the same end."""
    with_libyaml = _fast(text)
    monkeypatch.setattr(source, "_CParser", None)
    without = _fast(text)
    assert [line for _, line in without] == [line for _, line in with_libyaml]
    for (a, _), (b, _) in zip(with_libyaml, without, strict=True):
        _same(a, b)
        if isinstance(a, dict):
            _lines(a, b)


def test_only_roots_and_list_items_carry_lines() -> None:
    ((doc, _),) = _fast(NESTED_LIST)
    inner = doc["items"][0]
    assert isinstance(doc, k8s._Map) and isinstance(inner, k8s._Map)
    assert all(isinstance(item, k8s._Map) for item in inner["items"])
    assert type(inner["items"][0]["metadata"]) is dict  # nothing reads its lines
    assert doc["items"][1] is doc["items"][2]  # an alias is the anchored value itself


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_else_is_left_to_the_reference(text: str) -> None:
    with pytest.raises((_NotPlain, yaml.YAMLError)):
        _fast(text)
    try:
        expected: Any = load_documents(text, loader=k8s._LOADER)
    except IacInputError as exc:
        with pytest.raises(IacInputError) as err:
            read_documents(text, loader=k8s._LOADER, finish=k8s._finish_map)
        assert (str(err.value), err.value.line) == (str(exc), exc.line)
    else:
        got = read_documents(text, loader=k8s._LOADER, finish=k8s._finish_map)
        assert got == expected


def test_an_alias_bomb_is_counted_and_refused_by_the_reference() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(_NotPlain):
        _fast("\n".join(lines))
    with pytest.raises(IacInputError, match="alias bomb"):
        read_documents("\n".join(lines), loader=k8s._LOADER, finish=k8s._finish_map)
    # a few aliases stay on the fast path
    assert _fast("a: &a [1, 2]\nb: *a\nc: *a\n")[0][0]["c"] == [1, 2]


def test_a_stream_reads_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """`split_documents` with the fast path, and with the reference alone."""
    text = "---\n".join([SCALARS, NESTED_LIST, "kind: Pod\nbad: [\n", "apiVersion: v1\n",
                         "a: !!str 1\n"])
    fast = split_documents(text)
    monkeypatch.setattr(k8s, "read_documents",
                        lambda chunk, loader, **_: load_documents(chunk, loader=loader))
    ref = split_documents(text)
    assert [(d.start, d.end, str(d.error)) for d in fast] == \
        [(d.start, d.end, str(d.error)) for d in ref]
    assert [d.error is not None for d in fast] == [False, False, True, False, False]
    for a, b in zip(ref, fast, strict=True):
        _same(a.value, b.value)


_WORDS = ["yes", "No", "on", "OFF", "null", "~", "", "0x1F", "0o17", "1_000", "1:30", ".inf",
          "-.Inf", ".nan", "1e3", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "0777", "+12",
          "-0.5", "true", "a b", "é", "💡", "line\nbreak", "  lead", "trail  ", "#hash", "a: b",
          "- x", "*star", "&amp", "!bang", "<<", "=", "'q'", '"dq"', "%pct", "{br}", "[sq]",
          "0 * * * *", "3.14", "-7", "0"]


def _random_value(rnd: random.Random, depth: int, shared: list[Any]) -> Any:
    roll = rnd.random()
    if shared and roll < 0.05:
        return rnd.choice(shared)  # the dumper writes an anchor and aliases
    if depth > 4 or roll < 0.5:
        return rnd.choice([rnd.choice(_WORDS), rnd.randint(-10**6, 10**6), True, False, None,
                           rnd.random() * 100])
    value: Any
    if roll < 0.75:
        value = {rnd.choice(_WORDS): _random_value(rnd, depth + 1, shared)
                 for _ in range(rnd.randint(0, 5))}
    else:
        value = [_random_value(rnd, depth + 1, shared) for _ in range(rnd.randint(0, 5))]
    if rnd.random() < 0.1:
        shared.append(value)
    return value


@pytest.mark.parametrize("seed", range(4))
def test_random_documents_read_the_same_either_way(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(60):
        shared: list[Any] = []
        doc = (_random_value(rnd, 0, shared) if rnd.random() < 0.3 else
               {"apiVersion": "v1", "kind": "List",
                "items": [_random_value(rnd, 1, shared) for _ in range(3)]})
        text = yaml.safe_dump(doc, default_flow_style=rnd.choice([None, True, False]),
                              default_style=rnd.choice([None, None, "'", '"']),
                              width=rnd.choice([20, 80, 1000]), allow_unicode=rnd.random() < 0.5,
                              explicit_start=rnd.random() < 0.3)
        if rnd.random() < 0.3:
            text = text.replace("\n", "\r\n")
        ref = load_documents(text, loader=k8s._LOADER)
        try:
            fast = _fast(text)
        except (_NotPlain, yaml.YAMLError):
            assert read_documents(text, loader=k8s._LOADER, finish=k8s._finish_map) == ref
            continue
        assert [line for _, line in fast] == [line for _, line in ref]
        for (a, _), (b, _) in zip(ref, fast, strict=True):
            _same(a, b)
            if isinstance(a, dict):
                _lines(a, b)


def test_the_scalar_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_REMEMBERED_SCALARS", 10)
    memo: dict[str, Any] = {}
    text = "".join(f"k{i}: {i}\nv{i}: yes\n" for i in range(100))
    got = read_documents(text, loader=k8s._LOADER, finish=k8s._finish_map, scalars=memo)
    assert len(memo) == 10
    _same(load_documents(text, loader=k8s._LOADER)[0][0], got[0][0])
