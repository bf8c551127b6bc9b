"""IAM: managed policies, roles, users and groups, joined with their inline policies,
policy attachments and group memberships; policy documents written with the
`aws_iam_policy_document` data source are rendered as the data source renders them.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_int,
    blocks,
    build_asset,
    find_unknown,
    literal_str,
    own,
    policy_json,
    tags_of,
)
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_group", "map_policy", "map_role", "map_user", "policy_document",
           "render_policy_document"]

POLICY, ROLE, USER, GROUP = "aws_iam_policy", "aws_iam_role", "aws_iam_user", "aws_iam_group"
_DOC_SOURCE = "aws_iam_policy_document"
#: (attachment type, its principal argument) per principal type
_ATTACHMENTS = {ROLE: ("aws_iam_role_policy_attachment", "role"),
                USER: ("aws_iam_user_policy_attachment", "user"),
                GROUP: ("aws_iam_group_policy_attachment", "group")}
_INLINE = {ROLE: ("aws_iam_role_policy", "role"), USER: ("aws_iam_user_policy", "user"),
           GROUP: ("aws_iam_group_policy", "group")}
_SHARED_ATTACHMENT = "aws_iam_policy_attachment"
_SHARED_ARG = {ROLE: "roles", USER: "users", GROUP: "groups"}
_LOGIN_PROFILE = "aws_iam_user_login_profile"
_ACCESS_KEY = "aws_iam_access_key"
_USER_GROUPS = "aws_iam_user_group_membership"
_GROUP_USERS = "aws_iam_group_membership"
#: joined resource type -> the asset type it is folded into
JOINED: dict[str, str] = {
    **{t: f"aws.iam.{p.rsplit('_', 1)[1]}" for p, (t, _) in _ATTACHMENTS.items()},
    **{t: f"aws.iam.{p.rsplit('_', 1)[1]}" for p, (t, _) in _INLINE.items()},
    _SHARED_ATTACHMENT: "aws.iam.policy", _LOGIN_PROFILE: "aws.iam.user",
    _ACCESS_KEY: "aws.iam.user", _USER_GROUPS: "aws.iam.user", _GROUP_USERS: "aws.iam.group",
}


def _one(value: list[Any]) -> Any:
    """The data source writes a one-element list as a plain string."""
    return value[0] if len(value) == 1 else value


def render_policy_document(values: dict[str, Any]) -> Any:
    """The JSON document an `aws_iam_policy_document` data source renders from its
    `statement` blocks; Unknown when a part is open or documents are merged from others."""
    for merged in ("source_policy_documents", "override_policy_documents", "source_json",
                   "override_json"):
        if values.get(merged):
            return Unknown(f"the policy document merges `{merged}`, not rendered from code")
    statements = []
    for st in blocks(values.get("statement")) or []:
        out: dict[str, Any] = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for arg, key in (("actions", "Action"), ("not_actions", "NotAction"),
                         ("resources", "Resource"), ("not_resources", "NotResource")):
            items = st.get(arg)
            if items:
                out[key] = _one(sorted(items)) if find_unknown(items) is None else items
        for arg, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            found = blocks(st.get(arg))
            if isinstance(found, Unknown):
                return found
            if not found:
                continue
            principal: dict[str, Any] = {}
            for p in found:
                ids = p.get("identifiers") or []
                if p.get("type") == "*" and ids == ["*"]:
                    principal = {"*": "*"}
                    break
                principal.setdefault(p.get("type"), []).extend(ids)
            out[key] = "*" if principal == {"*": "*"} else {
                t: _one(ids) for t, ids in principal.items()}
        conditions: dict[str, dict[str, Any]] = {}
        for cond in blocks(st.get("condition")) or []:
            conditions.setdefault(cond.get("test"), {})[cond.get("variable")] = _one(
                list(cond.get("values") or []))
        if conditions:
            out["Condition"] = conditions
        statements.append(out)
    document: dict[str, Any] = {"Version": values.get("version") or "2012-10-17",
                                "Statement": statements}
    if values.get("policy_id"):
        document["Id"] = values["policy_id"]
    return document


def policy_document(index: Index, owner: TfResource, value: Any) -> Any:
    """A policy argument as parsed JSON; an Unknown computed from exactly one
    `aws_iam_policy_document` data source is that data source's rendered document."""
    if isinstance(value, Unknown):
        sources = {r.address: r for ref in value.refs for r in index.resolve(owner, ref)
                   if r.type == _DOC_SOURCE}
        if len(sources) == 1:
            # (an Unknown inside is left open: the reader gives `"${x.arn}/*"` the same
            # Unknown as `x.arn`, so substituting derived values could drop the suffix)
            return render_policy_document(next(iter(sources.values())).values)
        return value
    return policy_json(value)


