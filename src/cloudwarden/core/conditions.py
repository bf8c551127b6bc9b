"""The condition language of rule `match` blocks, compiled once into Python closures.

A condition is a mapping. Combinators have no `path`:

    all: [cond, ...]      any: [cond, ...]      not: cond

A test names a `path` (dots; a numeric part indexes a list; `path: [a, b]` for keys holding
dots) and one operator:

    eq, ne, in, not_in, exists, absent, gt, ge, lt, le, contains, matches,
    length: {op: n} | n, age_days: {op: n},
    any / all / none: cond   (over a list; the inner condition sees one element, and an inner
                              condition with no `path` tests the element itself),
    cidr_world, cidr_public (bool), cidr_in, cidr_overlaps (CIDR or list of CIDRs)

An operand may be `{param: name}`, resolved from the rule's parameters at compile time.

Missing paths never raise: a missing or null value makes eq/in/gt/.../contains/matches false,
ne/not_in true, `absent` true, `length` 0, and a list quantifier sees an empty list. A type
mismatch (a number compared with text) is false, never an exception.

Each compiled condition has two forms: `test(doc) -> bool` for the hot path, and
`explain(doc) -> (bool, evidence)`, which also returns the paths and values that decided it.
"""

from __future__ import annotations

import ipaddress
import itertools
import marshal
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cloudwarden.core.model import Evidence

__all__ = ["MISSING", "Compiled", "ConditionError", "compile_condition", "memo_key_function",
           "plain_reads", "signature_fields", "value_key_function"]

MAX_REGEX_LENGTH = 256
MAX_EVIDENCE = 20
_MEMO_TEXT = 256
_MEMO_ENTRIES = 4096
_MAX_TEXT = 300


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

Test = Callable[[Any], bool]
Explain = Callable[[Any, str, list[Evidence]], bool]


class ConditionError(ValueError):
    """A condition that cannot be compiled; `where` locates it inside the rule's match."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class Compiled:
    test: Test
    _explain: Explain
    paths: tuple[str, ...]
    #: what the condition reads, when its result and evidence depend on those values alone
    #: (no clock): ("leaf", path parts) for a value, ("each", path parts, inner signature)
    #: for a quantified list. Equal signatures read equal values, so an engine may remember
    #: results keyed on `memo_key(doc)`, or key several conditions on the union of their
    #: top-level fields (`signature_fields`, `value_key_function`)
    memo_signature: tuple[Any, ...] | None = None
    #: getters of the values read, when there are at most two and no quantified list
    memo_getters: tuple[Callable[[Any], Any], ...] | None = None
    #: `memo_key` as a plain function, for hot loops
    key_of: Callable[[Any], Any] = field(
        default=lambda doc: None, init=False, repr=False, compare=False)

    def explain(self, doc: Any) -> tuple[bool, list[Evidence]]:
        out: list[Evidence] = []
        result = self._explain(doc, "", out)
        return result, out

    def memo_key(self, doc: Any) -> Any:
        """A hashable key of every value this condition reads - equal keys, equal result and
        evidence - or None when there is none (a clock is read; a value of an odd type): one
        or two plain values as a tuple, otherwise the whole top-level fields read, written by
        C (summarising lists in Python costs more than most conditions do)."""
        return self.key_of(doc)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_of", _key_function(self.memo_signature,
                                                         self.memo_getters))


def _key_function(signature: tuple[Any, ...] | None,
                  getters: tuple[Callable[[Any], Any], ...] | None) -> Callable[[Any], Any]:
    if signature is None:
        return lambda doc: None
    if getters is not None:
        return memo_key_function(getters)
    fields = signature_fields(signature)
    if fields is None:  # pragma: no cover - a top-level read always names a field
        return lambda doc: None
    return value_key_function(fields)


class _Unkeyable(Exception):
    """A value read has no cheap hashable summary (an odd type, a large structure)."""


class _Token:
    """A key stand-in for a value that equals another of a different type: True == 1 == 1.0
    in Python, but `eq: true` is not `eq: 1`, so a memo must keep them apart."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


_TRUE, _FALSE, _FLOAT = _Token("true"), _Token("false"), _Token("float")


