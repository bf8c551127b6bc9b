"""A Sigma rule's condition tree -> one Python closure over an event, plus routing keys.

The tree is pySigma's post-processed condition (AND/OR/NOT over field = value leaves), taken
after our pipeline renamed the fields. It is walked once per rule at load time; matching an
event runs only the closures. `exact_keys` and `substrings` derive, from the same tree, a
necessary condition the router can test for many rules at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionItem,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    SigmaCasedString,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaRegularExpression,
    SigmaString,
    SigmaType,
    SpecialChars,
)

from cloudwarden.detect.sigma._values import (
    Context,
    Unsupported,
    _on_strings,
    compile_getter,
    compile_value,
    is_null,
    string_predicate,
)

__all__ = ["KEYWORD_FIELD", "Matcher", "Node", "compile_condition", "exact_keys", "substrings"]

Matcher = Callable[[Context], bool]
Node: TypeAlias = (
    ConditionItem | ConditionFieldEqualsValueExpression | ConditionValueExpression | None
)
#: pseudo field of the routing keys of keyword detections: the record's whole text
KEYWORD_FIELD = "*"


def compile_condition(node: Node) -> Matcher:
    if isinstance(node, ConditionAND):
        return _all_of([compile_condition(a) for a in node.args])
    if isinstance(node, ConditionOR):
        one_of = _one_of_literals(node)
        if one_of is not None:
            return one_of
        return _any_of([compile_condition(a) for a in node.args])
    if isinstance(node, ConditionNOT):
        inner = compile_condition(node.args[0])
        return lambda c: not inner(c)
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _field_leaf(node.field, node.value)
    if isinstance(node, ConditionValueExpression):
        return _keyword_leaf(node.value)
    raise Unsupported(f"condition element {type(node).__name__} not supported")


def _all_of(parts: list[Matcher]) -> Matcher:
    """`all(p(c) for p in parts)`, as nested `and`s (no generator per call)."""
    if len(parts) == 1:
        return parts[0]
    a, rest = parts[0], _all_of(parts[1:])
    return lambda c: a(c) and rest(c)


def _any_of(parts: list[Matcher]) -> Matcher:
    """`any(p(c) for p in parts)`, as nested `or`s."""
    if len(parts) == 1:
        return parts[0]
    a, rest = parts[0], _any_of(parts[1:])
    return lambda c: a(c) or rest(c)


def _plain_literal(value: SigmaType) -> str | None:
    """The lower-cased text of a case-insensitive string without wildcards, else None."""
    if type(value) is not SigmaString or not all(isinstance(p, str) for p in value.s):
        return None
    return "".join(p.lower() for p in value.s)  # type: ignore[union-attr]


def _one_of_literals(node: ConditionOR) -> Matcher | None:
    """`field: [a, b, c]` (an OR of plain strings on one field) as one set membership: what
    the OR of the string leaves answers, with one read of the field."""
    args = node.args
    if len(args) < 2 or not all(isinstance(a, ConditionFieldEqualsValueExpression) for a in args):
        return None
    fields = {a.field for a in args}  # type: ignore[union-attr]
    literals = [_plain_literal(a.value) for a in args]  # type: ignore[union-attr]
    if len(fields) != 1 or any(lit is None for lit in literals):
        return None
    get = compile_getter(fields.pop())
    match = _on_strings(frozenset(literals).__contains__, False)
    return lambda c: match(get(c))


def _field_leaf(field: str, value: SigmaType) -> Matcher:
    get = compile_getter(field)
    if isinstance(value, SigmaNull):
        return lambda c: is_null(get(c))
    if isinstance(value, SigmaExists):
        if value.exists:
            return lambda c: not is_null(get(c))
        return lambda c: is_null(get(c))
    if isinstance(value, SigmaFieldReference):
        return _fieldref_leaf(get, value)
    match = compile_value(value)
    return lambda c: match(get(c))


def _fieldref_leaf(get: Callable[[Context], Any], value: SigmaFieldReference) -> Matcher:
    other = compile_getter(value.field)
    starts, ends = value.starts_with, value.ends_with

    def match(c: Context) -> bool:
        a, b = get(c), other(c)
        if a is None or b is None:
            return False
        sa, sb = str(a).lower(), str(b).lower()
        if starts and ends:
            return sb in sa
        if starts:
            return sa.startswith(sb)
        if ends:
            return sa.endswith(sb)
        return sa == sb

    return match


def _keyword_leaf(value: SigmaType) -> Matcher:
    if isinstance(value, SigmaExpansion):
        alternatives = [_keyword_leaf(v) for v in value.values]
        return lambda c: any(a(c) for a in alternatives)
    if isinstance(value, SigmaString):
        star = SpecialChars.WILDCARD_MULTI
        wrapped = SigmaCasedString() if isinstance(value, SigmaCasedString) else SigmaString()
        wrapped.s = [
            *([] if value.startswith(star) else [star]),
            *value.s,
            *([] if value.endswith(star) else [star]),
        ]
        if isinstance(value, SigmaCasedString):
            pred = string_predicate(wrapped, True)
            return lambda c: pred(c.text())
        lower_pred = string_predicate(wrapped, False)
        return lambda c: lower_pred(c.lower_text())
    if isinstance(value, SigmaRegularExpression):
        match = compile_value(value)
        return lambda c: match(c.text())
    raise Unsupported(f"keyword of type {type(value).__name__} not supported")


# --- routing keys -------------------------------------------------------------------------

Keys = frozenset[tuple[str, str]]


def _basename(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _leaf_exact(
    field: str, value: SigmaType, index_fields: tuple[str, ...], basename: frozenset[str]
) -> Keys | None:
    if isinstance(value, SigmaExpansion):
        keys = [_leaf_exact(field, v, index_fields, basename) for v in value.values]
        if any(k is None for k in keys):
            return None
        return frozenset().union(*keys)  # type: ignore[arg-type]
    if field not in index_fields or not isinstance(value, SigmaString):
        return None
    parts = value.s
    if any(not isinstance(p, str | SpecialChars) for p in parts):
        return None
    if all(isinstance(p, str) for p in parts):
        lit = "".join(parts).lower()  # type: ignore[arg-type]
        return frozenset({(field, _basename(lit) if field in basename else lit)})
    if (
        field in basename
        and len(parts) == 2
        and parts[0] is SpecialChars.WILDCARD_MULTI
        and isinstance(parts[1], str)
        and "/" in parts[1]
        and _basename(parts[1])
    ):
        return frozenset({(field, _basename(parts[1].lower()))})
    return None


def exact_keys(node: Node, index_fields: tuple[str, ...], basename: frozenset[str]) -> Keys | None:
    """(field, lower-cased value) pairs of which an event must hold one for the rule to match;
    None when no such set exists over the index fields."""
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _leaf_exact(node.field, node.value, index_fields, basename)
    if isinstance(node, ConditionOR):
        keys = [exact_keys(a, index_fields, basename) for a in node.args]
        if any(k is None for k in keys):
            return None
        return frozenset().union(*keys)  # type: ignore[arg-type]
    if isinstance(node, ConditionAND):
        options = [k for a in node.args if (k := exact_keys(a, index_fields, basename)) is not None]
        if not options:
            return None

        def rank(keys: Keys) -> tuple[int, int]:
            return (max(index_fields.index(f) for f, _ in keys), len(keys))

        return min(options, key=rank)
    return None


def _longest_literal(value: SigmaString) -> str | None:
    literals = [p for p in value.s if isinstance(p, str)]
    if not literals:
        return None
    best = max(literals, key=len).lower()
    return best if len(best) >= 3 else None


def substrings(node: Node) -> Keys | None:
    """(field, lower-cased literal) pairs of which one must occur in the field's text
    (`KEYWORD_FIELD` for the record text); None when the rule has no such literal."""
    if isinstance(node, ConditionFieldEqualsValueExpression | ConditionValueExpression):
        field = node.field if isinstance(node, ConditionFieldEqualsValueExpression) else None
        return _leaf_substrings(field or KEYWORD_FIELD, node.value)
    if isinstance(node, ConditionOR):
        keys = [substrings(a) for a in node.args]
        if any(k is None for k in keys):
            return None
        return frozenset().union(*keys)  # type: ignore[arg-type]
    if isinstance(node, ConditionAND):
        options = [k for a in node.args if (k := substrings(a)) is not None]
        if not options:
            return None
        return max(options, key=lambda ks: (min(len(s) for _, s in ks), -len(ks)))
    return None


def _leaf_substrings(field: str, value: SigmaType) -> Keys | None:
    if isinstance(value, SigmaExpansion):
        keys = [_leaf_substrings(field, v) for v in value.values]
        if any(k is None for k in keys):
            return None
        return frozenset().union(*keys)  # type: ignore[arg-type]
    if isinstance(value, SigmaString) and all(isinstance(p, str | SpecialChars) for p in value.s):
        lit = _longest_literal(value)
        return frozenset({(field, lit)}) if lit else None
    return None
