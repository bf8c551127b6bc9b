"""Terraform's string, regular expression and encoding functions.

Regular expressions come from the configuration, so they run on RE2 (linear time, no
backtracking): a hostile pattern cannot hang the scan, and RE2 is the engine Terraform uses.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
from typing import Any

import re2
import yaml

from cloudwarden.iac import IacInputError
from cloudwarden.iac.terraform.functions import Function, Impl
from cloudwarden.iac.terraform.values import (
    MAX_STRING,
    EvalError,
    LimitError,
    normal_number,
    to_number,
    to_str,
    type_name,
)

__all__ = ["json_encode", "text_functions"]


def _str(value: Any) -> str:
    return to_str(value)


def _checked(text: str) -> str:
    if len(text) > MAX_STRING:
        raise LimitError(f"a function builds a string above {MAX_STRING:,} characters")
    return text


def _join(a: list[Any]) -> Any:
    parts: list[str] = []
    for items in a[1:]:
        if not isinstance(items, list):
            raise EvalError("join(): expected lists")
        parts.extend(_str(i) for i in items)
    return _checked(_str(a[0]).join(parts))


def _split(a: list[Any]) -> Any:
    sep, text = _str(a[0]), _str(a[1])
    if text == "":
        return [""]
    return text.split(sep) if sep else list(text)


def _go_repr(value: Any) -> str:
    """`%v`: a primitive as text, a collection as JSON."""
    if isinstance(value, (list, dict)):
        return json_encode(value)
    if value is None:
        return "null"
    return _str(value)


def _format_one(spec: str, verb: str, value: Any) -> str:
    if verb in "sv":
        text = _go_repr(value) if verb == "v" else _str(value)
        return ("%" + spec + "s") % text
    if verb == "q":
        return ("%" + spec + "s") % json.dumps(_str(value), ensure_ascii=False)
    if verb == "t":
        if not isinstance(value, bool):
            raise EvalError(f"format(): %t needs a bool, got {type_name(value)}")
        return ("%" + spec + "s") % ("true" if value else "false")
    number = to_number(value)
    if verb in "dxXob":
        if isinstance(number, float):
            raise EvalError(f"format(): %{verb} needs a whole number")
        if verb == "b":
            return ("%" + spec + "s") % format(number, "b")
        return ("%" + spec + verb) % number
    if verb in "feEgG":
        return ("%" + spec + verb) % number
    raise EvalError(f"format(): unsupported verb %{verb}")


def _format(a: list[Any]) -> Any:
    fmt, args = _str(a[0]), a[1:]
    out: list[str] = []
    i, used = 0, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "+-# 0123456789.":
            j += 1
        if j >= len(fmt):
            raise EvalError("format(): unterminated verb")
        verb, spec = fmt[j], fmt[i + 1:j]
        if verb == "%":
            out.append("%")
        else:
            if used >= len(args):
                raise EvalError("format(): not enough arguments")
            widths = "".join(c if c.isdigit() else " " for c in spec).split()
            if any(int(w) > 1000 for w in widths):
                raise EvalError("format(): verb width or precision above 1000")
            out.append(_format_one(spec.replace("#", ""), verb, args[used]))
            used += 1
        i = j + 1
    if used < len(args):
        raise EvalError("format(): too many arguments")
    return _checked("".join(out))


def _formatlist(a: list[Any]) -> Any:
    lists = [x for x in a[1:] if isinstance(x, list)]
    if not lists:
        return [_format(a)]
    size = len(lists[0])
    if any(len(x) != size for x in lists):
        raise EvalError("formatlist(): lists differ in length")
    return [_format([a[0], *[x[i] if isinstance(x, list) else x for x in a[1:]]])
            for i in range(size)]


def _compile(pattern: str) -> Any:
    try:
        return re2.compile(pattern)
    except re2.error as exc:
        raise EvalError(f"invalid regular expression {pattern!r}: {exc}") from None


def _match_value(pattern: Any, match: Any) -> Any:
    if pattern.groupindex:
        return {name: match.group(index) for name, index in pattern.groupindex.items()}
    if pattern.groups:
        return list(match.groups())
    return match.group(0)


def _regex(a: list[Any]) -> Any:
    pattern = _compile(_str(a[0]))
    match = pattern.search(_str(a[1]))
    if match is None:
        raise EvalError("regex(): no match")
    return _match_value(pattern, match)


def _regexall(a: list[Any]) -> Any:
    pattern = _compile(_str(a[0]))
    return [_match_value(pattern, m) for m in pattern.finditer(_str(a[1]))]


def _go_template(repl: str) -> str:
    """Go's `$1` / `${name}` replacement syntax -> Python's `\\g<1>` / `\\g<name>`."""
    out: list[str] = []
    i = 0
    while i < len(repl):
        ch = repl[i]
        if ch == "\\":
            out.append("\\\\")
        elif ch == "$" and i + 1 < len(repl):
            nxt = repl[i + 1]
            if nxt == "$":
                out.append("$")
                i += 1
            elif nxt == "{":
                end = repl.find("}", i)
                if end < 0:
                    out.append("$")
                else:
                    out.append(f"\\g<{repl[i + 2:end]}>")
                    i = end
            else:
                j = i + 1
                while j < len(repl) and (repl[j].isalnum() or repl[j] == "_"):
                    j += 1
                if j == i + 1:
                    out.append("$")
                else:
                    out.append(f"\\g<{repl[i + 1:j]}>")
                    i = j - 1
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _replace(a: list[Any]) -> Any:
    text, search, repl = _str(a[0]), _str(a[1]), _str(a[2])
    if (len(text) + 1) * (len(repl) + 1) > 16 * MAX_STRING:
        raise LimitError(f"replace() could build a string above {MAX_STRING:,} characters")
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        pattern = _compile(search[1:-1])
        try:
            return _checked(pattern.sub(_go_template(repl), text))
        except (re2.error, IndexError) as exc:
            raise EvalError(f"replace(): {exc}") from None
    if not search:
        raise EvalError("replace(): empty search string")
    return _checked(text.replace(search, repl))


def _substr(a: list[Any]) -> Any:
    text, offset, length = _str(a[0]), int(to_number(a[1])), int(to_number(a[2]))
    if offset < 0:
        offset += len(text)
    if offset < 0 or offset > len(text):
        raise EvalError("substr(): offset out of range")
    return text[offset:] if length < 0 else text[offset:offset + length]


def _indent(a: list[Any]) -> Any:
    width = int(to_number(a[0]))
    if not 0 <= width <= 1000:
        raise EvalError("indent(): width out of range")
    pad = " " * width
    return _checked(_str(a[1]).replace("\n", "\n" + pad))


def _title(a: list[Any]) -> Any:
    words = _str(a[0]).split(" ")
    return " ".join(w[:1].upper() + w[1:] for w in words)


def _plain(value: Any, depth: int = 0) -> Any:
    if depth > 200:
        raise EvalError("value nested too deeply to encode")
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, float):
        return normal_number(value)
    return value


def json_encode(value: Any) -> str:
    """`jsonencode`: compact, keys sorted, `<>&` escaped as Terraform does."""
    text = json.dumps(_plain(value), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    if any(c in text for c in "<>&\u2028\u2029"):
        text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return _checked(text)


def _json_number(text: str) -> Any:
    return normal_number(float(text))


def _jsondecode(a: list[Any]) -> Any:
    try:
        return json.loads(_str(a[0]), parse_float=_json_number)
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"jsondecode(): invalid JSON: {exc}") from None


def _yamlencode(a: list[Any]) -> Any:
    return _checked(yaml.safe_dump(_plain(a[0]), sort_keys=True, default_flow_style=False,
                                   allow_unicode=True))


def _yamldecode(a: list[Any]) -> Any:
    from cloudwarden.iac.yaml_source import load_documents

    try:
        docs = load_documents(_str(a[0]))
    except IacInputError as exc:
        raise EvalError(f"yamldecode(): {exc}") from None
    if len(docs) != 1:
        raise EvalError("yamldecode(): expected exactly one document")
    return _plain(docs[0][0])


def _b64decode(a: list[Any]) -> Any:
    try:
        return base64.b64decode(_str(a[0]), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvalError(f"base64decode(): {exc}") from None


def _hash(name: str) -> Impl:
    return lambda a: hashlib.new(name, _str(a[0]).encode("utf-8")).hexdigest()


def text_functions() -> dict[str, Function]:
    f = Function
    return {
        "join": f(_join, (2, None)),
        "split": f(_split, (2, 2)),
        "format": f(_format, (1, None)),
        "formatlist": f(_formatlist, (1, None)),
        "lower": f(lambda a: _str(a[0]).lower(), (1, 1)),
        "upper": f(lambda a: _str(a[0]).upper(), (1, 1)),
        "title": f(_title, (1, 1)),
        "replace": f(_replace, (3, 3)),
        "trimspace": f(lambda a: _str(a[0]).strip(), (1, 1)),
        "trim": f(lambda a: _str(a[0]).strip(_str(a[1])), (2, 2)),
        "trimprefix": f(lambda a: _str(a[0]).removeprefix(_str(a[1])), (2, 2)),
        "trimsuffix": f(lambda a: _str(a[0]).removesuffix(_str(a[1])), (2, 2)),
        "chomp": f(lambda a: _str(a[0]).rstrip("\r\n"), (1, 1)),
        "indent": f(_indent, (2, 2)),
        "substr": f(_substr, (3, 3)),
        "strrev": f(lambda a: _str(a[0])[::-1], (1, 1)),
        "startswith": f(lambda a: _str(a[0]).startswith(_str(a[1])), (2, 2)),
        "endswith": f(lambda a: _str(a[0]).endswith(_str(a[1])), (2, 2)),
        "strcontains": f(lambda a: _str(a[1]) in _str(a[0]), (2, 2)),
        "regex": f(_regex, (2, 2)),
        "regexall": f(_regexall, (2, 2)),
        "jsonencode": f(lambda a: json_encode(a[0]), (1, 1)),
        "jsondecode": f(_jsondecode, (1, 1)),
        "yamlencode": f(_yamlencode, (1, 1)),
        "yamldecode": f(_yamldecode, (1, 1)),
        "base64encode": f(lambda a: base64.b64encode(_str(a[0]).encode()).decode(), (1, 1)),
        "base64decode": f(_b64decode, (1, 1)),
        "urlencode": f(lambda a: urllib.parse.quote(_str(a[0]), safe=""), (1, 1)),
        "md5": f(_hash("md5"), (1, 1)),
        "sha1": f(_hash("sha1"), (1, 1)),
        "sha256": f(_hash("sha256"), (1, 1)),
        "sha512": f(_hash("sha512"), (1, 1)),
    }
