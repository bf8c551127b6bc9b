"""IAM: roles, users, groups and managed policies, with the policies that attach to them
(`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`/`UserPolicy`/`GroupPolicy`), access keys,
virtual MFA devices and group memberships joined from their own resources.

Names and ARNs the deployment generates are kept as `${Role}` (what `Ref` returns for a role,
user or group: its name) and `${Role.Arn}`, the forms a template uses to refer to them.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.stack import POLICY_STRICT, Doc, Resource, Stack, as_int

__all__ = ["map_group", "map_managed_policy", "map_role", "map_user"]

#: entity kind -> (CloudFormation type, name property, `Roles`-style list key, policy type)
_KINDS = {
    "Role": ("AWS::IAM::Role", "RoleName", "Roles", "AWS::IAM::RolePolicy"),
    "User": ("AWS::IAM::User", "UserName", "Users", "AWS::IAM::UserPolicy"),
    "Group": ("AWS::IAM::Group", "GroupName", "Groups", "AWS::IAM::GroupPolicy"),
}


def _name(res: Resource, prop: str) -> Any:
    name = res.props.get(prop)
    return name if name is not None else res.ref_text()


def _policy_name_of_arn(arn: Any, stack: Stack) -> Any:
    if isinstance(arn, str):
        return arn.rsplit("/", 1)[-1]
    for mp in stack.of_type("AWS::IAM::ManagedPolicy"):
        if stack.refers_to(arn, mp):
            return mp.props.get("ManagedPolicyName", mp.ref_text())
    return None


def _inline(res: Resource, stack: Stack, kind: str) -> list[dict[str, Any]]:
    _, name_prop, list_key, own_type = _KINDS[kind]
    out = [{"PolicyName": p.get("PolicyName"), "PolicyDocument": p.get("PolicyDocument")}
           for p in res.props.get("Policies") or [] if isinstance(p, dict)]
    for pol in stack.of_type("AWS::IAM::Policy"):
        if stack.refers_to(pol.props.get(list_key), res, name_prop):
            out.append({"PolicyName": pol.props.get("PolicyName"),
                        "PolicyDocument": pol.props.get("PolicyDocument")})
    for pol in stack.referrers(res, (own_type,), name_prop, name_prop):
        out.append({"PolicyName": pol.props.get("PolicyName"),
                    "PolicyDocument": pol.props.get("PolicyDocument")})
    return out


def _attached(res: Resource, stack: Stack, kind: str) -> list[dict[str, Any]]:
    _, name_prop, list_key, _ = _KINDS[kind]
    arns = list(res.props.get("ManagedPolicyArns") or [])
    for mp in stack.of_type("AWS::IAM::ManagedPolicy"):
        if stack.refers_to(mp.props.get(list_key), res, name_prop):
            arns.append(mp.ref_text())
    return [{"PolicyName": _policy_name_of_arn(a, stack), "PolicyArn": a} for a in arns]


def _policies(doc: Doc, res: Resource, stack: Stack, kind: str) -> None:
    doc.set("AttachedPolicies", _attached(res, stack, kind), symbolic_ok=True)
    doc.set("InlinePolicies", _inline(res, stack, kind), symbolic_ok=True,
            strict=POLICY_STRICT)


def map_role(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.set("RoleName", _name(res, "RoleName"), symbolic_ok=True)
    doc.ref("Arn", "Arn")
    doc.set("Path", p.get("Path", "/"))
    doc.after_deploy("CreateDate", "RoleLastUsed")
    doc.set("AssumeRolePolicyDocument", p.get("AssumeRolePolicyDocument"), symbolic_ok=True,
            strict=POLICY_STRICT)
    doc.set("MaxSessionDuration", as_int(p.get("MaxSessionDuration", 3600)))
    _policies(doc, res, stack, "Role")
    doc.tags(p.get("Tags"))
    return doc.asset("aws.iam.role", "RoleName")


def _groups_of_user(res: Resource, stack: Stack) -> list[Any]:
    groups = list(res.props.get("Groups") or [])
    for addition in stack.of_type("AWS::IAM::UserToGroupAddition"):
        if stack.refers_to(addition.props.get("Users"), res, "UserName"):
            groups.append(addition.props.get("GroupName"))
    return groups


def map_user(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.set("UserName", _name(res, "UserName"), symbolic_ok=True)
    doc.open("UserId")
    doc.ref("Arn", "Arn")
    doc.set("Path", p.get("Path", "/"))
    doc.after_deploy("CreateDate", "PasswordLastUsed", "PasswordLastChanged")
    doc.set("PasswordEnabled", isinstance(p.get("LoginProfile"), dict))
    devices = [d for d in stack.of_type("AWS::IAM::VirtualMFADevice")
               if stack.refers_to(d.props.get("Users"), res, "UserName")]
    doc.set("MfaActive", bool(devices))
    doc.set("MFADevices", [{"SerialNumber": d.ref_text(), "EnableDate": None} for d in devices])
    keys = stack.referrers(res, ("AWS::IAM::AccessKey",), "UserName", "UserName")
    if keys:
        # a key's age is what the rules judge, and it starts at deploy time
        doc.open("AccessKeys", "access key creation dates are known only after deploy")
    else:
        doc.set("AccessKeys", [])
    _policies(doc, res, stack, "User")
    doc.set("Groups", _groups_of_user(res, stack), symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.iam.user", "UserName")


def map_group(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.set("GroupName", _name(res, "GroupName"), symbolic_ok=True)
    doc.ref("Arn", "Arn")
    doc.set("Path", p.get("Path", "/"))
    doc.after_deploy("CreateDate")
    users = [_name(u, "UserName") for u in stack.of_type("AWS::IAM::User")
             if any(stack.refers_to(g, res, "GroupName") for g in _groups_of_user(u, stack))]
    doc.set("Users", users, symbolic_ok=True)
    _policies(doc, res, stack, "Group")
    return doc.asset("aws.iam.group", "GroupName")


def map_managed_policy(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    if p.get("ManagedPolicyName") is None:
        doc.open("PolicyName", "generated by CloudFormation at deploy time")
    else:
        doc.set("PolicyName", p["ManagedPolicyName"])
    doc.ref("Arn")  # `Ref` of a managed policy is its ARN
    doc.set("AwsManaged", False)
    entities: dict[str, list[Any]] = {}
    for kind, (cfn_type, name_prop, list_key, _) in _KINDS.items():
        named = list(p.get(list_key) or [])
        for entity in stack.of_type(cfn_type):
            if stack.refers_to(entity.props.get("ManagedPolicyArns"), res) and not any(
                    stack.refers_to(n, entity, name_prop) for n in named):
                named.append(_name(entity, name_prop))
        entities[kind] = named
    doc.set("AttachmentCount", sum(len(v) for v in entities.values()))
    doc.set("AttachedUsers", entities["User"], symbolic_ok=True)
    doc.set("AttachedRoles", entities["Role"], symbolic_ok=True)
    doc.set("AttachedGroups", entities["Group"], symbolic_ok=True)
    doc.set("DefaultVersionId", "v1")
    doc.set("Document", p.get("PolicyDocument"), symbolic_ok=True, strict=POLICY_STRICT)
    doc.after_deploy("CreateDate", "UpdateDate")
    return doc.asset("aws.iam.policy", "ManagedPolicyName")
