"""Evaluating a template's intrinsic functions, without ever guessing a value.

What the template fixes (literals, parameter defaults or values given by the user, mappings,
conditions over those, `Fn::Sub`/`Join`/`Select`/... of known parts) is computed. What only the
deployment knows (a resource's `Ref`/`GetAtt`, `AWS::AccountId` unless given, `ImportValue`,
`GetAZs`, SSM parameter types) becomes an `Unresolved` that says why and keeps the logical ids
it depends on, so that a bucket policy whose `Bucket` is `!Ref LogsBucket` still joins its
bucket. An `Unresolved` string also keeps a symbolic text in `Fn::Sub` syntax (`${Logs.Arn}`,
`arn:aws:s3:::${LogsBucket}/*`) for the places where a reference is as good as a value
(resources of a policy, the key of an encryption setting).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudwarden.iac.cloudformation.template import Template

__all__ = ["NO_VALUE", "Evaluator", "Unresolved", "find_unresolved", "refs_of"]


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value the template leaves to the deployment."""

    reason: str
    #: logical ids of the template's resources the value depends on
    refs: tuple[str, ...] = ()
    #: the value in `Fn::Sub` syntax, None when it has no such form (an unknown condition)
    text: str | None = None
    #: True when the value comes from outside the stack (a parameter without a value, an
    #: import): it may name anything, so it stands for no particular principal or setting
    external: bool = False


class _NoValue:
    __slots__ = ()

    def __repr__(self) -> str:
        return "AWS::NoValue"


#: `Ref: AWS::NoValue`: the property is removed.
NO_VALUE = _NoValue()

_PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-iso-", "aws-iso"),
               ("us-isob-", "aws-iso-b"))
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
#: the shapes of names a reason may quote (logical ids, parameter and condition names are
#: alphanumeric in CloudFormation)
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")
_ATTRIBUTE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]{0,254}")
_PSEUDO_NAME = re.compile(r"AWS::[A-Za-z]{1,64}")
_FUNCTION_NAME = re.compile(r"Fn::[A-Za-z]{1,64}")
#: Nesting a template may use before we stop evaluating (real templates nest a few levels).
_MAX_DEPTH = 200
#: The most blocks one `Fn::Cidr` makes (CloudFormation's own limit).
_MAX_CIDR_COUNT = 256
#: The longest text a function may build: a template is at most 1 MB, but functions nested
#: in one another (`Fn::Base64`, `Fn::ToJsonString`, names joined from names) grow a text
#: geometrically.
MAX_TEXT = 1_000_000
_TOO_LONG = "a text longer than 1,000,000 characters (functions nested to grow it)"


def partition_of(region: str) -> str:
    for prefix, partition in _PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


def _combine(parts: list[Any], reason_prefix: str = "") -> Unresolved:
    """One `Unresolved` for a string made of known and unresolved parts."""
    unresolved = [p for p in parts if isinstance(p, Unresolved)]
    refs = tuple(dict.fromkeys(r for p in unresolved for r in p.refs))
    texts = [p if isinstance(p, str) else None if isinstance(p, Unresolved) and p.text is None
             else p.text if isinstance(p, Unresolved) else str(p) for p in parts]
    known = [t for t in texts if t is not None]
    external = any(p.external for p in unresolved)
    if _too_long(known):
        return Unresolved(_TOO_LONG, refs, None, external)
    text = None if len(known) < len(texts) else "".join(known)
    return Unresolved(reason_prefix + unresolved[0].reason, refs, text, external)


