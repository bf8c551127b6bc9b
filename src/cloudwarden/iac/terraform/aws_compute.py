"""Compute services: Lambda functions (with `aws_lambda_permission` folded into the function's
resource policy and `aws_lambda_function_url`), ECR repositories (with their repository and
lifecycle policies and the region's registry scanning configuration) and EKS clusters.

Defaults where the code is silent are the provider's and the APIs' documented ones: a function
is a Zip package on x86_64 with 3 s and 128 MB, PassThrough tracing; a repository is MUTABLE,
AES256-encrypted and not scanned on push; an EKS endpoint is public (to 0.0.0.0/0) and not
private, with no control plane log type enabled.
"""

from __future__ import annotations

from typing import Any

from cloudwarden.core.model import Asset
from cloudwarden.core.secretnames import secret_like
from cloudwarden.iac.terraform.aws_common import (
    Doc,
    Index,
    as_bool,
    as_int,
    block,
    blocks,
    build_asset,
    literal_str,
    own,
    policy_json,
    str_list,
    tags_of,
)
from cloudwarden.iac.terraform.aws_elb import subnet_of
from cloudwarden.iac.terraform.aws_iam import policy_document
from cloudwarden.iac.terraform.model import TfResource, Unknown

__all__ = ["JOINED", "map_eks_cluster", "map_function", "map_repository", "subnets_vpc"]

_PERMISSION = "aws_lambda_permission"
_URL = "aws_lambda_function_url"
_REPO_POLICY = "aws_ecr_repository_policy"
_LIFECYCLE = "aws_ecr_lifecycle_policy"
_REGISTRY_SCANNING = "aws_ecr_registry_scanning_configuration"
_FUNCTION_ARGS = ("function_name", "arn")
JOINED: dict[str, str] = {_PERMISSION: "aws.lambda.function", _URL: "aws.lambda.function",
                          _REPO_POLICY: "aws.ecr.repository", _LIFECYCLE: "aws.ecr.repository",
                          _REGISTRY_SCANNING: "aws.ecr.repository"}
#: the control plane log types EKS knows; DescribeCluster lists the enabled and the disabled
_EKS_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")


def subnets_vpc(index: Index, subnet_ids: Any) -> Any:
    """The VPC of the first of `subnet_ids` (identities as `Index.ident` gives them) when that
    subnet is in the code (its `vpc_id`, symbolic when the VPC is too), else None: the id is
    then not in the code."""
    if not isinstance(subnet_ids, list) or not subnet_ids:
        return None
    subnet = subnet_of(index, subnet_ids[0])
    return None if subnet is None else index.ident(subnet, subnet.values.get("vpc_id"))


def _principal(value: Any) -> Any:
    """The principal of a permission as GetPolicy shows it."""
    if value == "*" or isinstance(value, Unknown):
        return value
    text = literal_str(value)
    if text is None:
        return Unknown("the permission's principal is not set")
    if text.endswith(".amazonaws.com") or text.endswith(".amazonaws.com.cn"):
        return {"Service": text}
    if text.isdigit():
        return {"AWS": f"arn:aws:iam::{text}:root"}
    return {"AWS": text}


def _statement(index: Index, perm: TfResource, fn_arn: str) -> dict[str, Any]:
    v = perm.values
    statement: dict[str, Any] = {
        "Sid": v.get("statement_id") or perm.name, "Effect": "Allow",
        "Principal": _principal(v.get("principal")), "Action": v.get("action"),
        "Resource": fn_arn}
    condition: dict[str, dict[str, Any]] = {}
    if v.get("source_arn") is not None:
        condition["ArnLike"] = {"AWS:SourceArn": index.ident(perm, v["source_arn"])}
    for arg, key in (("source_account", "AWS:SourceAccount"),
                     ("principal_org_id", "aws:PrincipalOrgID"),
                     ("function_url_auth_type", "lambda:FunctionUrlAuthType"),
                     ("event_source_token", "lambda:EventSourceToken")):
        if v.get(arg) is not None:
            condition.setdefault("StringEquals", {})[key] = index.ident(perm, v[arg])
    if condition:
        statement["Condition"] = condition
    return statement


def _unqualified(children: list[TfResource]) -> list[TfResource]:
    """Permissions and URLs of the function itself: a `qualifier` puts them on an alias or a
    version, whose policy and URL are not the unqualified function's."""
    return [c for c in children if c.values.get("qualifier") in (None, "", "$LATEST")]


