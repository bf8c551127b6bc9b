"""Analysis of S3 bucket policies, ACLs and public access blocks, as pure functions.

Follows how S3 itself decides that a bucket is public: an Allow statement to the wildcard
principal is public unless a condition pins it to fixed values of a key that names who or
where the caller is (aws:SourceVpc, aws:SourceIp, aws:PrincipalOrgID, ...); an ACL grant to
the AllUsers or AuthenticatedUsers group is public. IgnorePublicAcls neutralizes public ACL
grants and RestrictPublicBuckets neutralizes public policies; BlockPublicAcls and
BlockPublicPolicy only reject new public ACLs and policies, existing ones stay in force.
"""

from __future__ import annotations

import fnmatch
import functools
import ipaddress
import json
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

__all__ = [
    "ALL_USERS",
    "AUTHENTICATED_USERS",
    "PAB_SETTINGS",
    "PublicGrant",
    "action_allowed",
    "bucket_account_public_access_block",
    "bucket_public_access_check",
    "cross_account_acl_grants",
    "cross_account_statements",
    "denies_insecure_transport",
    "effective_public_access_block",
    "is_public_principal",
    "public_acl_grants",
    "public_statements",
    "statements",
]

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
PUBLIC_GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS})
PAB_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                "RestrictPublicBuckets")

#: ACL permissions that read the bucket (or its ACL) and that change it
READ_PERMISSIONS = frozenset({"READ", "READ_ACP", "FULL_CONTROL"})
WRITE_PERMISSIONS = frozenset({"WRITE", "WRITE_ACP", "FULL_CONTROL"})
#: bucket policy actions that read data or list it, and that change data or access
READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
                "s3:ListBucketVersions", "s3:GetBucketAcl", "s3:GetObjectAcl")
WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
                 "s3:PutObjectAcl", "s3:PutBucketAcl", "s3:PutBucketPolicy",
                 "s3:DeleteBucketPolicy", "s3:DeleteBucket", "s3:RestoreObject")

#: condition keys that, pinned to fixed values, make a wildcard-principal grant non-public
_RESTRICTING_KEYS = frozenset(k.lower() for k in (
    "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceArn", "aws:SourceAccount",
    "aws:SourceOwner", "aws:SourceOrgID", "aws:PrincipalOrgID", "aws:PrincipalAccount",
    "aws:PrincipalArn", "aws:userid", "s3:DataAccessPointArn", "s3:DataAccessPointAccount",
))
_POSITIVE_OPERATORS = frozenset(o.lower() for o in (
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
    "IpAddress", "ForAnyValue:StringEquals", "ForAllValues:StringEquals",
    "ForAnyValue:StringLike", "ForAllValues:StringLike",
))
_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


#: The last policy read and its statements. The engine runs every bucket rule on one bucket
#: before the next, so the four or so rules that read the same policy share one reading.
#: Identity plus a strong reference keeps the memo exact (no reuse of a freed object's id);
#: documents are read-only during an assessment; the tuple is swapped atomically.
_last_statements: tuple[Any, list[Mapping[str, Any]]] | None = None
_last_open: tuple[Any, list[tuple[int, Mapping[str, Any]]]] | None = None


