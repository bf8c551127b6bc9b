"""Lambda functions (CloudFormation and SAM, + permissions and function URLs), RDS instances
and clusters, and ECR repositories."""

from __future__ import annotations

import json
from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.core.secretnames import secret_like
from cloudwarden.iac.cloudformation.ec2 import id_text
from cloudwarden.iac.cloudformation.eks_efs import vpc_of_subnets
from cloudwarden.iac.cloudformation.intrinsics import Unresolved
from cloudwarden.iac.cloudformation.stack import (
    POLICY_STRICT,
    Doc,
    Resource,
    Stack,
    as_bool,
    as_int,
)

__all__ = ["map_db_cluster", "map_db_instance", "map_function", "map_repository"]

_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
def _permission_statement(perm: Resource, fn_arn: str) -> dict[str, Any]:
    p = perm.props
    principal = p.get("Principal")
    if principal == "*":
        who: Any = "*"
    elif isinstance(principal, str) and principal.endswith(".amazonaws.com"):
        who = {"Service": principal}
    else:
        who = {"AWS": principal}
    statement: dict[str, Any] = {"Sid": perm.logical_id, "Effect": "Allow", "Principal": who,
                                 "Action": p.get("Action"), "Resource": fn_arn}
    condition: dict[str, Any] = {}
    if p.get("SourceArn") is not None:
        condition["ArnLike"] = {"AWS:SourceArn": p["SourceArn"]}
    if p.get("SourceAccount") is not None:
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = p["SourceAccount"]
    if p.get("PrincipalOrgID") is not None:
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = p["PrincipalOrgID"]
    if p.get("FunctionUrlAuthType") is not None:
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = \
            p["FunctionUrlAuthType"]
    if condition:
        statement["Condition"] = condition
    return statement


def _vpc_config(raw: Any, stack: Stack) -> Any:
    if not isinstance(raw, dict) or not raw.get("SubnetIds"):
        return None if not isinstance(raw, Unresolved) else raw
    subnets = raw["SubnetIds"]
    vpc = vpc_of_subnets(subnets, stack)
    return {"SubnetIds": id_text(list(subnets) if isinstance(subnets, list) else subnets),
            "SecurityGroupIds": id_text(list(raw.get("SecurityGroupIds") or [])),
            "VpcId": vpc}


