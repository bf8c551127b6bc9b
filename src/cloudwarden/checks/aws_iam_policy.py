"""Pure analysis of AWS IAM policy documents (identity, key and trust policies).

A statement's Action, NotAction, Resource, Principal and Condition may each be a string or a
list (or a mapping, for Principal); this module reads them all the same way. Actions are
matched case-insensitively with IAM's `*` and `?` wildcards. Nothing here does I/O, and a
malformed document never raises: what cannot be read grants nothing.

The questions answered are deliberately narrow and conservative - "does this statement grant
every action on every resource", "does it allow kms:Decrypt on every key", "is its principal
anyone" - not a full IAM evaluation (explicit Deny and permission boundaries are ignored, so
these helpers can over-report a grant that a Deny elsewhere cancels, never under-report one).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

__all__ = [
    "RESTRICTING_CONDITION_KEYS",
    "action_allowed",
    "allow_statements",
    "as_list",
    "attached_policy_names",
    "days_since",
    "full_admin_statements",
    "grants_full_admin",
    "has_attached_policy",
    "has_restricting_condition",
    "inline_policies",
    "inline_policies_decrypting_all_keys",
    "inline_policies_where",
    "inline_policies_with_full_admin",
    "is_full_admin_statement",
    "kms_decrypt_actions_on_all_keys",
    "principal_accounts",
    "principal_is_public",
    "public_statements",
    "resource_covers_all",
    "resource_covers_all_kms_keys",
    "service_wildcard_actions",
    "statements",
]

#: Condition keys that tie a statement to known accounts, organizations, principals or
#: networks. A public principal with one of these (and a value that is not itself `*`) is not
#: open to anyone.
RESTRICTING_CONDITION_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:SourceOrgID",
    "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:userid",
    "aws:username", "aws:PrincipalServiceName", "kms:CallerAccount",
))

_SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]*:[^:]*:(\d{12}):")
# A key id no real key has: a resource pattern matching it matches every key.
_PROBE_KEY = "key/00000000-probe-any-key"


def as_list(value: Any) -> list[Any]:
    """A policy element as a list: a string becomes a one-item list, null an empty list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [value]


def _document(doc: Any) -> Mapping[str, Any] | None:
    if type(doc) is dict:
        return doc
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return None
    return doc if (type(doc) is dict or isinstance(doc, Mapping)) else None


#: The last policy document read and its statements. The engine runs every rule of one asset
#: before the next, so the rules that read the same document (a managed policy's admin, KMS
#: and wildcard rules; a role's inline policies) share one reading. Identity plus a strong
#: reference keeps the memo exact; documents are read-only during an assessment.
_last_statements: tuple[Any, list[Mapping[str, Any]]] | None = None