def statements(policy: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (parsed JSON or JSON text); [] when none."""
    global _last_statements
    last = _last_statements
    if last is not None and last[0] is policy:
        return list(last[1])
    out = _statements(policy)
    _last_statements = (policy, out)
    return list(out)


def _statements(policy: Any) -> list[Mapping[str, Any]]:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []
    if not (type(policy) is dict or isinstance(policy, Mapping)):
        return []
    return [s for s in _as_list(policy.get("Statement"))
            if type(s) is dict or isinstance(s, Mapping)]


def _effect(statement: Mapping[str, Any]) -> str:
    return str(statement.get("Effect", "")).lower()


@functools.lru_cache(maxsize=8192)
def _wildcard(pattern: str, value: str) -> bool:
    """IAM-style matching: `*` any run of characters, `?` one, case-insensitive."""
    # cached: the same few patterns meet the same few actions in every policy
    return fnmatch.fnmatchcase(value.lower(), pattern.lower().replace("[", "[[]"))


def action_allowed(statement: Mapping[str, Any], action: str) -> bool:
    """Does the statement's Action (or NotAction) cover `action`?"""
    # loops rather than any(<generator>): this runs per statement and action asked about
    if "NotAction" in statement:
        for pattern in _as_list(statement["NotAction"]):
            if _wildcard(str(pattern), action):
                return False
        return True
    for pattern in _as_list(statement.get("Action")):  # noqa: SIM110
        if _wildcard(str(pattern), action):
            return True
    return False


def resource_covered(statement: Mapping[str, Any], arn: str) -> bool:
    if "NotResource" in statement:
        return not any(_wildcard(str(p), arn) for p in _as_list(statement["NotResource"]))
    return any(_wildcard(str(p), arn) for p in _as_list(statement.get("Resource")))


def principal_values(statement: Mapping[str, Any]) -> list[str]:
    """AWS principals named by the statement (`*` for the wildcard); service principals and
    federated identities are left out."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if (type(principal) is dict or isinstance(principal, Mapping)):
        values = [str(v) for v in _as_list(principal.get("AWS"))]
        if "*" in _as_list(principal.get("CanonicalUser")):
            values.append("*")
        return values
    return []


def is_public_principal(statement: Mapping[str, Any]) -> bool:
    """Principal `*`, {"AWS": "*"} (alone or in a list), or an Allow with NotPrincipal."""
    if "NotPrincipal" in statement:
        return _effect(statement) == "allow"
    return "*" in principal_values(statement)


def _broad_ip(value: str) -> bool:
    try:
        net = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return True
    # S3 and IAM Access Analyzer treat very wide ranges like the internet itself
    return net.prefixlen < (8 if net.version == 4 else 32)


def _fixed(key: str, value: Any) -> bool:
    text = str(value)
    if "*" in text or "?" in text or "${" in text:
        return False
    if key == "aws:sourceip":
        return not _broad_ip(text)
    if key == "aws:userid":
        return True
    return bool(text)


def restricting_conditions(statement: Mapping[str, Any]) -> list[str]:
    """Condition keys that pin the statement to fixed callers or networks.

    A condition restricts only with a positive operator (not a negated one, not ...IfExists,
    which passes when the key is absent) and values without wildcards or policy variables.
    Conditions of one statement are ANDed, so one restricting key is enough.
    """
    found: list[str] = []
    condition = statement.get("Condition")
    if condition is None or not (type(condition) is dict or isinstance(condition, Mapping)):
        return found
    for operator, block in condition.items():
        if (str(operator).lower() not in _POSITIVE_OPERATORS
                or not (type(block) is dict or isinstance(block, Mapping))):
            continue
        for key, values in block.items():
            k = str(key).lower()
            vals = _as_list(values)
            if k in _RESTRICTING_KEYS and vals and all(_fixed(k, v) for v in vals):
                found.append(str(key))
    return found


def public_statements(policy: Any, actions: Iterable[str]) -> list[tuple[int, Mapping[str, Any]]]:
    """Allow statements open to anyone, unrestricted by conditions, granting one of `actions`
    (by index in the statement list)."""
    wanted = tuple(actions)
    return [(i, statement) for i, statement in _open_statements(policy)
            if any(action_allowed(statement, a) for a in wanted)]


def _open_statements(policy: Any) -> list[tuple[int, Mapping[str, Any]]]:
    """Allow statements open to anyone and unrestricted by conditions, whatever the action
    (memoized like `statements`: the read and the write rules ask about the same policy)."""
    global _last_open
    if policy is None:
        return []
    last = _last_open
    if last is not None and last[0] is policy:
        return last[1]
    out = [(i, statement) for i, statement in enumerate(statements(policy))
           if _effect(statement) == "allow" and is_public_principal(statement)
           and not restricting_conditions(statement)]
    _last_open = (policy, out)
    return out


def _bool_false(values: Any) -> bool:
    vals = _as_list(values)
    return bool(vals) and all(v is False or str(v).strip().lower() == "false" for v in vals)


def _denies_http(statement: Mapping[str, Any]) -> bool:
    if _effect(statement) != "deny" or not is_public_principal_or_all(statement):
        return False
    if not (action_allowed(statement, "s3:GetObject") and action_allowed(statement, "s3:PutObject")
            and action_allowed(statement, "s3:ListBucket")):
        return False
    condition = statement.get("Condition")
    if condition is None or not (type(condition) is dict or isinstance(condition, Mapping)):
        return False
    for operator, block in condition.items():
        if (str(operator).lower() not in ("bool", "boolifexists")
                or not (type(block) is dict or isinstance(block, Mapping))):
            continue
        for key, values in block.items():
            if str(key).lower() == "aws:securetransport" and _bool_false(values):
                return True
    return False


def is_public_principal_or_all(statement: Mapping[str, Any]) -> bool:
    """For a Deny: does it apply to every caller? (`*` / {"AWS": "*"})."""
    return "NotPrincipal" not in statement and "*" in principal_values(statement)


def denies_insecure_transport(policy: Any, bucket: str) -> list[int]:
    """Indexes of Deny statements that refuse plain-HTTP requests, when together they cover
    the bucket and its objects; [] when the policy does not require TLS."""
    bucket_arn = f"arn:aws:s3:::{bucket}"
    object_arn = f"{bucket_arn}/any-object-key"
    covers_bucket: list[int] = []
    covers_objects: list[int] = []
    for i, statement in enumerate(statements(policy)):
        if not _denies_http(statement):
            continue
        if resource_covered(statement, bucket_arn):
            covers_bucket.append(i)
        if resource_covered(statement, object_arn):
            covers_objects.append(i)
    if covers_bucket and covers_objects:
        return sorted(set(covers_bucket) | set(covers_objects))
    return []


def _account_of(principal: str) -> str | None:
    if principal == "*":
        return "*"
    if _ACCOUNT_ID.match(principal):
        return principal
    m = _ACCOUNT_IN_ARN.match(principal)
    return m.group(1) if m else None


def _pinned_to_account(statement: Mapping[str, Any], account: str) -> bool:
    condition = statement.get("Condition")
    if condition is None or not (type(condition) is dict or isinstance(condition, Mapping)):
        return False
    for operator, block in condition.items():
        if (str(operator).lower() not in _POSITIVE_OPERATORS
                or not (type(block) is dict or isinstance(block, Mapping))):
            continue
        for key, values in block.items():
            if str(key).lower() in ("aws:principalaccount", "aws:sourceaccount"):
                vals = [str(v) for v in _as_list(values)]
                if vals and all(v == account for v in vals):
                    return True
    return False


@dataclass(frozen=True, slots=True)
class CrossAccountGrant:
    index: int
    principals: tuple[str, ...]
    actions: tuple[str, ...]


def cross_account_statements(policy: Any, own_account: str,
                             actions: Iterable[str]) -> list[CrossAccountGrant]:
    """Allow statements that let principals of other accounts (or anyone) run one of
    `actions`."""
    wanted = tuple(actions)
    out: list[CrossAccountGrant] = []
    for i, statement in enumerate(statements(policy)):
        if _effect(statement) != "allow":
            continue
        if "NotPrincipal" in statement:
            others: tuple[str, ...] = ("NotPrincipal",)
        else:
            others = tuple(p for p in principal_values(statement)
                           if (acct := _account_of(p)) is not None and acct != own_account)
        if not others or ("*" in others and _pinned_to_account(statement, own_account)):
            continue
        granted = tuple([a for a in wanted if action_allowed(statement, a)])
        if granted:
            out.append(CrossAccountGrant(i, others, granted))
    return out


# -- ACLs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicGrant:
    index: int
    group: str
    permission: str


def public_acl_grants(acl: Any, permissions: Iterable[str]) -> list[PublicGrant]:
    """ACL grants to AllUsers or AuthenticatedUsers with one of `permissions`."""
    wanted = set(permissions)
    return [g for g in _public_group_grants(acl) if g.permission in wanted]


def _public_group_grants(acl: Any) -> list[PublicGrant]:
    """ACL grants to AllUsers or AuthenticatedUsers, whatever the permission."""
    out: list[PublicGrant] = []
    if acl is None:
        return out
    grants = acl.get("Grants") if (type(acl) is dict or isinstance(acl, Mapping)) else None
    for i, grant in enumerate(grants if isinstance(grants, list) else []):
        if not (type(grant) is dict or isinstance(grant, Mapping)):
            continue
        grantee = grant.get("Grantee") or {}
        uri = str(grantee.get("URI") or "")
        permission = str(grant.get("Permission") or "")
        if uri in PUBLIC_GROUPS:
            out.append(PublicGrant(i, uri.rsplit("/", 1)[-1], permission))
    return out


def cross_account_acl_grants(acl: Any) -> list[tuple[int, str, str]]:
    """Grants to a canonical user other than the owner, or to an e-mail address:
    (index, grantee, permission)."""
    if not (type(acl) is dict or isinstance(acl, Mapping)):
        return []
    owner = str((acl.get("Owner") or {}).get("ID") or "")
    out: list[tuple[int, str, str]] = []
    grants = acl.get("Grants")
    for i, grant in enumerate(grants if isinstance(grants, list) else []):
        if not (type(grant) is dict or isinstance(grant, Mapping)):
            continue
        grantee = grant.get("Grantee") or {}
        kind = grantee.get("Type")
        if kind == "CanonicalUser" and grantee.get("ID") and grantee.get("ID") != owner:
            out.append((i, str(grantee.get("ID")), str(grant.get("Permission"))))
        elif kind == "AmazonCustomerByEmail":
            out.append((i, str(grantee.get("EmailAddress")), str(grant.get("Permission"))))
    return out


# -- public access block ---------------------------------------------------------------------


def effective_public_access_block(bucket_pab: Any, account_pab: Any) -> dict[str, bool]:
    """Each setting is in force when it is on at the account OR at the bucket level."""
    # None (no block collected) before the ABC isinstance check, which costs ten times more
    bucket = (bucket_pab if type(bucket_pab) is dict
              or (bucket_pab is not None and isinstance(bucket_pab, Mapping)) else {})
    account = (account_pab if type(account_pab) is dict
               or (account_pab is not None and isinstance(account_pab, Mapping)) else {})
    # spelled out rather than a comprehension over PAB_SETTINGS: this runs for every bucket
    return {
        "BlockPublicAcls": bucket.get("BlockPublicAcls") is True
        or account.get("BlockPublicAcls") is True,
        "IgnorePublicAcls": bucket.get("IgnorePublicAcls") is True
        or account.get("IgnorePublicAcls") is True,
        "BlockPublicPolicy": bucket.get("BlockPublicPolicy") is True
        or account.get("BlockPublicPolicy") is True,
        "RestrictPublicBuckets": bucket.get("RestrictPublicBuckets") is True
        or account.get("RestrictPublicBuckets") is True,
    }


# -- shared bucket checks --------------------------------------------------------------------


class _BucketAnalysis:
    """What the public read, public write and public access block rules all read of one
    bucket: the effective public access block and, read on first use, the public ACL grants
    (any permission) and the open policy statements with, per action list asked about, those
    that grant one of them."""

    __slots__ = ("_by_actions", "_grants", "_open", "account_pab", "doc", "pab")

    def __init__(self, asset: Asset, ctx: CheckContext) -> None:
        self.doc = doc = asset.properties
        account = ctx.account_asset(asset)
        self.account_pab = account.properties.get("S3PublicAccessBlock") if account else None
        self.pab = effective_public_access_block(doc.get("PublicAccessBlock"), self.account_pab)
        self._grants: list[PublicGrant] | None = None
        self._open: list[tuple[int, Mapping[str, Any]]] | None = None
        self._by_actions: dict[tuple[str, ...], list[tuple[int, Mapping[str, Any]]]] = {}

    def grants(self) -> list[PublicGrant]:
        if self._grants is None:
            self._grants = _public_group_grants(self.doc.get("Acl"))
        return self._grants

    def public(self, actions: tuple[str, ...]) -> list[tuple[int, Mapping[str, Any]]]:
        if self._open is None:
            self._open = _open_statements(self.doc.get("Policy"))
        if not self._open:
            return self._open
        found = self._by_actions.get(actions)
        if found is None:
            found = self._by_actions[actions] = [
                (i, statement) for i, statement in self._open
                if any(action_allowed(statement, a) for a in actions)]
        return found


#: the last bucket document analysed with the inventory it was looked up in (the account's
#: block comes from there), for the rules that follow on the same bucket: the engine runs
#: every bucket rule on one bucket before the next. Identity, with a strong reference to the
#: document and a weak one to the inventory, keeps it exact; documents and inventory are
#: read-only during an assessment.
_last_bucket: tuple[Any, weakref.ref[Any], _BucketAnalysis] | None = None


def _bucket_analysis(asset: Asset, ctx: CheckContext) -> _BucketAnalysis:
    global _last_bucket
    doc, inventory = asset.properties, ctx.inventory
    last = _last_bucket
    if last is not None and last[0] is doc and last[1]() is inventory:
        return last[2]
    analysis = _BucketAnalysis(asset, ctx)
    try:  # the inventory by weak reference: the memo must not keep a whole scan alive
        _last_bucket = (doc, weakref.ref(inventory), analysis)
    except TypeError:  # an inventory type without weak references: no memo
        _last_bucket = None
    return analysis


def bucket_account_public_access_block(asset: Asset, ctx: CheckContext) -> tuple[Any,
                                                                                  dict[str, bool]]:
    """The account-level public access block of the bucket's account and the effective one
    (shared with the other bucket rules evaluated on the same bucket; copy before changing)."""
    analysis = _bucket_analysis(asset, ctx)
    return analysis.account_pab, analysis.pab


def bucket_public_access_check(asset: Asset, ctx: CheckContext, acl_permissions: Iterable[str],
                               actions: Iterable[str], what: str) -> CheckResult:
    """Fail when the bucket ACL or policy gives the public `what` access that the effective
    public access block does not neutralize."""
    doc = asset.properties
    analysis = _bucket_analysis(asset, ctx)
    pab = analysis.pab
    grants = analysis.grants()
    if grants:
        wanted = (acl_permissions if isinstance(acl_permissions, (frozenset, set))
                  else set(acl_permissions))
        grants = [g for g in grants if g.permission in wanted]
    public = analysis.public(actions if isinstance(actions, tuple) else tuple(actions))
    name = doc.get("Name") or asset.name
    if (grants and not pab["IgnorePublicAcls"]) or (public and not pab["RestrictPublicBuckets"]):
        evidence: list[Evidence] = []
        reasons: list[str] = []
        if grants and not pab["IgnorePublicAcls"]:
            reasons.append("ACL grants " + ", ".join(f"{g.permission} to {g.group}"
                                                     for g in grants))
            evidence.extend(Evidence(f"Acl.Grants[{g.index}]", f"{g.group} {g.permission}",
                                     "no grant to AllUsers or AuthenticatedUsers")
                            for g in grants)
        if public and not pab["RestrictPublicBuckets"]:
            reasons.append("policy statement(s) " + ", ".join(
                str(s.get("Sid") or f"#{i}") for i, s in public) + " allow anyone")
            evidence.extend(Evidence(f"Policy.Statement[{i}]",
                                     s.get("Action", s.get("NotAction")),
                                     "no unconditioned Allow to the * principal")
                            for i, s in public)
        return CheckResult.failed(f"bucket {name} allows public {what}: " + "; ".join(reasons),
                                  *evidence)
    message = f"bucket {name} allows no public {what}"
    if grants or public:
        neutralized = []
        if grants:
            neutralized.append("public ACL grants are ignored (IgnorePublicAcls)")
        if public:
            neutralized.append("public policy access is restricted (RestrictPublicBuckets)")
        message += ": " + " and ".join(neutralized)
    return CheckResult.passed(message, Evidence("PublicAccessBlock (effective)", dict(pab),
                                                f"no public {what} in force"))