def find_unresolved(value: Any) -> Unresolved | None:
    """The first `Unresolved` anywhere in `value`, None when it is fully known."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Unresolved):
            return v
        if isinstance(v, dict):
            stack.extend(v.values())
            stack.extend(k for k in v if isinstance(k, Unresolved))
        elif isinstance(v, list):
            stack.extend(v)
    return None


def refs_of(value: Any) -> tuple[str, ...]:
    """Logical ids `value` refers to (a `Ref`/`GetAtt` kept in an `Unresolved`)."""
    if isinstance(value, Unresolved):
        return value.refs
    if isinstance(value, list):
        return tuple(r for v in value for r in refs_of(v))
    return ()


class Evaluator:
    """Evaluates values of one template. `parameters` are the values the user gives (they
    win over defaults); `pseudo` the pseudo parameters they give (`AWS::Region`, ...)."""

    def __init__(self, template: Template, parameters: Mapping[str, str] | None = None,
                 pseudo: Mapping[str, str] | None = None) -> None:
        self.template = template
        self._params = dict(parameters or {})
        self._pseudo = dict(pseudo or {})
        region = self._pseudo.get("AWS::Region")
        self._pseudo.setdefault("AWS::Partition", partition_of(region or ""))
        self._pseudo.setdefault("AWS::URLSuffix", "amazonaws.com.cn" if self._pseudo[
            "AWS::Partition"] == "aws-cn" else "amazonaws.com")
        self._conditions: dict[str, bool | None] = {}
        self._evaluating: set[str] = set()
        self._bucket_names: dict[str, Any] = {}
        #: logical ids of resources that are not created (their condition is false)
        self.absent: set[str] = set()

    # --- conditions ---------------------------------------------------------------------
    def condition(self, name: str) -> bool | None:
        """True/False, or None when it depends on what the deployment alone knows."""
        if name in self._conditions:
            return self._conditions[name]
        if name in self._evaluating or name not in self.template.conditions:
            return None  # a cycle or an undefined condition: an invalid template, no guess
        self._evaluating.add(name)
        try:
            result = self._truth(self.template.conditions[name], 0)
        finally:
            self._evaluating.discard(name)
        self._conditions[name] = result
        return result

    def _truth(self, expr: Any, depth: int) -> bool | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str) and expr.lower() in ("true", "false"):
            return expr.lower() == "true"
        if not (isinstance(expr, dict) and len(expr) == 1):
            return None
        (fn, arg), = expr.items()
        if fn == "Condition":
            return self.condition(str(arg))
        if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            left, right = (self.value(a, depth + 1) for a in arg)
            if find_unresolved(left) is not None or find_unresolved(right) is not None:
                return None
            return bool(_scalar_text(left) == _scalar_text(right))
        if fn == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self._truth(arg[0], depth + 1)
            return None if inner is None else not inner
        if fn in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            results = [self._truth(a, depth + 1) for a in arg]
            decisive: bool = fn == "Fn::Or"  # Or: one True decides; And: one False decides
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        return None

    # --- values -------------------------------------------------------------------------
    def value(self, expr: Any, depth: int = 0) -> Any:
        """`expr` with every intrinsic function evaluated; `NO_VALUE` entries removed."""
        if depth > _MAX_DEPTH:
            return Unresolved("nested too deeply to evaluate")
        if isinstance(expr, dict):
            if len(expr) == 1:
                (key, arg), = expr.items()
                if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                    return self._function(key, arg, depth + 1)
            out = {}
            for k, v in expr.items():
                ev = self.value(v, depth + 1)
                if ev is not NO_VALUE:
                    out[k] = ev
            return out
        if isinstance(expr, list):
            items = [self.value(v, depth + 1) for v in expr]
            return [v for v in items if v is not NO_VALUE]
        return expr

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name.startswith("AWS::"):
            if name in self._pseudo:
                return self._pseudo[name]
            return Unresolved(f"{_shown(name, _PSEUDO_NAME, 'a pseudo parameter')} is known "
                              "only at deploy time", (), f"${{{name}}}")
        if name in self.template.parameters:
            return self._parameter(name)
        if name in self.template.resources:
            known = self._known_attribute(name, "")
            if known is not None:
                return known
            return Unresolved(f"Ref {_shown(name, _LOGICAL_ID, 'to a resource')} is known only "
                              "after deploy", (name,), f"${{{name}}}")
        # not a name the template defines: it may be any text, so the reason does not quote it
        return Unresolved("Ref to a name the template does not define", (), f"${{{name}}}",
                          external=True)

    def _known_attribute(self, logical_id: str, attr: str) -> Any:
        """A return value the template fixes: an S3 bucket's name and ARN are its literal
        `BucketName` (ARNs of buckets have no account or region). An unnamed bucket's ARN is
        kept as `arn:<partition>:s3:::${Bucket}` so it reads the same as written by hand."""
        resource = self.template.resources[logical_id]
        if resource.type != "AWS::S3::Bucket" or attr not in ("", "Arn"):
            return None
        if logical_id in self._bucket_names:
            name = self._bucket_names[logical_id]
        else:
            if logical_id in self._evaluating:
                return None
            self._evaluating.add(logical_id)
            try:
                name = self.value(resource.properties.get("BucketName"), 1)
            finally:
                self._evaluating.discard(logical_id)
            # evaluated once: names built of other buckets' names (`!Join [!Ref A, !Ref A]`,
            # B of A, C of B, ...) would otherwise be evaluated exponentially often
            self._bucket_names[logical_id] = name
        if isinstance(name, str) and name:
            return name if not attr else f"arn:{self._pseudo['AWS::Partition']}:s3:::{name}"
        if attr:
            text = f"arn:{self._pseudo['AWS::Partition']}:s3:::${{{logical_id}}}"
            return Unresolved(f"{_shown(logical_id, _LOGICAL_ID, 'a bucket')}.Arn is known only "
                              "after deploy", (logical_id,), text)
        return None

    def _parameter(self, name: str) -> Any:
        spec = self.template.parameters[name]
        kind = str(spec.get("Type", "String"))
        shown = f"parameter {_shown(name, _LOGICAL_ID, '(not alphanumeric)')}"
        if kind.startswith("AWS::SSM::Parameter::Value"):
            return Unresolved(f"{shown} is read from SSM at deploy time", (), f"${{{name}}}",
                              external=True)
        if name in self._params:
            raw: Any = self._params[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            return Unresolved(f"{shown} has no value", (), f"${{{name}}}", external=True)
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            if isinstance(raw, list):
                return [str(v) for v in raw]
            return [v.strip() for v in str(raw).split(",")] if str(raw) else []
        return _scalar_text(raw)

    def _function(self, fn: str, arg: Any, depth: int) -> Any:
        if fn == "Ref":
            return self.ref(str(arg)) if isinstance(arg, str) else Unresolved("Ref of a non-name")
        handler = _FUNCTIONS.get(fn)
        if handler is None:
            return Unresolved(f"{_shown(fn, _FUNCTION_NAME, 'a function')} is not evaluated")
        result: Any = handler(self, arg, depth)
        return result

    def get_att(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unresolved("malformed Fn::GetAtt")
        res, attr = str(arg[0]), self.value(arg[1], depth)
        refs = (res,) if res in self.template.resources else ()
        shown = _shown(res, _LOGICAL_ID, "a resource") if refs else \
            "a resource the template does not define"
        if isinstance(attr, Unresolved):
            return Unresolved(f"Fn::GetAtt of {shown} and an unresolved attribute", refs)
        if refs:
            known = self._known_attribute(res, str(attr))
            if known is not None:
                return known
        return Unresolved(f"{shown}.{_shown(str(attr), _ATTRIBUTE, 'an attribute')} is known "
                          "only after deploy", refs, f"${{{res}.{attr}}}")

    def sub(self, arg: Any, depth: int) -> Any:
        local: dict[str, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, local = arg[0], {str(k): self.value(v, depth) for k, v in arg[1].items()}
        else:
            text = arg
        if not isinstance(text, str):
            return Unresolved("malformed Fn::Sub")
        parts: list[Any] = []
        pos = 0
        for m in _SUB_VAR.finditer(text):
            parts.append(text[pos:m.start()])
            pos = m.end()
            name = m.group(1).strip()
            if name.startswith("!"):  # ${!Literal} is the literal text ${Literal}
                parts.append("${" + name[1:] + "}")
            elif name in local:
                parts.append(local[name])
            elif "." in name and not name.startswith("AWS::"):
                parts.append(self.get_att(name.split(".", 1), depth))
            else:
                parts.append(self.ref(name))
        parts.append(text[pos:])
        return _concat(parts)

    def join(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unresolved("malformed Fn::Join")
        delimiter, items = self.value(arg[0], depth), self.value(arg[1], depth)
        if isinstance(items, Unresolved) or isinstance(delimiter, Unresolved):
            return Unresolved("Fn::Join of a list known only at deploy time",
                              refs_of(items) + refs_of(delimiter))
        if not isinstance(items, list):
            return Unresolved("malformed Fn::Join")
        parts: list[Any] = []
        for i, item in enumerate(items):
            if i:
                parts.append(str(delimiter))
            parts.append(item)
        return _concat(parts)

    def if_(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3):
            return Unresolved("malformed Fn::If")
        truth = self.condition(str(arg[0]))
        if truth is None:
            branches = [self.value(a, depth) for a in arg[1:]]
            name = arg[0] if isinstance(arg[0], str) and arg[0] in self.template.conditions \
                else None
            return Unresolved(f"depends on condition {_shown(name, _LOGICAL_ID, 'undefined')}, "
                              "unknown before deploy",
                              tuple(dict.fromkeys(r for b in branches for r in refs_of(b))))
        return self.value(arg[1] if truth else arg[2], depth)

    def select(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unresolved("malformed Fn::Select")
        index, items = self.value(arg[0], depth), self.value(arg[1], depth)
        if isinstance(items, Unresolved) or isinstance(index, Unresolved):
            return Unresolved("Fn::Select from a list known only at deploy time",
                              refs_of(items))
        try:
            return items[int(index)]
        except (ValueError, TypeError, IndexError, KeyError, OverflowError):
            return Unresolved("Fn::Select index out of range")

    def split(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unresolved("malformed Fn::Split")
        delimiter, source = self.value(arg[0], depth), self.value(arg[1], depth)
        if isinstance(source, str) and isinstance(delimiter, str) and delimiter:
            return source.split(delimiter)
        return Unresolved("Fn::Split of a value known only at deploy time", refs_of(source))

    def find_in_map(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) in (3, 4)):
            return Unresolved("malformed Fn::FindInMap")
        keys = [self.value(a, depth) for a in arg[:3]]
        if any(isinstance(k, Unresolved) for k in keys):
            bad = next(k for k in keys if isinstance(k, Unresolved))
            return Unresolved(f"Fn::FindInMap key: {bad.reason}", bad.refs)
        if not all(isinstance(k, str | int | float | bool) for k in keys):
            return Unresolved("Fn::FindInMap with a key that is not a string")
        found: Any = self.template.mappings
        for key in keys:
            found = found.get(_scalar_text(key)) if isinstance(found, dict) else None
        if found is None:
            default = arg[3].get("DefaultValue") if len(arg) == 4 and isinstance(
                arg[3], dict) else None
            if default is not None:
                return self.value(default, depth)
            # the keys are values (often a parameter's): the reason does not quote them
            return Unresolved("Fn::FindInMap keys are not in the mappings")
        return self.value(found, depth)

    def equals(self, arg: Any, depth: int) -> Any:
        truth = self._truth({"Fn::Equals": arg}, depth)
        return Unresolved("Fn::Equals of values unknown before deploy") if truth is None \
            else truth

    def base64(self, arg: Any, depth: int) -> Any:
        value = self.value(arg, depth)
        if isinstance(value, str):
            try:
                return _capped(base64.b64encode(value.encode()).decode())
            except UnicodeEncodeError:  # a lone surrogate (`"\ud800"` in JSON)
                return Unresolved("Fn::Base64 of text that is not valid Unicode")
        return Unresolved("Fn::Base64 of a value known only at deploy time", refs_of(value))

    def cidr(self, arg: Any, depth: int) -> Any:
        values = self.value(arg, depth)
        if not (isinstance(values, list) and len(values) == 3) or find_unresolved(values):
            return Unresolved("Fn::Cidr of values known only at deploy time", refs_of(values))
        try:
            network = ipaddress.ip_network(str(values[0]), strict=False)
            count, bits = int(values[1]), int(values[2])
            if not 1 <= count <= _MAX_CIDR_COUNT:  # a huge count would never end
                return Unresolved("Fn::Cidr arguments out of range")
            subnets = network.subnets(new_prefix=network.max_prefixlen - bits)
            return [str(next(subnets)) for _ in range(count)]
        except (ValueError, TypeError, OverflowError, StopIteration):
            return Unresolved("Fn::Cidr arguments out of range")

    def to_json_string(self, arg: Any, depth: int) -> Any:
        value = self.value(arg, depth)
        bad = find_unresolved(value)
        if bad is not None:
            return Unresolved(bad.reason, bad.refs)
        # YAML gives dates and timestamps (`2020-01-01`) that JSON has no type for: as text,
        # the way CloudFormation reads the template's scalar
        return _capped(json.dumps(value, separators=(",", ":"), default=str))

    def length(self, arg: Any, depth: int) -> Any:
        value = self.value(arg, depth)
        return len(value) if isinstance(value, list) else Unresolved(
            "Fn::Length of a list known only at deploy time", refs_of(value))


def _shown(name: object, pattern: re.Pattern[str], otherwise: str) -> str:
    """A name for a reason (reasons reach findings): quoted when it has the shape of what it
    names, else `otherwise`. A malformed template may hold any text, a secret included,
    where a name belongs."""
    return name if isinstance(name, str) and pattern.fullmatch(name) else otherwise


def _scalar_text(value: Any) -> Any:
    """Parameter values and `Equals` operands compare as CloudFormation does: as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _concat(parts: list[Any]) -> Any:
    if not any(isinstance(p, Unresolved) for p in parts):
        bad = [p for p in parts if not isinstance(p, str | int | float | bool)]
        if bad:
            return Unresolved("a non-scalar value inside a string")
        texts = [str(_scalar_text(p)) for p in parts]
        # measured before joining: a join of many long parts would be built in memory first
        return Unresolved(_TOO_LONG) if _too_long(texts) else "".join(texts)
    return _combine([_scalar_text(p) for p in parts])