def _name_of(index: Index, owner: TfResource, value: Any, type_: str) -> Any:
    """A principal or policy named by `value`: its literal name, or the literal name (else
    the symbolic identity) of the resource an Unknown is computed from."""
    if not isinstance(value, Unknown):
        return value
    found = [r for ref in value.refs for r in index.resolve(owner, ref) if r.type == type_]
    if len(found) == 1:
        return literal_str(found[0].values.get("name")) or index.symbol(found[0])
    return value


def _policy_name(index: Index, owner: TfResource, arn: Any) -> Any:
    text = literal_str(arn)
    if text is not None:
        return text.rsplit("/", 1)[-1]
    return _name_of(index, owner, arn, POLICY)


def _attached(index: Index, principal: TfResource) -> list[dict[str, Any]]:
    att_type, arg = _ATTACHMENTS[principal.type]
    arns: list[tuple[TfResource, Any]] = [
        (a, a.values.get("policy_arn")) for a in index.children_of(principal, att_type, arg)]
    arns += [(a, a.values.get("policy_arn")) for a in index.children_of(
        principal, _SHARED_ATTACHMENT, _SHARED_ARG[principal.type])]
    managed = principal.values.get("managed_policy_arns")
    if isinstance(managed, Unknown):
        arns.append((principal, managed))
    else:
        arns += [(principal, arn) for arn in managed or []]
    return [{"PolicyName": _policy_name(index, owner, arn),
             "PolicyArn": index.ident(owner, arn)} for owner, arn in arns]


def _inline(index: Index, principal: TfResource) -> list[dict[str, Any]]:
    inline_type, arg = _INLINE[principal.type]
    out = [{"PolicyName": p.values.get("name") if p.values.get("name") is not None
            else Unknown("the inline policy name is generated on apply"),
            "PolicyDocument": policy_document(index, p, p.values.get("policy"))}
           for p in index.children_of(principal, inline_type, arg)]
    for block in blocks(principal.values.get("inline_policy")) or []:
        if block.get("name"):
            out.append({"PolicyName": block["name"],
                        "PolicyDocument": policy_document(index, principal,
                                                          block.get("policy"))})
    return out


def _identity(doc: Doc, res: TfResource, name_key: str) -> None:
    name = res.values.get("name")
    if name is None:
        doc.open(name_key, "the name is generated on apply")
    else:
        doc.set(name_key, name)
    doc.set("Arn", own(res, "arn"))
    doc.set("Path", res.values.get("path") or "/")
    doc.after_apply("CreateDate")