def _url(index: Index, fn: TfResource) -> Any:
    urls = _unqualified(index.children_of(fn, _URL, "function_name", _FUNCTION_ARGS))
    if not urls:
        return None
    url = urls[-1]
    cors = block(url.values.get("cors"))
    if isinstance(cors, dict):
        cors = {key: (as_bool(cors.get(arg)) if key == "AllowCredentials" else
                      as_int(cors.get(arg)) if key == "MaxAge" else str_list(cors.get(arg)))
                for key, arg in (("AllowOrigins", "allow_origins"),
                                 ("AllowMethods", "allow_methods"),
                                 ("AllowHeaders", "allow_headers"),
                                 ("ExposeHeaders", "expose_headers"),
                                 ("AllowCredentials", "allow_credentials"),
                                 ("MaxAge", "max_age")) if cors.get(arg) is not None}
    return {"FunctionUrl": own(url, "function_url"),
            "AuthType": url.values.get("authorization_type"), "Cors": cors}


def map_function(index: Index, fn: TfResource) -> list[Asset]:
    doc = Doc()
    v = fn.values
    doc.set("FunctionName", v.get("function_name"))
    arn = own(fn, "arn")
    doc.set("FunctionArn", arn)
    image = v.get("image_uri")
    package = v.get("package_type") or ("Image" if image else "Zip")
    doc.set("PackageType", package)
    doc.set("Runtime", v.get("runtime"))
    doc.set("Handler", v.get("handler"))
    doc.set("Role", index.ident(fn, v.get("role")))
    doc.set("Architectures", str_list(v.get("architectures")) or ["x86_64"])
    doc.after_apply("LastModified")
    doc.set("Timeout", as_int(v.get("timeout"), 3))
    doc.set("MemorySize", as_int(v.get("memory_size"), 128))
    doc.set("KMSKeyArn", index.ident(fn, v.get("kms_key_arn")) or None)
    env = block(v.get("environment"))
    variables = env if isinstance(env, Unknown) else (env or {}).get("variables") or {}
    if isinstance(variables, dict):
        names: Any = sorted(str(k) for k in variables)
        doc.set("EnvironmentVariableNames", names)
        doc.set("SecretLikeEnvironmentVariableNames", secret_like(names))
    else:
        reason = variables if isinstance(variables, Unknown) else Unknown(
            "the environment variables are not a map")
        doc.set("EnvironmentVariableNames", reason)
        doc.set("SecretLikeEnvironmentVariableNames", reason)
    vpc = block(v.get("vpc_config"))
    if isinstance(vpc, dict):
        subnets = index.ident_list(fn, vpc.get("subnet_ids"))
        doc.set("VpcConfig", {
            "SubnetIds": subnets,
            "SecurityGroupIds": index.ident_list(fn, vpc.get("security_group_ids")),
            "VpcId": subnets_vpc(index, subnets)} if subnets else None)
    else:
        doc.set("VpcConfig", vpc)
    tracing = block(v.get("tracing_config"))
    doc.set("TracingConfig", tracing if isinstance(tracing, Unknown) else
            {"Mode": (tracing or {}).get("mode") or "PassThrough"})
    dlq = block(v.get("dead_letter_config"))
    doc.set("DeadLetterConfig", dlq if isinstance(dlq, Unknown) else
            {"TargetArn": index.ident(fn, dlq.get("target_arn"))}
            if dlq and dlq.get("target_arn") is not None else None)
    permissions = _unqualified(index.children_of(fn, _PERMISSION, "function_name",
                                                 _FUNCTION_ARGS))
    doc.set("Policy", {"Version": "2012-10-17", "Id": "default",
                       "Statement": [_statement(index, p, arn) for p in permissions]}
            if permissions else None)
    doc.set("FunctionUrlConfig", _url(index, fn))
    doc.set("CodeSigningConfigArn", index.ident(fn, v.get("code_signing_config_arn")) or None)
    doc.set("Tags", tags_of(fn))
    return [build_asset(index, fn, "aws.lambda.function", doc, name_args=("function_name",))]


def _registry_scanning(index: Index) -> Any:
    configs = index.of_type(_REGISTRY_SCANNING)
    if not configs:
        return Unknown("the registry scanning configuration is a setting of the region, "
                       "not in this code")
    v = configs[-1].values
    rules = blocks(v.get("rule"))
    return {"scanType": v.get("scan_type"), "rules": rules if isinstance(rules, Unknown) else [
        {"scanFrequency": r.get("scan_frequency"),
         "repositoryFilters": [{"filter": f.get("filter"), "filterType": f.get("filter_type")}
                               for f in blocks(r.get("repository_filter")) or []]}
        for r in rules]}