def _too_long(texts: list[str]) -> bool:
    return sum(map(len, texts)) > MAX_TEXT


def _capped(text: str) -> str | Unresolved:
    return text if len(text) <= MAX_TEXT else Unresolved(_TOO_LONG)


def _unresolved(reason: str, *, external: bool = False) -> Any:
    def handler(_ev: Evaluator, _arg: Any, _depth: int) -> Unresolved:
        return Unresolved(reason, external=external)
    return handler


_FUNCTIONS: dict[str, Any] = {
    "Fn::GetAtt": Evaluator.get_att,
    "Fn::Sub": Evaluator.sub,
    "Fn::Join": Evaluator.join,
    "Fn::If": Evaluator.if_,
    "Fn::Select": Evaluator.select,
    "Fn::Split": Evaluator.split,
    "Fn::FindInMap": Evaluator.find_in_map,
    "Fn::Equals": Evaluator.equals,
    "Fn::Base64": Evaluator.base64,
    "Fn::Cidr": Evaluator.cidr,
    "Fn::ToJsonString": Evaluator.to_json_string,
    "Fn::Length": Evaluator.length,
    "Fn::GetAZs": _unresolved("Fn::GetAZs is known only at deploy time"),
    "Fn::ImportValue": _unresolved("Fn::ImportValue reads another stack's output",
                                   external=True),
    "Fn::Transform": _unresolved("a macro (Fn::Transform) rewrites it at deploy time"),
}