def _token(v: Any) -> Any:
    """The key of one value read: the value itself for text, ints, None and MISSING; a typed
    form for bools and floats; a list or mapping read whole written by marshal (exact, as
    `value_key_function`; no other token is bytes); _Unkeyable otherwise."""
    t = type(v)
    if t is str or t is int or v is None or v is MISSING:
        return v
    if t is bool:
        return _TRUE if v else _FALSE
    if t is float:
        return (_FLOAT, v)
    if t is list or t is dict:
        try:
            return marshal.dumps(v, 2)
        except ValueError:
            raise _Unkeyable from None
    raise _Unkeyable


def memo_key_function(
        getters: tuple[Callable[[Any], Any], ...] | None) -> Callable[[Any], Any]:
    """doc -> a hashable key of the values `getters` read, or None when one has no cheap key.
    Equal keys mean equal values as the conditions see them (True is not 1, a float is not an
    int), so equal results and evidence. Specialised for one or two values, which most rules
    read."""
    if getters is None:
        return lambda doc: None
    token, missing = _token, MISSING
    if len(getters) == 1:
        (g,) = getters

        def key1(doc: Any) -> tuple[Any, ...] | None:
            v = g(doc)
            t = type(v)
            if t is str or t is int or v is None or v is missing:
                return (v,)
            if t is bool:
                return (_TRUE,) if v else (_FALSE,)
            try:
                return (token(v),)
            except _Unkeyable:
                return None

        return key1
    if len(getters) == 2:
        g1, g2 = getters

        def key2(doc: Any) -> tuple[Any, ...] | None:
            v1, v2 = g1(doc), g2(doc)
            t1, t2 = type(v1), type(v2)
            try:
                return (v1 if t1 is str or t1 is int or v1 is None or v1 is missing
                        else token(v1),
                        v2 if t2 is str or t2 is int or v2 is None or v2 is missing
                        else token(v2))
            except _Unkeyable:
                return None

        return key2

    def keyn(doc: Any) -> tuple[Any, ...] | None:
        try:
            return tuple([token(get(doc)) for get in getters])
        except _Unkeyable:
            return None

    return keyn


def value_key_function(fields: Sequence[str]) -> Callable[[Any], bytes | None]:
    """doc -> the values of its top-level `fields`, whole, as one byte string (marshal format
    2: written by C, exact — bools, ints and floats apart, NaN and -0.0 kept, mapping order
    kept — and free of object identity), or None when a value is of a type marshal refuses
    (datetime, a subclass, ...). An absent field is written as `...`, which no loader of
    documents produces. Far cheaper than `memo_key_function` over large lists, but keys whole
    values: a field read only in part keys also what is not read."""
    names = tuple(fields)
    dumps, absent = marshal.dumps, itertools.repeat(Ellipsis)
    if len(names) == 1:  # most rules: one field (a list of rules, of statements...), no list
        (name,) = names

        def key1(doc: Any) -> bytes | None:
            try:
                return dumps(doc.get(name, ...), 2)
            except (ValueError, AttributeError):
                return None

        return key1

    def key(doc: Any) -> bytes | None:
        try:
            return dumps([*map(doc.get, names, absent)], 2)  # [*...]: no call of list()
        except (ValueError, AttributeError):
            return None

    return key


def signature_fields(signature: Sequence[Any]) -> tuple[str, ...] | None:
    """The top-level fields a `memo_signature` reads, or None if it reads the document whole."""
    out: dict[str, None] = {}
    for entry in signature:
        parts = entry[1]
        if not parts:
            return None
        out[parts[0]] = None
    return tuple(out)


def plain_reads(signature: Sequence[Any]) -> bool:
    """Whether a `memo_signature` reads at most two values, none of them a quantified list:
    then `memo_key_function` is the cheapest key."""
    return len(signature) <= 2 and all(entry[0] == "leaf" for entry in signature)


# -- paths ---------------------------------------------------------------------------------


def _parse_path(raw: Any, where: str) -> tuple[str, ...]:
    if isinstance(raw, str) and raw:
        return tuple(raw.split("."))
    if isinstance(raw, list) and raw and all(isinstance(p, str | int) for p in raw):
        return tuple(str(p) for p in raw)
    raise ConditionError(where, f"path must be a non-empty string or list, got {raw!r}")


def _step(value: Any, key: str) -> Any:
    if type(value) is dict or isinstance(value, Mapping):
        return value.get(key, MISSING)
    if isinstance(value, list) and key.isdigit():
        index = int(key)
        return value[index] if index < len(value) else MISSING
    return MISSING