def map_policy(index: Index, policy: TfResource) -> list[Asset]:
    doc = Doc()
    _identity(doc, policy, "PolicyName")
    doc.props.pop("Path")
    doc.set("AwsManaged", False)
    users: list[Any] = []
    roles: list[Any] = []
    groups: list[Any] = []
    for principal_type, names in ((USER, users), (ROLE, roles), (GROUP, groups)):
        att_type, arg = _ATTACHMENTS[principal_type]
        for att in index.children(att_type, "policy_arn", POLICY, ("arn",)).get(
                policy.address, []):
            names.append(_name_of(index, att, att.values.get(arg), principal_type))
    for att in index.children(_SHARED_ATTACHMENT, "policy_arn", POLICY, ("arn",)).get(
            policy.address, []):
        for principal_type, names in ((USER, users), (ROLE, roles), (GROUP, groups)):
            values = att.values.get(_SHARED_ARG[principal_type]) or []
            names.extend(_name_of(index, att, v, principal_type)
                         for v in (values if isinstance(values, list) else [values]))
    doc.set("AttachmentCount", len(users) + len(roles) + len(groups))
    doc.set("AttachedUsers", users)
    doc.set("AttachedRoles", roles)
    doc.set("AttachedGroups", groups)
    doc.set("DefaultVersionId", "v1")
    doc.set("Document", policy_document(index, policy, policy.values.get("policy")))
    doc.after_apply("UpdateDate")
    return [build_asset(index, policy, "aws.iam.policy", doc)]


def map_role(index: Index, role: TfResource) -> list[Asset]:
    doc = Doc()
    _identity(doc, role, "RoleName")
    doc.set("AssumeRolePolicyDocument",
            policy_document(index, role, role.values.get("assume_role_policy")))
    doc.set("MaxSessionDuration", as_int(role.values.get("max_session_duration"), 3600))
    doc.open("RoleLastUsed", "role use is recorded only in the live account")
    doc.set("AttachedPolicies", _attached(index, role))
    doc.set("InlinePolicies", _inline(index, role))
    doc.set("Tags", tags_of(role))
    return [build_asset(index, role, "aws.iam.role", doc)]


def map_user(index: Index, user: TfResource) -> list[Asset]:
    doc = Doc()
    _identity(doc, user, "UserName")
    doc.after_apply("UserId")
    doc.set("PasswordEnabled", bool(index.children_of(user, _LOGIN_PROFILE, "user")))
    for live in ("PasswordLastUsed", "PasswordLastChanged"):
        doc.open(live, "sign-in activity is recorded only in the live account")
    for mfa in ("MfaActive", "MFADevices"):
        doc.open(mfa, "MFA devices are enrolled by the user, not by this code")
    keys = index.children_of(user, _ACCESS_KEY, "user")
    if keys:
        # rotation and use are judged on dates that exist only in the live account
        doc.open("AccessKeys", f"{len(keys)} access key(s) whose creation and last use "
                               "dates exist only in the live account")
    else:
        doc.set("AccessKeys", [])
    doc.set("AttachedPolicies", _attached(index, user))
    doc.set("InlinePolicies", _inline(index, user))
    groups: list[Any] = []
    for membership in index.children_of(user, _USER_GROUPS, "user"):
        listed = membership.values.get("groups") or []
        groups += [_name_of(index, membership, g, GROUP)
                   for g in (listed if isinstance(listed, list) else [listed])]
    for membership in index.children_of(user, _GROUP_USERS, "users"):
        groups.append(_name_of(index, membership, membership.values.get("group"), GROUP))
    doc.set("Groups", groups)
    doc.set("Tags", tags_of(user))
    return [build_asset(index, user, "aws.iam.user", doc)]


def map_group(index: Index, group: TfResource) -> list[Asset]:
    doc = Doc()
    _identity(doc, group, "GroupName")
    users: list[Any] = []
    for membership in index.children_of(group, _GROUP_USERS, "group"):
        listed = membership.values.get("users") or []
        users += [_name_of(index, membership, u, USER)
                  for u in (listed if isinstance(listed, list) else [listed])]
    for membership in index.children_of(group, _USER_GROUPS, "groups"):
        users.append(_name_of(index, membership, membership.values.get("user"), USER))
    doc.set("Users", users)
    doc.set("AttachedPolicies", _attached(index, group))
    doc.set("InlinePolicies", _inline(index, group))
    return [build_asset(index, group, "aws.iam.group", doc)]
