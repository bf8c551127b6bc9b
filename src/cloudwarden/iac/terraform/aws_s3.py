"""S3 buckets: `aws_s3_bucket` joined with its split-out configuration resources (public
access block, encryption, versioning, logging, policy, ACL, ownership controls, object lock,
lifecycle), with the legacy inline arguments of `aws_s3_bucket` as the fallback.

A setting the code does not declare is what AWS applies to a new bucket. Since January 2023
every new bucket is encrypted with SSE-S3 by default, and since April 2023 every new bucket
has all four Block Public Access settings on and Object Ownership `BucketOwnerEnforced` (ACLs
disabled) - so a bucket without those resources is judged as AWS will create it, exactly as
the collector would read it after apply.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_bool,
    block,
    blocks,
    build_asset,
    literal_str,
    partition,
    tags_of,
)
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_bucket"]

BUCKET = "aws_s3_bucket"
#: the resources folded into the bucket they name with their `bucket` argument
JOINED = (
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_lifecycle_configuration",
)
_BUCKET_ARGS = ("bucket",)

_PAB_ARGS = (("BlockPublicAcls", "block_public_acls"), ("IgnorePublicAcls", "ignore_public_acls"),
             ("BlockPublicPolicy", "block_public_policy"),
             ("RestrictPublicBuckets", "restrict_public_buckets"))
#: Block Public Access of a new bucket (all on since April 2023)
NEW_BUCKET_PAB = {key: True for key, _ in _PAB_ARGS}
#: default encryption of a new bucket (SSE-S3 since January 2023)
NEW_BUCKET_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
    "SSEAlgorithm": "AES256", "KMSMasterKeyID": None}, "BucketKeyEnabled": False}]}
#: Object Ownership of a new bucket (ACLs disabled since April 2023)
NEW_BUCKET_OWNERSHIP = "BucketOwnerEnforced"

_GROUPS = "http://acs.amazonaws.com/groups/"
_ALL_USERS = _GROUPS + "global/AllUsers"
_AUTHENTICATED = _GROUPS + "global/AuthenticatedUsers"
_LOG_DELIVERY = _GROUPS + "s3/LogDelivery"
#: group grants of each canned ACL, besides the owner's FULL_CONTROL
_CANNED: dict[str, tuple[tuple[str, str], ...]] = {
    "private": (),
    "bucket-owner-read": (),
    "bucket-owner-full-control": (),
    "public-read": ((_ALL_USERS, "READ"),),
    "public-read-write": ((_ALL_USERS, "READ"), (_ALL_USERS, "WRITE")),
    "authenticated-read": ((_AUTHENTICATED, "READ"),),
    "log-delivery-write": ((_LOG_DELIVERY, "WRITE"), (_LOG_DELIVERY, "READ_ACP")),
}


def _pab(res: TfResource) -> dict[str, Any]:
    """The provider defaults every argument of the resource to false."""
    return {key: as_bool(res.values.get(arg), False) for key, arg in _PAB_ARGS}


def _grantee(kind: Any, uri: Any = None, id_: Any = None, email: Any = None) -> dict[str, Any]:
    return {"Type": kind, "URI": uri, "ID": id_, "EmailAddress": email}


def _owner_grant() -> dict[str, Any]:
    # the owner's canonical user id is the account's, known only after apply
    return {"Grantee": _grantee("CanonicalUser"), "Permission": "FULL_CONTROL"}


def canned_acl(acl: Any) -> Any:
    """The ACL document a canned ACL gives a bucket; Unknown (or an unmodelled canned ACL,
    such as aws-exec-read whose grantee is an AWS account) stays open."""
    if isinstance(acl, Unknown):
        return acl
    groups = _CANNED.get(str(acl))
    if groups is None:
        return Unknown(f"canned ACL {acl!r} grants an AWS-owned account not named in the code")
    return {"Owner": {"ID": None, "DisplayName": None},
            "Grants": [_owner_grant()] + [
                {"Grantee": _grantee("Group", uri), "Permission": perm} for uri, perm in groups]}


def _policy_acl(policy: Any) -> Any:
    """`access_control_policy { grant { grantee {...} permission } owner {...} }`."""
    if isinstance(policy, Unknown):
        return policy
    owner = block(policy.get("owner")) or {}
    grants = []
    for grant in blocks(policy.get("grant")) or []:
        grantee = block(grant.get("grantee")) or {}
        grants.append({"Grantee": _grantee(grantee.get("type"), grantee.get("uri"),
                                           grantee.get("id"), grantee.get("email_address")),
                       "Permission": grant.get("permission")})
    return {"Owner": {"ID": owner.get("id"), "DisplayName": owner.get("display_name")},
            "Grants": grants}


def _legacy_grants(bucket: TfResource) -> Any:
    """The legacy inline `grant` blocks of `aws_s3_bucket` (one block, many permissions)."""
    found = blocks(bucket.values.get("grant"))
    if isinstance(found, Unknown) or not found:
        return found
    grants = [{"Grantee": _grantee(g.get("type"), g.get("uri"), g.get("id")),
               "Permission": perm}
              for g in found for perm in (g.get("permissions") or [])]
    return {"Owner": {"ID": None, "DisplayName": None}, "Grants": grants}


def _acl(bucket: TfResource, acl_res: TfResource | None) -> Any:
    if acl_res is not None:
        policy = block(acl_res.values.get("access_control_policy"))
        if policy is not None:
            return _policy_acl(policy)
        return canned_acl(acl_res.values.get("acl") or "private")
    legacy = _legacy_grants(bucket)
    if legacy:
        return legacy
    return canned_acl(bucket.values.get("acl") or "private")


def encryption_rules(rules: Any) -> Any:
    """`rule { apply_server_side_encryption_by_default {...} bucket_key_enabled }` blocks."""
    if isinstance(rules, Unknown):
        return rules
    out = []
    for rule in rules:
        default = block(rule.get("apply_server_side_encryption_by_default"))
        if isinstance(default, Unknown):
            return default
        out.append({"ApplyServerSideEncryptionByDefault": None if default is None else {
            "SSEAlgorithm": default.get("sse_algorithm"),
            "KMSMasterKeyID": default.get("kms_master_key_id") or None},
            "BucketKeyEnabled": as_bool(rule.get("bucket_key_enabled"), False)})
    return {"Rules": out} if out else None


def _versioning(bucket: TfResource, res: TfResource | None) -> Any:
    if res is not None:
        conf = block(res.values.get("versioning_configuration"))
        if conf is None or isinstance(conf, Unknown):
            return conf
        status = conf.get("status")
        # "Disabled" is only valid for a new bucket: versioning was never enabled
        return {"Status": None if status == "Disabled" else status,
                "MFADelete": conf.get("mfa_delete")}
    legacy = block(bucket.values.get("versioning"))
    if legacy is None:
        return {"Status": None, "MFADelete": None}
    if isinstance(legacy, Unknown):
        return legacy
    enabled, mfa = as_bool(legacy.get("enabled"), False), as_bool(legacy.get("mfa_delete"))
    if isinstance(enabled, Unknown):
        return enabled
    if isinstance(mfa, Unknown):
        return mfa
    # the provider suspends versioning that was enabled; a new bucket simply never had it
    return {"Status": "Enabled" if enabled else None,
            "MFADelete": None if mfa is None else ("Enabled" if mfa else "Disabled")}


def _logging(index: Index, bucket: TfResource, res: TfResource | None) -> Any:
    source = res.values if res is not None else block(bucket.values.get("logging"))
    if source is None or isinstance(source, Unknown):
        return source
    owner = res if res is not None else bucket
    return {"TargetBucket": index.ident(owner, source.get("target_bucket")),
            "TargetPrefix": source.get("target_prefix") or ""}


def _object_lock(bucket: TfResource, res: TfResource | None) -> Any:
    if res is not None:
        value = res.values.get("object_lock_enabled", "Enabled")
        return value if isinstance(value, Unknown) else value == "Enabled"
    enabled = as_bool(bucket.values.get("object_lock_enabled"))
    if enabled is not None:
        return enabled
    legacy = block(bucket.values.get("object_lock_configuration"))
    if legacy is None:
        return False
    if isinstance(legacy, Unknown):
        return legacy
    value = legacy.get("object_lock_enabled")
    return value if isinstance(value, Unknown) else value == "Enabled"


def _last(index: Index, bucket: TfResource, child_type: str) -> TfResource | None:
    found = index.children_of(bucket, child_type, "bucket", _BUCKET_ARGS)
    return found[-1] if found else None


def _kms_ident(index: Index, owner: TfResource, encryption: Any) -> Any:
    """Encryption rules with a KMS key computed from a key of this configuration named by
    its symbolic identity (the key is known; only its ARN waits for apply)."""
    if not isinstance(encryption, dict):
        return encryption
    for rule in encryption["Rules"]:
        default = rule.get("ApplyServerSideEncryptionByDefault")
        if default and isinstance(default.get("KMSMasterKeyID"), Unknown):
            default["KMSMasterKeyID"] = index.ident(owner, default["KMSMasterKeyID"])
    return encryption


def map_bucket(index: Index, bucket: TfResource) -> list[Asset]:
    doc = Doc()
    values = bucket.values
    name = values.get("bucket")
    if name is None:
        name = Unknown("the bucket name is generated on apply (no `bucket` argument)"
                       if not values.get("bucket_prefix") else
                       "the bucket name is generated on apply from `bucket_prefix`")
    doc.set("Name", name)
    text = literal_str(name)
    doc.set("Arn", f"arn:{partition(bucket.region)}:s3:::{text}" if text else name)
    if bucket.region:
        doc.set("Region", bucket.region)
    else:
        doc.open("Region", "the provider's region is not fixed in the code")
    doc.after_apply("CreationDate")

    acl_res = _last(index, bucket, "aws_s3_bucket_acl")
    doc.set("Acl", _acl(bucket, acl_res))

    policy_res = _last(index, bucket, "aws_s3_bucket_policy")
    policy = (policy_res.values.get("policy") if policy_res is not None
              else values.get("policy"))
    doc.set("Policy", policy_document(index, policy_res or bucket, policy))

    pab_res = _last(index, bucket, "aws_s3_bucket_public_access_block")
    doc.set("PublicAccessBlock", _pab(pab_res) if pab_res is not None else dict(NEW_BUCKET_PAB))

    enc_res = _last(index, bucket, "aws_s3_bucket_server_side_encryption_configuration")
    if enc_res is not None:
        rules = encryption_rules(blocks(enc_res.values.get("rule")))
        encryption = _kms_ident(index, enc_res, rules)
    else:
        legacy = block(values.get("server_side_encryption_configuration"))
        if legacy is None:
            encryption = {"Rules": [dict(r) for r in NEW_BUCKET_ENCRYPTION["Rules"]]}
        elif isinstance(legacy, Unknown):
            encryption = legacy
        else:
            encryption = _kms_ident(index, bucket,
                                    encryption_rules(blocks(legacy.get("rule"))))
    doc.set("Encryption", encryption)

    doc.set("Versioning", _versioning(bucket, _last(index, bucket, "aws_s3_bucket_versioning")))
    doc.set("Logging", _logging(index, bucket, _last(index, bucket, "aws_s3_bucket_logging")))
    doc.set("ObjectLockEnabled", _object_lock(
        bucket, _last(index, bucket, "aws_s3_bucket_object_lock_configuration")))

    own_res = _last(index, bucket, "aws_s3_bucket_ownership_controls")
    if own_res is not None:
        rule = block(own_res.values.get("rule"))
        doc.set("OwnershipControls", rule if isinstance(rule, Unknown)
                else (rule or {}).get("object_ownership"))
    else:
        doc.set("OwnershipControls", NEW_BUCKET_OWNERSHIP)
    # lifecycle rules have no canonical field; joining them keeps them from being "unmapped"
    index.children_of(bucket, "aws_s3_bucket_lifecycle_configuration", "bucket", _BUCKET_ARGS)
    doc.set("Tags", tags_of(bucket))
    return [build_asset(index, bucket, "aws.s3.bucket", doc, name_args=_BUCKET_ARGS)]