def map_function(res: Resource, stack: Stack) -> Asset:
    p = res.props
    sam = res.type == "AWS::Serverless::Function"
    doc = Doc(res, stack)
    if p.get("FunctionName") is None:
        doc.ref("FunctionName")
    else:
        doc.set("FunctionName", p["FunctionName"], symbolic_ok=True)
    doc.ref("FunctionArn", "Arn")
    image = p.get("ImageUri") if sam else (p.get("Code") or {}).get("ImageUri")
    doc.set("Runtime", p.get("Runtime"))
    doc.set("PackageType", p.get("PackageType", "Image" if image else "Zip"))
    doc.set("Handler", p.get("Handler"))
    # SAM creates an execution role when the function names none
    doc.set("Role", p.get("Role", f"${{{res.logical_id}Role.Arn}}" if sam else None),
            symbolic_ok=True)
    doc.set("Architectures", list(p.get("Architectures") or ["x86_64"]))
    doc.after_deploy("LastModified")
    doc.set("Timeout", as_int(p.get("Timeout", 3)))
    doc.set("MemorySize", as_int(p.get("MemorySize", 128)))
    doc.set("KMSKeyArn", p.get("KmsKeyArn"), symbolic_ok=True)
    variables = (p.get("Environment") or {}).get("Variables") or {}
    names = sorted(str(k) for k in variables) if isinstance(variables, dict) else variables
    doc.set("EnvironmentVariableNames", names)
    doc.set("SecretLikeEnvironmentVariableNames",
            secret_like(names) if isinstance(names, list) else names)
    doc.set("VpcConfig", _vpc_config(p.get("VpcConfig"), stack), symbolic_ok=True)
    mode = p.get("Tracing") if sam else (p.get("TracingConfig") or {}).get("Mode")
    doc.set("TracingConfig", {"Mode": mode or "PassThrough"})
    dlq = p.get("DeadLetterQueue" if sam else "DeadLetterConfig") or {}
    doc.set("DeadLetterConfig", {"TargetArn": dlq["TargetArn"]} if dlq.get("TargetArn")
            else None, symbolic_ok=True)
    arn = doc.props["FunctionArn"]
    permissions = [_permission_statement(perm, arn) for perm in stack.referrers(
        res, ("AWS::Lambda::Permission",), "FunctionName", "FunctionName")]
    doc.set("Policy", {"Version": "2012-10-17", "Id": "default", "Statement": permissions}
            if permissions else None, symbolic_ok=True, strict=POLICY_STRICT)
    url = p.get("FunctionUrlConfig") if sam else None
    urls = stack.referrers(res, ("AWS::Lambda::Url",), "TargetFunctionArn", "FunctionName")
    if urls:
        url = urls[0].props
    doc.set("FunctionUrlConfig", None if not isinstance(url, dict) else {
        "FunctionUrl": urls[0].ref_text("FunctionUrl") if urls else
        f"${{{res.logical_id}Url.FunctionUrl}}", "AuthType": url.get("AuthType"),
        "Cors": dict(url["Cors"]) if isinstance(url.get("Cors"), dict) else None},
        symbolic_ok=True)
    doc.set("CodeSigningConfigArn", p.get("CodeSigningConfigArn"), symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.lambda.function", "FunctionName")


#: The port each engine listens on when the template names none (CreateDBInstance's `Port`).
_DEFAULT_PORTS = (("aurora-postgresql", 5432), ("postgres", 5432), ("aurora", 3306),
                  ("mysql", 3306), ("mariadb", 3306), ("oracle", 1521), ("sqlserver", 1433),
                  ("db2", 50000))


def _default_port(engine: Any) -> Any:
    if not isinstance(engine, str):
        return Unresolved("the engine, and so its default port, is not known")
    for prefix, port in _DEFAULT_PORTS:
        if engine.startswith(prefix):
            return port
    return Unresolved(f"no documented default port for engine {engine}")


def _common_db(doc: Doc, p: dict[str, Any], defaults_from: dict[str, Any] | None) -> None:
    """Settings DB instances and clusters share; an Aurora instance takes its cluster's."""
    inherited = defaults_from if defaults_from is not None else {}
    # Aurora Serverless v1 clusters are always encrypted
    serverless = p.get("EngineMode", inherited.get("EngineMode")) == "serverless"
    encrypted = p.get("StorageEncrypted", inherited.get("StorageEncrypted", serverless))
    if defaults_from is None and p.get("DBClusterIdentifier") is not None and \
            "StorageEncrypted" not in p:
        doc.open("StorageEncrypted", "set by a cluster outside the template")
    elif p.get("SourceDBInstanceIdentifier") is not None or p.get("DBSnapshotIdentifier") or \
            p.get("SnapshotIdentifier"):
        doc.open("StorageEncrypted", "inherited from the source database or snapshot")
    else:
        doc.set("StorageEncrypted", as_bool(encrypted))
    doc.set("KmsKeyId", p.get("KmsKeyId", inherited.get("KmsKeyId")), symbolic_ok=True)
    doc.set("BackupRetentionPeriod", as_int(p.get("BackupRetentionPeriod", 1)))
    doc.set("DeletionProtection", as_bool(p.get("DeletionProtection", False)))
    doc.set("IAMDatabaseAuthenticationEnabled",
            as_bool(p.get("EnableIAMDatabaseAuthentication", False)))
    doc.set("EnabledCloudwatchLogsExports", list(p.get("EnableCloudwatchLogsExports") or []))
    doc.set("CopyTagsToSnapshot", as_bool(p.get("CopyTagsToSnapshot", False)))
    doc.set("Engine", p.get("Engine", inherited.get("Engine")))
    if p.get("EngineVersion") is None:
        doc.open("EngineVersion", "the engine's default version at deploy time")
    else:
        doc.set("EngineVersion", p["EngineVersion"])
    doc.set("MasterUsername", p.get("MasterUsername", inherited.get("MasterUsername")),
            symbolic_ok=True)
    doc.tags(p.get("Tags"))


def _cluster_of(res: Resource, stack: Stack) -> Resource | None:
    target = res.props.get("DBClusterIdentifier")
    if target is None:
        return None
    return next((c for c in stack.of_type("AWS::RDS::DBCluster")
                 if stack.refers_to(target, c, "DBClusterIdentifier")), None)


def map_db_instance(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    if p.get("DBInstanceIdentifier") is None:
        doc.ref("DBInstanceIdentifier")
    else:
        doc.set("DBInstanceIdentifier", p["DBInstanceIdentifier"], symbolic_ok=True)
    doc.open("DBInstanceArn")
    doc.set("DBInstanceClass", p.get("DBInstanceClass"))
    doc.set("DBInstanceStatus", "available")
    cluster = _cluster_of(res, stack)
    doc.set("DBClusterIdentifier", id_text(p.get("DBClusterIdentifier")), symbolic_ok=True)
    port = as_int(p.get("Port")) if p.get("Port") is not None else _default_port(
        p.get("Engine") or (cluster.props.get("Engine") if cluster else None))
    doc.set("Endpoint", {"Address": res.ref_text("Endpoint.Address"), "Port": port})
    doc.open("DbInstancePort")
    if p.get("PubliclyAccessible") is None:
        doc.open("PubliclyAccessible", "the default depends on the subnet group's VPC")
    else:
        doc.set("PubliclyAccessible", as_bool(p["PubliclyAccessible"]))
    doc.set("MultiAZ", as_bool(p.get("MultiAZ", False)))
    doc.set("AutoMinorVersionUpgrade", as_bool(p.get("AutoMinorVersionUpgrade", True)))
    doc.set("MonitoringInterval", as_int(p.get("MonitoringInterval", 0)))
    doc.set("PerformanceInsightsEnabled", as_bool(p.get("EnablePerformanceInsights", False)))
    if p.get("CACertificateIdentifier") is None:
        doc.open("CACertificateIdentifier", "the region's default CA at deploy time")
    else:
        doc.set("CACertificateIdentifier", p["CACertificateIdentifier"])
    group = p.get("DBParameterGroupName")
    if group is None:
        doc.open("DBParameterGroups", "the engine's default parameter group")
    else:
        doc.set("DBParameterGroups", [{"DBParameterGroupName": id_text(group),
                                       "ParameterApplyStatus": "in-sync"}], symbolic_ok=True)
    doc.set("VpcSecurityGroups", id_text(list(p.get("VPCSecurityGroups") or [])),
            symbolic_ok=True)
    doc.set("DBSubnetGroupName", id_text(p.get("DBSubnetGroupName")), symbolic_ok=True)
    doc.open("VpcId", "the subnet group's VPC")
    doc.after_deploy("InstanceCreateTime")
    _common_db(doc, p, cluster.props if cluster is not None else None)
    return doc.asset("aws.rds.db_instance", "DBInstanceIdentifier")


def map_db_cluster(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    if p.get("DBClusterIdentifier") is None:
        doc.ref("DBClusterIdentifier")
    else:
        doc.set("DBClusterIdentifier", p["DBClusterIdentifier"], symbolic_ok=True)
    doc.ref("DBClusterArn", "DBClusterArn")
    doc.set("Status", "available")
    doc.set("EngineMode", p.get("EngineMode", "provisioned"))
    doc.set("Port", as_int(p.get("Port")) if p.get("Port") is not None
            else _default_port(p.get("Engine")))
    doc.set("PubliclyAccessible", as_bool(p["PubliclyAccessible"])
            if p.get("PubliclyAccessible") is not None else None)
    if p.get("PubliclyAccessible") is None:
        doc.open("PubliclyAccessible", "decided by the cluster's instances")
    doc.open("MultiAZ", "decided by the cluster's instances")
    doc.set("AvailabilityZones", list(p.get("AvailabilityZones") or []))
    doc.set("AutoMinorVersionUpgrade", as_bool(p.get("AutoMinorVersionUpgrade", True)))
    group = p.get("DBClusterParameterGroupName")
    if group is None:
        doc.open("DBClusterParameterGroup", "the engine's default parameter group")
    else:
        doc.set("DBClusterParameterGroup", id_text(group), symbolic_ok=True)
    doc.set("BacktrackWindow", as_int(p.get("BacktrackWindow")))
    members = [i for i in stack.of_type("AWS::RDS::DBInstance")
               if stack.refers_to(i.props.get("DBClusterIdentifier"), res,
                                  "DBClusterIdentifier")]
    doc.set("DBClusterMembers", [{"DBInstanceIdentifier": m.props.get(
        "DBInstanceIdentifier", m.ref_text()), "IsClusterWriter": None} for m in members],
        symbolic_ok=True)
    doc.after_deploy("ClusterCreateTime")
    _common_db(doc, {k: v for k, v in p.items() if k != "DBClusterIdentifier"}, None)
    return doc.asset("aws.rds.db_cluster", "DBClusterIdentifier")


def _json_text(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _registry_scanning(p: dict[str, Any]) -> Any:
    """`AWS::ECR::RegistryScanningConfiguration` as GetRegistryScanningConfiguration shows
    it: the region's scan type and rules, which apply to every repository."""
    rules = p.get("Rules") or []
    return {"scanType": p.get("ScanType"), "rules": [
        {"scanFrequency": r.get("ScanFrequency"),
         "repositoryFilters": [{"filter": f.get("Filter"), "filterType": f.get("FilterType")}
                               for f in r.get("RepositoryFilters") or []
                               if isinstance(f, dict)]}
        for r in rules if isinstance(r, dict)] if isinstance(rules, list) else rules}


def map_repository(res: Resource, stack: Stack) -> Asset:
    p = res.props
    doc = Doc(res, stack)
    doc.ref("repositoryArn", "Arn")
    if p.get("RepositoryName") is None:
        doc.ref("repositoryName")
    else:
        doc.set("repositoryName", p["RepositoryName"], symbolic_ok=True)
    doc.ref("repositoryUri", "RepositoryUri")
    doc.after_deploy("registryId", "createdAt")
    doc.set("imageTagMutability", p.get("ImageTagMutability", "MUTABLE"))
    scanning = p.get("ImageScanningConfiguration") or {}
    doc.set("imageScanningConfiguration", {"scanOnPush": as_bool(scanning.get(
        "ScanOnPush", False))} if isinstance(scanning, dict) else scanning)
    encryption = p.get("EncryptionConfiguration") or {}
    doc.set("encryptionConfiguration", {
        "encryptionType": encryption.get("EncryptionType", "AES256"),
        "kmsKey": encryption.get("KmsKey")} if isinstance(encryption, dict) else encryption,
        symbolic_ok=True)
    registry = list(stack.of_type("AWS::ECR::RegistryScanningConfiguration"))
    if registry:
        doc.set("RegistryScanningConfiguration",
                _registry_scanning(registry[-1].props), symbolic_ok=True)
    else:
        doc.open("RegistryScanningConfiguration", "a setting of the registry, not the template")
    doc.set("Policy", _json_text(p.get("RepositoryPolicyText")), symbolic_ok=True,
            strict=POLICY_STRICT)
    lifecycle = p.get("LifecyclePolicy") or {}
    doc.set("LifecyclePolicy", _json_text(lifecycle.get("LifecyclePolicyText"))
            if isinstance(lifecycle, dict) else lifecycle, symbolic_ok=True)
    doc.tags(p.get("Tags"))
    return doc.asset("aws.ecr.repository", "RepositoryName")