def _getter(parts: tuple[str, ...]) -> Callable[[Any], Any]:
    # Unrolled for the common depths: this is the innermost loop of every assessment.
    if len(parts) == 1:
        (k,) = parts

        def get1(doc: Any) -> Any:
            if type(doc) is dict:
                return doc.get(k, MISSING)
            return _step(doc, k)

        return get1
    if len(parts) == 2:
        k1, k2 = parts

        def get2(doc: Any) -> Any:
            if type(doc) is dict:
                v = doc.get(k1, MISSING)
                if type(v) is dict:
                    return v.get(k2, MISSING)
                return MISSING if v is MISSING else _step(v, k2)
            return _step(_step(doc, k1), k2)

        return get2

    def getn(doc: Any) -> Any:
        v = doc
        for k in parts:
            v = _step(v, k)
            if v is MISSING:
                return MISSING
        return v

    return getn


def _identity(doc: Any) -> Any:
    return doc


# -- operators -----------------------------------------------------------------------------


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def _same_kind(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return True
    return type(a) is type(b) and isinstance(a, str)


def _make_compare(op: Callable[[Any, Any], bool], x: Any) -> Callable[[Any], bool]:
    def cmp(v: Any) -> bool:
        return _same_kind(v, x) and op(v, x)

    return cmp


def _eq(x: Any) -> Callable[[Any], bool]:
    if isinstance(x, bool) or x is None:
        return lambda v: v is x
    if _is_number(x):
        return lambda v: _is_number(v) and v == x
    tx = type(x)
    return lambda v: type(v) is tx and v == x


def _membership(options: list[Any]) -> Callable[[Any], bool]:
    """`v in options` with `eq`'s strictness (True is not 1, "3" is not 3), as a set lookup
    when the options allow it: this sits on the hot path of many rules' applies_if."""
    if options and all(type(o) is str for o in options):
        texts = frozenset(options)
        return lambda v: type(v) is str and v in texts
    if options and all(type(o) in (int, float) for o in options):
        numbers = frozenset(options)
        return lambda v: type(v) in (int, float) and v in numbers
    checks = [_eq(o) for o in options]
    return lambda v: any(c(v) for c in checks)


def _as_list(x: Any, where: str, op: str) -> list[Any]:
    if not isinstance(x, list):
        raise ConditionError(where, f"{op} needs a list, got {x!r}")
    return x


def _networks(x: Any, where: str, op: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    items = x if isinstance(x, list) else [x]
    try:
        return [ipaddress.ip_network(str(i), strict=False) for i in items]
    except ValueError as exc:
        raise ConditionError(where, f"{op}: {exc}") from None


def _net(v: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(v, str):
        return None
    try:
        return ipaddress.ip_network(v, strict=False)
    except ValueError:
        return None


def _cidr_public(v: Any) -> bool:
    net = _net(v)
    if net is None:
        return False
    if net.prefixlen == 0:
        return True
    addr = net.network_address
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
                or addr.is_reserved or addr.is_unspecified)


def _compile_regex(pattern: Any, where: str) -> Callable[[Any], bool]:
    if not isinstance(pattern, str):
        raise ConditionError(where, f"matches needs a string pattern, got {pattern!r}")
    if len(pattern) > MAX_REGEX_LENGTH:
        raise ConditionError(where, f"regex longer than {MAX_REGEX_LENGTH} characters")
    # one matcher per pattern, shared by every condition using it: rules of one asset type
    # often test the same pattern on the same value (the names a distribution reserves, read
    # by ten RBAC rules), and then one RE2 search answers them all
    matcher = _REGEX_MATCHERS.get(pattern)
    if matcher is None:
        matcher = _regex_matcher(pattern, where)
        if len(_REGEX_MATCHERS) >= _MAX_REGEX_MATCHERS:
            _REGEX_MATCHERS.clear()
        _REGEX_MATCHERS[pattern] = matcher
    return matcher


#: pattern -> its matcher (see `_compile_regex`), cleared when full
_REGEX_MATCHERS: dict[str, Callable[[Any], bool]] = {}
_MAX_REGEX_MATCHERS = 256


def _regex_matcher(pattern: str, where: str) -> Callable[[Any], bool]:
    import re2  # linear-time engine: no catastrophic backtracking on hostile input

    options = re2.Options()
    options.max_mem = 1 << 20  # bounds the compiled program; huge repetitions are refused
    options.log_errors = False
    try:
        rx = re2.compile(pattern, options)
    except re2.error as exc:
        raise ConditionError(where, f"regex rejected ({exc}); backreferences and lookaround "
                                    "are not supported") from None
    search = rx.search
    # RE2 guarantees linear time but costs microseconds per call; the same values (states,
    # ARN prefixes, names) recur across an inventory, so remember short answers, boundedly.
    # The last answer the memo did not keep is remembered too (one tuple, replaced whole, so
    # threads never see a value with another's answer): the rules sharing this matcher ask
    # about one asset's value in a row, whatever the memo holds.
    memo: dict[str, bool] = {}
    last: tuple[str, bool] | None = None

    def matches(v: Any) -> bool:
        nonlocal last
        if type(v) is not str:
            return False
        hit = memo.get(v)
        if hit is None:
            kept = last
            if kept is not None and kept[0] == v:
                return kept[1]
            hit = search(v) is not None
            if len(v) <= _MEMO_TEXT and len(memo) < _MEMO_ENTRIES:
                memo[v] = hit
            else:
                last = (v, hit)
        return hit

    return matches


def _contains(x: Any) -> Callable[[Any], bool]:
    def contains(v: Any) -> bool:
        if isinstance(v, str):
            return isinstance(x, str) and x in v
        if isinstance(v, list):
            return x in v
        if isinstance(v, Mapping):
            return isinstance(x, str) and x in v
        return False

    return contains


def _length_of(v: Any) -> int | None:
    if v is MISSING or v is None:
        return 0
    if isinstance(v, str | list | Mapping):
        return len(v)
    return None


def _to_datetime(v: Any) -> datetime | None:
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    if not isinstance(v, str) or len(v) < 10:
        return None
    try:
        d = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_LEAF_OPS = {"eq", "ne", "in", "not_in", "exists", "absent", "gt", "ge", "lt", "le", "contains",
             "matches", "length", "age_days", "cidr_world", "cidr_public", "cidr_in",
             "cidr_overlaps"}
_LIST_OPS = {"any", "all", "none"}


# -- the compiler --------------------------------------------------------------------------


class _Compiler:
    def __init__(self, params: Mapping[str, Any], now: datetime) -> None:
        self.params = params
        self.now = now
        self.paths: list[str] = []
        self.memoizable = True
        #: what is read at the current level: ("leaf", path parts) -> getter, ("each", path
        #: parts) -> (getter, the reads of each element); a quantifier compiles its body one
        #: level down. Keyed by parts, not dotted text: ["a.b"] is not a.b
        self.scope: dict[tuple[str, tuple[str, ...]], Any] = {}
        self.root = self.scope

    def operand(self, x: Any, where: str) -> Any:
        if isinstance(x, dict) and set(x) == {"param"}:
            name = x["param"]
            if name not in self.params:
                raise ConditionError(where, f"unknown parameter {name!r}")
            return self.params[name]
        return x

    def compile(self, spec: Any, where: str, prefix: str = "") -> tuple[Test, Explain]:
        if not isinstance(spec, dict) or not spec:
            raise ConditionError(where, f"a condition must be a non-empty mapping, got {spec!r}")
        if "path" not in spec:
            combinators = [k for k in spec if k in ("all", "any", "not")]
            if len(combinators) == 1 and len(spec) == 1:
                return self.combinator(combinators[0], spec[combinators[0]], where, prefix)
            ops = [k for k in spec if k in _LEAF_OPS]
            if len(ops) == 1 and len(spec) == 1 and prefix:
                # inside a list quantifier, a test without path tests the element itself
                return self.leaf((), ops[0], spec[ops[0]], where, prefix)
            raise ConditionError(where, f"expected one of all/any/not or a path with an "
                                        f"operator, got keys {sorted(spec)}")
        path = _parse_path(spec["path"], where)
        ops = [k for k in spec if k != "path"]
        if len(ops) != 1:
            raise ConditionError(where, f"a test needs exactly one operator, got {ops or 'none'}")
        op = ops[0]
        if op in _LIST_OPS:
            return self.quantifier(path, op, spec[op], where, prefix)
        if op not in _LEAF_OPS:
            raise ConditionError(where, f"unknown operator {op!r}; known: "
                                        f"{', '.join(sorted(_LEAF_OPS | _LIST_OPS))}")
        return self.leaf(path, op, spec[op], where, prefix)

    def combinator(self, kind: str, body: Any, where: str, prefix: str) -> tuple[Test, Explain]:
        if kind == "not":
            t, e = self.compile(body, f"{where}.not", prefix)

            def test_not(doc: Any) -> bool:
                return not t(doc)

            def explain_not(doc: Any, pre: str, out: list[Evidence]) -> bool:
                return not e(doc, pre, out)

            return test_not, explain_not
        if not isinstance(body, list) or not body:
            raise ConditionError(where, f"{kind} needs a non-empty list of conditions")
        parts = [self.compile(c, f"{where}.{kind}[{i}]", prefix) for i, c in enumerate(body)]
        tests = tuple(p[0] for p in parts)
        explains = tuple(p[1] for p in parts)
        if kind == "all":
            if len(tests) == 2:
                a, b = tests

                def test_all2(doc: Any) -> bool:
                    return a(doc) and b(doc)

                test_all: Test = test_all2
            else:

                def test_alln(doc: Any) -> bool:
                    return all(t(doc) for t in tests)

                test_all = test_alln

            def explain_all(doc: Any, pre: str, out: list[Evidence]) -> bool:
                mark = len(out)
                for e in explains:
                    start = len(out)
                    if not e(doc, pre, out):
                        # only the failing child explains a failed `all`
                        failing = out[start:]
                        del out[mark:]
                        out.extend(failing)
                        return False
                return True

            return test_all, explain_all

        def test_any(doc: Any) -> bool:
            return any(t(doc) for t in tests)

        def explain_any(doc: Any, pre: str, out: list[Evidence]) -> bool:
            mark = len(out)
            for e in explains:
                start = len(out)
                if e(doc, pre, out):
                    # only the passing child explains a passed `any`
                    passing = out[start:]
                    del out[mark:]
                    out.extend(passing)
                    return True
            return False

        return test_any, explain_any

    def quantifier(self, path: tuple[str, ...], op: str, body: Any, where: str,
                   prefix: str) -> tuple[Test, Explain]:
        get = _getter(path)
        dotted = ".".join(path)
        self.paths.append(prefix + dotted)
        outer = self.scope
        self.scope = outer.setdefault(("each", path), (get, {}))[1]
        try:
            inner_t, inner_e = self.compile(body, f"{where}.{op}", f"{prefix}{dotted}[].")
        finally:
            self.scope = outer

        def items(doc: Any) -> list[Any]:
            v = get(doc)
            return v if isinstance(v, list) else []

        if op == "any":
            def test(doc: Any) -> bool:
                return any(inner_t(x) for x in items(doc))
        elif op == "all":
            def test(doc: Any) -> bool:
                return all(inner_t(x) for x in items(doc))
        else:
            def test(doc: Any) -> bool:
                return not any(inner_t(x) for x in items(doc))

        decides_on = op != "all"  # any/none are decided by a matching element, all by a miss
        empty_note = f"{op} of an empty list"

        def explain(doc: Any, pre: str, out: list[Evidence]) -> bool:
            elements = items(doc)
            base = f"{pre}{dotted}" if pre else dotted
            if not elements:
                out.append(Evidence(base, _shown(get(doc)), empty_note))
                return op != "any"
            mark = len(out)
            for i, x in enumerate(elements):
                start = len(out)
                if inner_e(x, f"{base}[{i}].", out) is decides_on:
                    # the deciding element alone explains the result
                    deciding = out[start:]
                    del out[mark:]
                    out.extend(deciding)
                    return op == "any"
                if len(out) - mark > MAX_EVIDENCE:
                    del out[mark + MAX_EVIDENCE:]
            return op != "any"

        return test, explain

    def leaf(self, path: tuple[str, ...], op: str, raw: Any, where: str,
             prefix: str) -> tuple[Test, Explain]:
        where = f"{where}.{op}"
        get = _getter(path) if path else _identity
        dotted = ".".join(path)
        self.paths.append(prefix + dotted if dotted else prefix.removesuffix("."))
        if op == "age_days":
            self.memoizable = False  # depends on the clock; timestamps rarely repeat anyway
        self.scope.setdefault(("leaf", path), get)
        x = self.operand(raw, where)
        pred = self.predicate(op, x, where)
        expected = f"{op} {x!r}" if not isinstance(x, dict) else f"{op} {x}"

        def test(doc: Any) -> bool:
            return pred(get(doc))

        top_label = dotted or "."

        def explain(doc: Any, pre: str, out: list[Evidence]) -> bool:
            v = get(doc)
            label = (f"{pre}{dotted}" if dotted else pre.rstrip(".") or ".") if pre else top_label
            out.append(Evidence(label, v if type(v) in _PLAIN else _shown(v), expected))
            return pred(v)

        return test, explain

    def predicate(self, op: str, x: Any, where: str) -> Callable[[Any], bool]:
        if op == "eq":
            return _eq(x)
        if op == "ne":
            eq = _eq(x)
            return lambda v: not eq(v)
        if op in ("in", "not_in"):
            options = _as_list(x, where, op)
            member = _membership(options)
            if op == "in":
                return member
            return lambda v: not member(v)
        if op in ("exists", "absent"):
            if not isinstance(x, bool):
                raise ConditionError(where, f"{op} takes true or false")
            present = (op == "exists") == x
            if present:
                return lambda v: v is not MISSING and v is not None
            return lambda v: v is MISSING or v is None
        if op in _COMPARISONS:
            if not (_is_number(x) or isinstance(x, str)):
                raise ConditionError(where, f"{op} needs a number or text, got {x!r}")
            return _make_compare(_COMPARISONS[op], x)
        if op == "contains":
            return _contains(x)
        if op == "matches":
            return _compile_regex(x, where)
        if op == "length":
            inner = self.measure(x, where)
            return lambda v: (n := _length_of(v)) is not None and inner(n)
        if op == "age_days":
            inner = self.measure(x, where)
            now = self.now

            def age(v: Any) -> bool:
                when = _to_datetime(v)
                if when is None:
                    return False
                return inner((now - when).total_seconds() / 86400.0)

            return age
        if op == "cidr_world":
            return lambda v: (v in ("0.0.0.0/0", "::/0")) is bool(x)
        if op == "cidr_public":
            return lambda v: _cidr_public(v) is bool(x)
        if op == "cidr_in":
            nets = _networks(x, where, op)

            def within(v: Any) -> bool:
                n = _net(v)
                return n is not None and any(
                    n.version == m.version and n.subnet_of(m)  # type: ignore[arg-type]
                    for m in nets)

            return within
        if op == "cidr_overlaps":
            nets = _networks(x, where, op)

            def overlaps(v: Any) -> bool:
                n = _net(v)
                return n is not None and any(
                    n.version == m.version and n.overlaps(m) for m in nets)

            return overlaps
        raise ConditionError(where, f"unknown operator {op!r}")  # pragma: no cover

    def measure(self, x: Any, where: str) -> Callable[[float], bool]:
        x = self.operand(x, where)
        if _is_number(x):
            return lambda n: n == x
        if isinstance(x, dict) and len(x) == 1:
            (op, bound), = x.items()
            bound = self.operand(bound, where)
            if op == "eq" and _is_number(bound):
                return lambda n: n == bound
            if op in _COMPARISONS and _is_number(bound):
                fn = _COMPARISONS[op]
                return lambda n: fn(n, bound)
        raise ConditionError(where, f"expected a number or {{gt|ge|lt|le|eq: number}}, got {x!r}")


_PLAIN = frozenset({bool, int, float, type(None)})
_SCALARS = frozenset({str, bool, int, float, type(None)})


def _shown(v: Any) -> Any:
    """Evidence values are kept short: a whole policy document is not evidence."""
    if v is MISSING:
        return None
    if isinstance(v, str) and len(v) > _MAX_TEXT:
        return v[:_MAX_TEXT] + "..."
    if isinstance(v, dict | list):
        text = repr(v)
        if len(text) > _MAX_TEXT:
            return f"<{type(v).__name__} of {len(v)} items>"
    return v


def compile_condition(
    spec: Any,
    *,
    params: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    where: str = "match",
) -> Compiled:
    """Compile a condition; raises ConditionError naming where in the spec it went wrong."""
    compiler = _Compiler(params or {}, now or datetime.now(UTC))
    test, explain = compiler.compile(spec, where)
    signature = _signature(compiler.root) if compiler.memoizable else None
    getters = (tuple(compiler.root.values())
               if signature is not None and plain_reads(signature) else None)
    return Compiled(test, explain, tuple(dict.fromkeys(compiler.paths)), signature, getters)


def _signature(scope: dict[tuple[str, tuple[str, ...]], Any]) -> tuple[Any, ...]:
    """Parallel to `_reads(scope)`: ("leaf", path) or ("each", path, inner signature)."""
    out: list[Any] = []
    for (kind, path), entry in scope.items():
        if kind == "leaf":
            out.append(("leaf", path))
        else:
            out.append(("each", path, _signature(entry[1])))
    return tuple(out)


def leaf_operators() -> Sequence[str]:
    return sorted(_LEAF_OPS | _LIST_OPS)