def statements(doc: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (a mapping or its JSON text); [] when unreadable."""
    global _last_statements
    if doc is None:
        return []
    last = _last_statements
    if last is not None and last[0] is doc:
        return list(last[1])
    parsed = _document(doc)
    if parsed is None:
        return []
    out = [s for s in as_list(parsed.get("Statement"))
           if type(s) is dict or isinstance(s, Mapping)]
    _last_statements = (doc, out)
    return list(out)


def _is_allow(stmt: Mapping[str, Any]) -> bool:
    return str(stmt.get("Effect", "")).lower() == "allow"


def allow_statements(doc: Any) -> list[Mapping[str, Any]]:
    return [s for s in statements(doc) if _is_allow(s)]


def _pattern_matches(pattern: Any, action: str) -> bool:
    return isinstance(pattern, str) and _matches(pattern, action)


@functools.lru_cache(maxsize=8192)
def _matches(pattern: str, action: str) -> bool:
    # cached: the same few patterns meet the same few actions in every policy
    return fnmatchcase(action.lower(), pattern.lower())


def action_allowed(stmt: Mapping[str, Any], action: str) -> bool:
    """True when the statement's Action (or NotAction) covers `action` - Effect is not read."""
    # loops rather than any(<generator>): this runs per statement and action asked about
    if "NotAction" in stmt:
        for pattern in as_list(stmt.get("NotAction")):
            if isinstance(pattern, str) and _matches(pattern, action):
                return False
        return True
    for pattern in as_list(stmt.get("Action")):
        if isinstance(pattern, str) and _matches(pattern, action):
            return True
    return False


def resource_covers_all(stmt: Mapping[str, Any]) -> bool:
    """True when the statement's Resource is `*` (NotResource is never `all`: it excludes)."""
    return any(r == "*" for r in as_list(stmt.get("Resource")))


def resource_covers_all_kms_keys(stmt: Mapping[str, Any]) -> bool:
    """True when Resource matches every KMS key: `*`, or a KMS ARN whose key part is a
    wildcard (`arn:aws:kms:*:*:key/*`, `arn:aws:kms:us-east-1:111122223333:*`)."""
    if "NotResource" in stmt:
        # Allow ... NotResource [some keys] covers every other key.
        return True
    for raw in as_list(stmt.get("Resource")):
        if isinstance(raw, str) and _covers_all_kms_keys(raw):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _covers_all_kms_keys(raw: str) -> bool:
    """Does one Resource pattern match every KMS key? (Cached: patterns recur.)"""
    pattern = raw.lower()
    if pattern in ("*", "arn:*"):
        return True
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return fnmatchcase("arn:aws:kms:r:000000000000:" + _PROBE_KEY, pattern)
    service, resource = parts[2], parts[5]
    return fnmatchcase("kms", service) and fnmatchcase(_PROBE_KEY, resource)


def is_full_admin_statement(stmt: Mapping[str, Any]) -> bool:
    """Allow of every action (`*` or `*:*`) on every resource (`*`). Conditions are not read:
    a conditional administrator is still an administrator."""
    if not _is_allow(stmt) or "NotAction" in stmt:
        return False
    everything = any(isinstance(a, str) and a.strip() in ("*", "*:*")
                     for a in as_list(stmt.get("Action")))
    return everything and resource_covers_all(stmt)


def full_admin_statements(doc: Any) -> list[Mapping[str, Any]]:
    return [s for s in statements(doc) if is_full_admin_statement(s)]


def grants_full_admin(doc: Any) -> bool:
    return _any_full_admin(statements(doc))


def _any_full_admin(stmts: list[Mapping[str, Any]]) -> bool:
    for stmt in stmts:  # noqa: SIM110 - a loop: no generator frame on the hot path
        if is_full_admin_statement(stmt):
            return True
    return False


def service_wildcard_actions(doc: Any) -> list[str]:
    """Actions of Allow statements that grant a whole service (`s3:*`) or everything (`*`)."""
    found: list[str] = []
    for stmt in allow_statements(doc):
        for action in as_list(stmt.get("Action")):
            if not isinstance(action, str):
                continue
            norm = action.strip().lower()
            if (norm in ("*", "*:*") or _SERVICE_WILDCARD.match(norm)) and action not in found:
                found.append(action)
    return found


_KMS_DECRYPT_ACTIONS = ("kms:Decrypt", "kms:ReEncryptFrom")


def kms_decrypt_actions_on_all_keys(doc: Any,
                                    actions: Iterable[str] = _KMS_DECRYPT_ACTIONS) -> list[str]:
    """Which of `actions` (kms:Decrypt, kms:ReEncryptFrom) an Allow statement grants on every
    KMS key. Conditions are not read, as in AWS's own control for this."""
    return _kms_decrypt_actions(statements(doc), list(actions))


def _kms_decrypt_actions(stmts: list[Mapping[str, Any]], wanted: Iterable[str]) -> list[str]:
    found: list[str] = []
    for stmt in stmts:
        if not _is_allow(stmt) or not resource_covers_all_kms_keys(stmt):
            continue
        for action in wanted:
            if action not in found and action_allowed(stmt, action):
                found.append(action)
    return found


def _principal_values(principal: Any) -> list[Any]:
    if (type(principal) is dict or isinstance(principal, Mapping)):
        values: list[Any] = []
        for v in principal.values():
            values.extend(as_list(v))
        return values
    return as_list(principal)


def principal_is_public(principal: Any) -> bool:
    """True for `*`, `{"AWS": "*"}` or an AWS principal with a wildcard account
    (`arn:aws:iam::*:root`)."""
    if principal == "*":
        return True
    # loops rather than any(<generator>): this runs for every statement of every resource
    # policy (a generator frame per question cost more than the questions)
    if (type(principal) is dict or isinstance(principal, Mapping)):
        for key, value in principal.items():
            if key != "AWS":
                for v in as_list(value):
                    if v == "*":
                        return True
        for v in as_list(principal.get("AWS")):  # noqa: SIM110
            if isinstance(v, str) and "*" in v:
                return True
        return False
    for v in as_list(principal):  # noqa: SIM110
        if v == "*":
            return True
    return False


def principal_accounts(principal: Any) -> set[str]:
    """The 12-digit account ids named by AWS principals (`123456789012`, any ARN)."""
    accounts: set[str] = set()
    is_map = type(principal) is dict or isinstance(principal, Mapping)
    aws = principal.get("AWS") if is_map else None
    for value in as_list(aws):
        if not isinstance(value, str):
            continue
        if _ACCOUNT_ID.match(value):
            accounts.add(value)
        elif m := _ARN_ACCOUNT.match(value):
            accounts.add(m.group(1))
    return accounts


#: a tuple, not `str | int`: that union, written in a function, is built at every call
_TEXT_OR_INT = (str, int)


def _values_restrict(value: Any) -> bool:
    values = as_list(value)
    return bool(values) and all(isinstance(v, _TEXT_OR_INT) and str(v).strip() not in ("", "*")
                                for v in values)


def has_restricting_condition(stmt: Mapping[str, Any]) -> bool:
    """True when a Condition limits the statement to known accounts, principals or networks
    with concrete values (a condition key compared with `*` restricts nothing)."""
    condition = stmt.get("Condition")
    if condition is None or not (type(condition) is dict or isinstance(condition, Mapping)):
        return False
    for operator, tests in condition.items():
        if (not (type(tests) is dict or isinstance(tests, Mapping))
                or "ifexists" in str(operator).lower()):
            continue  # ...IfExists passes when the key is absent: no restriction
        for key, value in tests.items():
            if str(key).lower() in RESTRICTING_CONDITION_KEYS and _values_restrict(value):
                return True
    return False


def public_statements(doc: Any) -> list[Mapping[str, Any]]:
    """Allow statements whose principal is anyone and that no condition restricts."""
    return [s for s in allow_statements(doc)
            if principal_is_public(s.get("Principal")) and not has_restricting_condition(s)]


def attached_policy_names(doc: Mapping[str, Any]) -> list[str]:
    """Names of the managed policies in an identity's AttachedPolicies (name or ARN tail)."""
    names: list[str] = []
    for item in as_list(doc.get("AttachedPolicies")):
        if (type(item) is dict or isinstance(item, Mapping)):
            name = item.get("PolicyName") or str(item.get("PolicyArn") or "").rsplit("/", 1)[-1]
            if name:
                names.append(str(name))
        elif isinstance(item, str):
            names.append(item.rsplit("/", 1)[-1])
    return names


def has_attached_policy(doc: Mapping[str, Any], aws_managed_name: str) -> bool:
    """True when the AWS managed policy `aws_managed_name` is attached to the identity."""
    items = doc.get("AttachedPolicies")
    if not items:
        return False
    arn_tails = _managed_arn_tails(aws_managed_name)
    for item in as_list(items):
        if (type(item) is dict or isinstance(item, Mapping)):
            arn = str(item.get("PolicyArn") or "").lower()
            if arn:
                if arn.endswith(arn_tails):
                    return True
                continue  # a customer policy may reuse the name; the ARN decides
            if item.get("PolicyName") == aws_managed_name:
                return True
        elif isinstance(item, str) and item.lower().endswith(arn_tails[0]):
            return True
    return False


@functools.lru_cache(maxsize=64)
def _managed_arn_tails(aws_managed_name: str) -> tuple[str, str]:
    """How the ARN of an AWS managed policy ends, lowercased: plain and service-role."""
    return (f":aws:policy/{aws_managed_name}".lower(),
            f":aws:policy/service-role/{aws_managed_name.lower()}")


def inline_policies_where(doc: Mapping[str, Any],
                          predicate: Callable[[Any], object]) -> list[str]:
    """Names of the identity's inline policies whose document satisfies `predicate`."""
    return [name for name, document in inline_policies(doc) if predicate(document)]


#: the last InlinePolicies list read, with each policy's name and statements: the engine runs
#: an identity's full-admin and KMS rules one after the other, and they read the same
#: documents. Identity plus a strong reference keeps the memo exact; documents are read-only
#: during an assessment.
_last_inline: tuple[Any, list[tuple[str, list[Mapping[str, Any]]]]] | None = None


def _inline_statements(doc: Mapping[str, Any]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """(name, statements) of each inline policy of a user, role or group."""
    global _last_inline
    items = doc.get("InlinePolicies")
    if items is None:
        return []
    last = _last_inline
    if last is not None and last[0] is items:
        return last[1]
    out = [(name, statements(document)) for name, document in inline_policies(doc)]
    _last_inline = (items, out)
    return out


def inline_policies_with_full_admin(doc: Mapping[str, Any]) -> list[str]:
    """`inline_policies_where(doc, grants_full_admin)`, from statements read once."""
    return [name for name, stmts in _inline_statements(doc) if _any_full_admin(stmts)]


def inline_policies_decrypting_all_keys(doc: Mapping[str, Any]) -> list[str]:
    """`inline_policies_where(doc, kms_decrypt_actions_on_all_keys)`, from statements read
    once."""
    return [name for name, stmts in _inline_statements(doc)
            if _kms_decrypt_actions(stmts, _KMS_DECRYPT_ACTIONS)]


def inline_policies(doc: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(name, document) of each inline policy of a user, role or group."""
    out: list[tuple[str, Any]] = []
    for i, item in enumerate(as_list(doc.get("InlinePolicies"))):
        if (type(item) is dict or isinstance(item, Mapping)):
            out.append((str(item.get("PolicyName") or f"#{i}"), item.get("PolicyDocument")))
    return out


def days_since(value: Any, now: datetime) -> float | None:
    """Days from an ISO-8601 timestamp (or datetime) to `now`; None when unreadable."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    when = value if value.tzinfo else value.replace(tzinfo=UTC)
    return (now - when).total_seconds() / 86400.0


def resource_policy_check(asset: Any, *, policy_field: str, name_field: str, what: str,
                          passed: str = "does not grant public access") -> Any:
    """The shared body of the "<resource> policy is not public" rules: fail when a statement
    allows any principal without a restricting condition, naming the statements."""
    from cloudwarden.core.checks import CheckResult
    from cloudwarden.core.model import Evidence

    doc = asset.properties
    name = doc.get(name_field)
    public = public_statements(doc.get(policy_field))
    labels = [str(s.get("Sid") or f"statement granting {s.get('Action')}") for s in public]
    evidence = Evidence(f"{policy_field}.Statement", labels,
                        "no Allow to Principal * without a restricting condition")
    if public:
        return CheckResult.failed(
            f"the policy of {what} {name} grants access to any principal: {', '.join(labels)}",
            evidence)
    return CheckResult.passed(f"the policy of {what} {name} {passed}", evidence)
