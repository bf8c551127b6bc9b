"""EFS file systems (+ mount targets) and EKS clusters."""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.iac.cloudformation.ec2 import id_text
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import (
    POLICY_STRICT,
    Doc,
    Resource,
    Stack,
    as_bool,
    as_int,
    tags_of,
)

__all__ = ["map_access_point", "map_eks_cluster", "map_file_system", "vpc_of_subnets"]

#: The control plane log types EKS knows; DescribeCluster lists the enabled and the disabled.
_EKS_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")


def map_file_system(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("FileSystemId")
    doc.ref("FileSystemArn", "Arn")
    tags = tags_of(p.get("FileSystemTags"))
    doc.set("Name", tags.get("Name") if isinstance(tags, dict) else tags, symbolic_ok=True)
    doc.set("LifeCycleState", "available")
    encrypted = as_bool(p.get("Encrypted", False))
    doc.set("Encrypted", encrypted)
    # encrypted without a key named: the AWS managed key, as DescribeFileSystems shows it
    key = p.get("KmsKeyId") or (None if encrypted is not True else "alias/aws/elasticfilesystem")
    doc.set("KmsKeyId", key, symbolic_ok=True)
    # CreateFileSystem's documented defaults (the console chooses others)
    doc.set("PerformanceMode", p.get("PerformanceMode", "generalPurpose"))
    doc.set("ThroughputMode", p.get("ThroughputMode", "bursting"))
    backup = p.get("BackupPolicy")
    doc.set("BackupPolicy", {"Status": backup.get("Status", "DISABLED")}
            if isinstance(backup, dict) else {"Status": "DISABLED"} if backup is None
            else backup)
    doc.set("FileSystemPolicy", p.get("FileSystemPolicy"), symbolic_ok=True,
            strict=POLICY_STRICT)
    targets = stack.referrers(res, ("AWS::EFS::MountTarget",), "FileSystemId")
    doc.set("MountTargets", [{"MountTargetId": t.ref_text(),
                              "SubnetId": id_text(t.props.get("SubnetId")),
                              "AvailabilityZoneName": None,
                              "IpAddress": t.props.get("IpAddress")} for t in targets],
            symbolic_ok=True)
    doc.after_deploy("CreationTime")
    doc.set("Tags", tags, symbolic_ok=True)
    return doc.asset("aws.efs.file_system")


def map_access_point(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("AccessPointId")
    doc.ref("AccessPointArn", "Arn")
    doc.set("FileSystemId", id_text(p.get("FileSystemId")), symbolic_ok=True)
    tags = tags_of(p.get("AccessPointTags"))
    doc.set("Name", tags.get("Name") if isinstance(tags, dict) else tags, symbolic_ok=True)
    doc.set("LifeCycleState", "available")
    user = p.get("PosixUser")
    doc.set("PosixUser", None if not user else user if not isinstance(user, dict) else {
        "Uid": as_int(user.get("Uid")), "Gid": as_int(user.get("Gid")),
        "SecondaryGids": [as_int(g) for g in user.get("SecondaryGids") or []]})
    root = p.get("RootDirectory")
    doc.set("RootDirectory", None if not root else root if not isinstance(root, dict) else {
        "Path": root.get("Path", "/")})
    doc.set("Tags", tags, symbolic_ok=True)
    return doc.asset("aws.efs.access_point")


def vpc_of_subnets(subnets: Any, stack: Stack) -> Any:
    """The VPC of the first of `subnets`: the subnet's `VpcId` when the template declares it,
    else the symbol `${<subnet>.VpcId}` (the VPC is certain to exist, its id is not known)."""
    # a subnet of the template is named by Ref (subnet ids are generated): a lookup, no scan
    for item in subnets if isinstance(subnets, list) else [subnets]:
        for ref in item.refs if isinstance(item, Unresolved) else ():
            subnet = stack.resources.get(ref)
            if subnet is not None and subnet.type == "AWS::EC2::Subnet":
                return id_text(subnet.props.get("VpcId"))
    first = subnets[0] if isinstance(subnets, list) and subnets else subnets
    name = first.text if isinstance(first, Unresolved) else first
    if isinstance(name, str) and name:
        name = name[2:-1] if name.startswith("${") and name.endswith("}") else name
        return Unresolved("the subnets' VPC is not in the template", (), f"${{{name}.VpcId}}")
    return Unresolved("the subnets are not known before deploy")


def _logging(raw: Any) -> Any:
    if raw is None:
        return {"clusterLogging": [{"types": list(_EKS_LOG_TYPES), "enabled": False}]}
    if not isinstance(raw, dict):
        return raw
    types = ((raw.get("ClusterLogging") or {}).get("EnabledTypes") or [])
    enabled = [t.get("Type") for t in types if isinstance(t, dict)]
    disabled = [t for t in _EKS_LOG_TYPES if t not in enabled]
    entries = []
    if enabled:
        entries.append({"types": enabled, "enabled": True})
    if disabled:
        entries.append({"types": disabled, "enabled": False})
    return {"clusterLogging": entries}


def map_eks_cluster(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    if p.get("Name") is None:
        doc.ref("name")
    else:
        doc.set("name", p["Name"], symbolic_ok=True)
    doc.ref("arn", "Arn")
    if p.get("Version") is None:
        doc.open("version", "EKS's default Kubernetes version at deploy time")
    else:
        doc.set("version", str(p["Version"]))
    doc.after_deploy("platformVersion", "createdAt")
    doc.set("status", "ACTIVE")
    doc.set("roleArn", p.get("RoleArn"), symbolic_ok=True)
    vpc = p.get("ResourcesVpcConfig") or {}
    if isinstance(vpc, dict):
        public = as_bool(vpc.get("EndpointPublicAccess", True))
        subnets = vpc.get("SubnetIds") or []
        doc.set("resourcesVpcConfig", {
            "vpcId": vpc_of_subnets(subnets, stack),
            "subnetIds": id_text(list(subnets) if isinstance(subnets, list) else subnets),
            "securityGroupIds": id_text(list(vpc.get("SecurityGroupIds") or [])),
            "endpointPublicAccess": public,
            "endpointPrivateAccess": as_bool(vpc.get("EndpointPrivateAccess", False)),
            # a public endpoint without a CIDR list is open to every address
            "publicAccessCidrs": list(vpc.get("PublicAccessCidrs") or ["0.0.0.0/0"])},
            symbolic_ok=True)
    else:
        doc.set("resourcesVpcConfig", vpc)
    doc.set("logging", _logging(p.get("Logging")))
    doc.set("encryptionConfig", [
        {"resources": list(e.get("Resources") or []),
         "provider": {"keyArn": (e.get("Provider") or {}).get("KeyArn")}}
        for e in p.get("EncryptionConfig") or [] if isinstance(e, dict)], symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.eks.cluster", "Name")
