"""`AWS::S3::Bucket` (+ `AWS::S3::BucketPolicy`) -> `aws.s3.bucket`.

Where the template says nothing, the bucket gets what S3 gives every new bucket (documented
defaults, not guesses): since January 5, 2023 default encryption is SSE-S3 (AES256); since
April 2023 Block Public Access is on (all four settings) and Object Ownership is
BucketOwnerEnforced (ACLs disabled). See docs.aws.amazon.com/AmazonS3/latest/userguide/
default-bucket-encryption.html and .../create-bucket-faq.html (the April 2023 change).
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.stack import POLICY_STRICT, Doc, Resource, Stack, as_bool

__all__ = ["map_bucket"]

_PAB_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
#: The grants each canned ACL adds to the owner's FULL_CONTROL (S3 "Canned ACL" table);
#: BucketOwnerRead/FullControl only mean something on objects, on a bucket they are private.
_CANNED: dict[str, tuple[tuple[str, str], ...]] = {
    "Private": (), "BucketOwnerRead": (), "BucketOwnerFullControl": (), "AwsExecRead": (),
    "PublicRead": ((_ALL_USERS, "READ"),),
    "PublicReadWrite": ((_ALL_USERS, "READ"), (_ALL_USERS, "WRITE")),
    "AuthenticatedRead": ((_AUTH_USERS, "READ"),),
    "LogDeliveryWrite": ((_LOG_DELIVERY, "WRITE"), (_LOG_DELIVERY, "READ_ACP")),
}
#: The bucket owner is the deploying account's canonical user: one symbol for owner and grant.
_OWNER = "${AWS::CanonicalUserId}"


def _acl(canned: Any) -> Any:
    if canned is None:
        canned = "Private"
    if not isinstance(canned, str):
        return canned  # unresolved: left to Doc.set
    grants = [{"Grantee": {"Type": "CanonicalUser", "URI": None, "ID": _OWNER,
                           "EmailAddress": None}, "Permission": "FULL_CONTROL"}]
    for uri, permission in _CANNED.get(canned, ()):
        grants.append({"Grantee": {"Type": "Group", "URI": uri, "ID": None,
                                   "EmailAddress": None}, "Permission": permission})
    return {"Owner": {"ID": _OWNER, "DisplayName": None}, "Grants": grants}


def _encryption(config: Any) -> Any:
    if config is None:
        # SSE-S3 is the default encryption of every new bucket since January 5, 2023
        return {"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "AES256", "KMSMasterKeyID": None}, "BucketKeyEnabled": False}]}
    rules = config.get("ServerSideEncryptionConfiguration") if isinstance(config, dict) \
        else config
    if not isinstance(rules, list):
        return rules
    out = []
    for rule in rules:
        default = rule.get("ServerSideEncryptionByDefault") or {} if isinstance(rule, dict) \
            else {}
        out.append({"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": default.get("SSEAlgorithm"),
            "KMSMasterKeyID": default.get("KMSMasterKeyID")},
            "BucketKeyEnabled": as_bool(rule.get("BucketKeyEnabled", False))
            if isinstance(rule, dict) else None})
    return {"Rules": out}


def _public_access_block(config: Any) -> Any:
    if config is None:
        # all four on: the default of every new bucket since April 2023
        return dict.fromkeys(_PAB_KEYS, True)
    if not isinstance(config, dict):
        return config
    return {k: as_bool(config.get(k, False)) for k in _PAB_KEYS}


def _ownership(config: Any) -> Any:
    if config is None:
        return "BucketOwnerEnforced"  # ACLs disabled: the default since April 2023
    rules = config.get("Rules") if isinstance(config, dict) else None
    if isinstance(rules, list) and rules and isinstance(rules[0], dict):
        return rules[0].get("ObjectOwnership")
    return "BucketOwnerEnforced"


def map_bucket(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    name = p.get("BucketName")
    if name is None:
        doc.ref("Name")  # a generated name: `Ref` of the bucket
    else:
        doc.set("Name", name, symbolic_ok=True)
    if "Name" in doc.unknown:
        doc.open("Arn", doc.unknown["Name"].split(": ", 1)[-1])
    else:
        doc.set("Arn", f"arn:{stack.partition}:s3:::{doc.props['Name']}")
    if stack.region:
        doc.set("Region", stack.region)
    else:
        doc.open("Region", "the stack's region is chosen at deploy time")
    doc.after_deploy("CreationDate")
    doc.set("Acl", _acl(p.get("AccessControl")), symbolic_ok=True)
    policies = stack.referrers(res, ("AWS::S3::BucketPolicy",), "Bucket", "BucketName")
    doc.set("Policy", policies[0].props.get("PolicyDocument") if policies else None,
            symbolic_ok=True, strict=POLICY_STRICT)
    doc.set("PublicAccessBlock", _public_access_block(p.get("PublicAccessBlockConfiguration")))
    doc.set("Encryption", _encryption(p.get("BucketEncryption")), symbolic_ok=True)
    versioning = p.get("VersioningConfiguration")
    doc.set("Versioning", {"Status": versioning.get("Status"), "MFADelete": None}
            if isinstance(versioning, dict) else {"Status": None, "MFADelete": None}
            if versioning is None else versioning)
    logging = p.get("LoggingConfiguration")
    if isinstance(logging, dict):
        # without DestinationBucketName S3 writes the logs to the bucket itself
        target = logging.get("DestinationBucketName", doc.props.get("Name"))
        doc.set("Logging", {"TargetBucket": target,
                            "TargetPrefix": logging.get("LogFilePrefix", "")}, symbolic_ok=True)
    else:
        doc.set("Logging", logging)
    doc.set("ObjectLockEnabled", as_bool(p.get("ObjectLockEnabled", False)))
    doc.set("OwnershipControls", _ownership(p.get("OwnershipControls")))
    doc.tags(p.get("Tags"))
    return doc.asset("aws.s3.bucket", "BucketName")