def _last_policy(index: Index, repo: TfResource, child_type: str) -> Any:
    found = index.children_of(repo, child_type, "repository")
    return (found[-1], found[-1].values.get("policy")) if found else (repo, None)


def map_repository(index: Index, repo: TfResource) -> list[Asset]:
    doc = Doc()
    v = repo.values
    doc.set("repositoryArn", own(repo, "arn"))
    doc.set("repositoryName", v.get("name"))
    doc.set("repositoryUri", own(repo, "repository_url"))
    doc.after_apply("registryId", "createdAt")
    doc.set("imageTagMutability", v.get("image_tag_mutability") or "MUTABLE")
    scanning = block(v.get("image_scanning_configuration"))
    doc.set("imageScanningConfiguration", scanning if isinstance(scanning, Unknown) else
            {"scanOnPush": as_bool((scanning or {}).get("scan_on_push"), False)})
    encryption = block(v.get("encryption_configuration"))
    doc.set("encryptionConfiguration", encryption if isinstance(encryption, Unknown) else {
        "encryptionType": (encryption or {}).get("encryption_type") or "AES256",
        "kmsKey": index.ident(repo, (encryption or {}).get("kms_key")) or None})
    doc.set("RegistryScanningConfiguration", _registry_scanning(index))
    owner, policy = _last_policy(index, repo, _REPO_POLICY)
    doc.set("Policy", None if policy is None else policy_document(index, owner, policy))
    _, lifecycle = _last_policy(index, repo, _LIFECYCLE)
    doc.set("LifecyclePolicy", policy_json(lifecycle))
    doc.set("Tags", tags_of(repo))
    return [build_asset(index, repo, "aws.ecr.repository", doc)]


def _eks_logging(types: Any) -> Any:
    if isinstance(types, Unknown):
        return types
    enabled = [t for t in types if t in _EKS_LOG_TYPES]
    disabled = [t for t in _EKS_LOG_TYPES if t not in enabled]
    entries: list[dict[str, Any]] = []
    if enabled:
        entries.append({"types": enabled, "enabled": True})
    if disabled:
        entries.append({"types": disabled, "enabled": False})
    return {"clusterLogging": entries}


def _key_provider(index: Index, cluster: TfResource, provider: Any) -> Any:
    if not isinstance(provider, dict):
        return provider if isinstance(provider, Unknown) else {"keyArn": None}
    return {"keyArn": index.ident(cluster, provider.get("key_arn"))}


def map_eks_cluster(index: Index, cluster: TfResource) -> list[Asset]:
    doc = Doc()
    v = cluster.values
    doc.set("name", v.get("name"))
    doc.set("arn", own(cluster, "arn"))
    if v.get("version") is None:
        doc.open("version", "no version: EKS's default Kubernetes version at apply time")
    else:
        doc.set("version", literal_str(v["version"]) or v["version"])
    doc.after_apply("platformVersion", "createdAt")
    doc.set("status", "ACTIVE")
    doc.set("roleArn", index.ident(cluster, v.get("role_arn")))
    vpc = block(v.get("vpc_config"))
    if isinstance(vpc, dict):
        subnets = index.ident_list(cluster, vpc.get("subnet_ids"))
        public = as_bool(vpc.get("endpoint_public_access"), True)
        cidrs = str_list(vpc.get("public_access_cidrs"))
        doc.set("resourcesVpcConfig", {
            "vpcId": subnets_vpc(index, subnets),
            "subnetIds": subnets,
            "securityGroupIds": index.ident_list(cluster, vpc.get("security_group_ids")),
            "endpointPublicAccess": public,
            "endpointPrivateAccess": as_bool(vpc.get("endpoint_private_access"), False),
            # a public endpoint without a CIDR list is open to every address
            "publicAccessCidrs": cidrs or ["0.0.0.0/0"]})
    else:
        doc.set("resourcesVpcConfig", vpc if isinstance(vpc, Unknown) else
                Unknown("the cluster has no vpc_config"))
    doc.set("logging", _eks_logging(str_list(v.get("enabled_cluster_log_types"))))
    encryption = blocks(v.get("encryption_config"))
    doc.set("encryptionConfig", encryption if isinstance(encryption, Unknown) else [
        {"resources": str_list(e.get("resources")),
         "provider": _key_provider(index, cluster, block(e.get("provider")))}
        for e in encryption])
    doc.set("Tags", tags_of(cluster))
    return [build_asset(index, cluster, "aws.eks.cluster", doc)]
