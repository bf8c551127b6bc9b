"""The built-in stateful and computed detections (the Sigma rules are the YAML files next to
this module). `builtin_detectors()` builds fresh detectors, with their own state, each call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.core.model import Severity
from cloudwarden.detect.alerts import AlertBuilder
from cloudwarden.detect.rules.dns import (
    dga_reason,
    known_bad_reason,
    registered_domain,
    subdomain,
    tunnel_reason,
)
from cloudwarden.detect.stateful import (
    Detector,
    EventMatch,
    PredicateDetector,
    SequenceDetector,
    ThresholdDetector,
    VolumeDetector,
)

__all__ = ["DNS_SOURCES", "builtin_detectors"]

DNS_SOURCES = frozenset({"aws.route53.resolver", "dns.bind"})
_SSH_FAILURES = frozenset({"ssh.login", "ssh.invalid_user", "ssh.auth_failure"})
_MINUTE = timedelta(minutes=1)
# routing (`Detector.sources` / `.actions`): what each detector's predicates can accept
_CLOUDTRAIL = frozenset({"aws.cloudtrail"})
_LINUX_AUTH = frozenset({"linux.auth"})
_KUBERNETES = frozenset({"kubernetes.audit"})
_SUCCESS = frozenset({"success"})
_FAILURE = frozenset({"failure"})
_GIB = 1024**3


def _alert(
    type_: str,
    title: str,
    severity: Severity,
    tactic: str,
    technique: str,
    description: str,
    remediation: str,
) -> AlertBuilder:
    return AlertBuilder(
        type=type_,
        title=title,
        severity=severity,
        description=description,
        tactic=tactic,
        technique=technique,
        remediation=remediation,
    )


def _source(source: str, *actions: str, outcome: str = "") -> EventMatch:
    wanted = frozenset(actions)

    def match(event: Event) -> bool:
        return (
            event.source == source
            and (not wanted or event.action in wanted)
            and (not outcome or event.outcome == outcome)
        )

    return match


def _ssh_failure(event: Event) -> bool:
    return (
        event.source == "linux.auth"
        and event.action in _SSH_FAILURES
        and (event.outcome == "failure")
    )


def _ssh_success(event: Event) -> bool:
    return (
        event.source == "linux.auth"
        and event.action == "ssh.login"
        and (event.outcome == "success")
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _getter(path: str) -> Callable[[Event], Any]:
    """`lambda event: event.get(path)` with the path split once: the detections below read
    their fields on every event they are routed."""
    parts = tuple(path.split("."))
    if len(parts) == 1:
        name = parts[0]

        def get_key(event: Event) -> Any:
            fields = event.fields
            if type(fields) is dict or isinstance(fields, Mapping):
                return fields.get(name)
            return None

        return get_key

    def get_path(event: Event) -> Any:
        value: Any = event.fields
        for part in parts:
            if type(value) is dict or isinstance(value, Mapping):
                value = value.get(part)
            else:
                return None
        return value

    return get_path


def _field(path: str) -> Callable[[Event], str]:
    get = _getter(path)
    return lambda event: _text(get(event))


def _actor(event: Event) -> str:
    return event.actor


def _ip(event: Event) -> str:
    return event.source_ip


def _scalars(value: Any) -> Iterator[str]:
    """Every scalar inside a nested document, as text."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _scalars(item)
    elif value is not None:
        yield str(value)


def _first_scalar(value: Any, wanted: Callable[[str], bool]) -> str | None:
    """The first of `_scalars(value)` that is `wanted`, else None: the same walk, without a
    generator per level (the predicates below run on every event of their action)."""
    if type(value) is dict or isinstance(value, Mapping):
        for item in value.values():
            found = _first_scalar(item, wanted)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = _first_scalar(item, wanted)
            if found is not None:
                return found
    elif value is not None:
        text = str(value)
        if wanted(text):
            return text
    return None


_BYTES_READ = tuple(
    _getter(path)
    for path in ("bytes_sent", "bytesSent", "BytesSent", "additionalEventData.bytesTransferredOut")
)


def _bytes_read(event: Event) -> float:
    for get in _BYTES_READ:
        value = get(event)
        try:
            if value not in (None, "", "-"):
                return float(value)
        except (TypeError, ValueError):
            continue
    return 0.0


def _object_read(event: Event) -> bool:
    if event.source == "aws.s3.access":
        return event.action == "REST.GET.OBJECT" and event.outcome != "failure"
    return (
        event.source == "aws.cloudtrail"
        and event.action == "GetObject"
        and (event.outcome == "success")
    )


def _public_bucket_policy(event: Event) -> str:
    if event.source != "aws.cloudtrail" or event.action != "PutBucketPolicy":
        return ""
    policy = event.get("requestParameters.bucketPolicy")
    statements = policy.get("Statement", []) if isinstance(policy, Mapping) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        anyone = principal == "*" or "*" in _scalars(principal)
        if anyone and "Condition" not in statement:
            bucket = _text(event.get("requestParameters.bucketName"))
            return f"Bucket {bucket} now allows any principal without a condition."
    return ""


_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "AuthenticatedUsers")
_PUBLIC_CANNED = frozenset({"public-read", "public-read-write", "authenticated-read"})


def _public_acl_value(value: str) -> bool:
    return value in _PUBLIC_CANNED or any(g in value for g in _PUBLIC_GRANTEES)


_REQUEST_PARAMETERS = _getter("requestParameters")


def _public_bucket_acl(event: Event) -> str:
    if event.source != "aws.cloudtrail" or event.action not in ("PutBucketAcl", "PutObjectAcl"):
        return ""
    value = _first_scalar(_REQUEST_PARAMETERS(event), _public_acl_value)
    if value is not None:
        bucket = _text(event.get("requestParameters.bucketName"))
        return f"The ACL of {bucket} grants access to everyone ({value})."
    return ""


_WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _world_open_ingress(event: Event) -> str:
    if event.source != "aws.cloudtrail" or event.action != "AuthorizeSecurityGroupIngress":
        return ""
    value = _first_scalar(_REQUEST_PARAMETERS(event), _WORLD.__contains__)
    if value is not None:
        group = _text(event.get("requestParameters.groupId"))
        return f"Security group {group} now accepts traffic from {value}."
    return ""


def _gcs_public(event: Event) -> str:
    if event.source != "gcp.audit":
        return ""
    method = _text(event.get("protoPayload.methodName"))
    if not method.endswith(("setIamPermissions", "SetIamPolicy")):
        return ""
    deltas = event.get("protoPayload.serviceData.policyDelta.bindingDeltas") or []
    for delta in deltas if isinstance(deltas, list) else []:
        if isinstance(delta, Mapping) and delta.get("action") == "ADD":
            member = _text(delta.get("member"))
            if member in ("allUsers", "allAuthenticatedUsers"):
                return f"{member} was granted {delta.get('role', '')}."
    return ""


def _pod_spec(event: Event) -> Mapping[str, Any]:
    if event.source != "kubernetes.audit" or _text(event.get("verb")) not in ("create", "update"):
        return {}
    resource = _text(event.get("objectRef.resource"))
    spec = event.get("requestObject.spec")
    if resource != "pods":  # deployments, daemonsets, jobs: the pod template
        spec = event.get("requestObject.spec.template.spec") or event.get(
            "requestObject.spec.jobTemplate.spec.template.spec"
        )
    return spec if isinstance(spec, Mapping) else {}


def _containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for name in ("containers", "initContainers", "ephemeralContainers"):
        for container in spec.get(name) or []:
            if isinstance(container, Mapping):
                yield container


def _privileged_pod(event: Event) -> str:
    spec = _pod_spec(event)
    host = [flag for flag in ("hostPID", "hostIPC", "hostNetwork") if spec.get(flag) is True]
    privileged = [
        _text(c.get("name"))
        for c in _containers(spec)
        if isinstance(c.get("securityContext"), Mapping)
        and c["securityContext"].get("privileged") is True
    ]
    if privileged:
        return f"Privileged containers: {', '.join(privileged)}."
    if host:
        return f"The pod shares the host's namespaces: {', '.join(host)}."
    return ""


def _host_path_mount(event: Event) -> str:
    paths = [
        _text(volume["hostPath"].get("path"))
        for volume in _pod_spec(event).get("volumes") or []
        if isinstance(volume, Mapping) and isinstance(volume.get("hostPath"), Mapping)
    ]
    return f"Host paths mounted: {', '.join(paths)}." if paths else ""


def _dns_client(event: Event) -> str:
    return event.host or event.source_ip


def _dns_key(event: Event) -> str:
    if event.source not in DNS_SOURCES or not event.domain:
        return ""
    return f"{_dns_client(event)}|{registered_domain(event.domain)}"


def _dns(explain: Callable[[str], str]) -> Callable[[Event], str]:
    return lambda event: explain(event.domain) if event.source in DNS_SOURCES else ""


def _k8s_user(event: Event) -> str:
    return _text(event.get("user.username"))


def _linux() -> list[Detector]:
    return [
        ThresholdDetector(
            _alert(
                "linux.auth.ssh_brute_force",
                "SSH brute force",
                Severity.MEDIUM,
                "credential_access",
                "T1110.001",
                "Many failed SSH logins came from one address.",
                "Block the source address, disable password authentication "
                "(`PasswordAuthentication no`) and use fail2ban or a firewall allow-list.",
            ),
            key=_ip,
            window=5 * _MINUTE,
            match=_ssh_failure,
            threshold=10,
            sources=_LINUX_AUTH,
            actions=_SSH_FAILURES,
            outcomes=_FAILURE,
        ),
        ThresholdDetector(
            _alert(
                "linux.auth.ssh_password_spraying",
                "SSH password spraying",
                Severity.MEDIUM,
                "credential_access",
                "T1110.003",
                "One address tried many different user names over SSH.",
                "Block the source address and disable password authentication.",
            ),
            key=_ip,
            window=15 * _MINUTE,
            match=_ssh_failure,
            threshold=5,
            sources=_LINUX_AUTH,
            actions=_SSH_FAILURES,
            distinct=_actor,
            outcomes=_FAILURE,
        ),
        SequenceDetector(
            _alert(
                "linux.auth.ssh_login_after_failures",
                "Successful SSH login after failures",
                Severity.HIGH,
                "credential_access",
                "T1110",
                "An address logged in over SSH right after a series of failed attempts: "
                "the guessing may have succeeded.",
                "Confirm the login with the account owner; if unknown, isolate the host, "
                "reset the password and review what the session did.",
            ),
            key=_ip,
            window=15 * _MINUTE,
            first=_ssh_failure,
            then=_ssh_success,
            min_first=5,
            sources=_LINUX_AUTH,
            actions=_SSH_FAILURES | {"ssh.login"},
        ),
    ]


_DELETIONS = ("Delete", "Terminate")


def _aws() -> list[Detector]:
    console_failure = _source("aws.cloudtrail", "ConsoleLogin", outcome="failure")
    console_success = _source("aws.cloudtrail", "ConsoleLogin", outcome="success")
    return [
        ThresholdDetector(
            _alert(
                "aws.cloudtrail.console_login_brute_force",
                "Console sign-in brute force",
                Severity.MEDIUM,
                "credential_access",
                "T1110",
                "Many failed console sign-ins came from one address.",
                "Require MFA for every console user and review the targeted users.",
            ),
            key=_ip,
            window=10 * _MINUTE,
            match=console_failure,
            threshold=10,
            sources=_CLOUDTRAIL,
            actions=frozenset({"ConsoleLogin"}),
            outcomes=_FAILURE,
        ),
        SequenceDetector(
            _alert(
                "aws.cloudtrail.console_login_after_failures",
                "Console sign-in success after failures",
                Severity.HIGH,
                "credential_access",
                "T1110",
                "An address signed in to the console after a series of failures.",
                "Confirm with the user; reset the password and revoke sessions if unknown.",
            ),
            key=_ip,
            window=15 * _MINUTE,
            first=console_failure,
            then=console_success,
            min_first=5,
            sources=_CLOUDTRAIL,
            actions=frozenset({"ConsoleLogin"}),
        ),
        VolumeDetector(
            _alert(
                "aws.cloudtrail.mass_bucket_deletion",
                "Mass S3 bucket deletion",
                Severity.HIGH,
                "impact",
                "T1485",
                "One identity deleted many buckets in a short time.",
                "Stop the identity (deactivate keys, revoke sessions), then restore data "
                "from backups or replicas; enable MFA delete and Object Lock on key buckets.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            match=_source("aws.cloudtrail", "DeleteBucket", outcome="success"),
            limit=5,
            unit="buckets",
            sources=_CLOUDTRAIL,
            actions=frozenset({"DeleteBucket"}),
            outcomes=_SUCCESS,
        ),
        VolumeDetector(
            _alert(
                "aws.cloudtrail.mass_resource_deletion",
                "Mass resource deletion",
                Severity.HIGH,
                "impact",
                "T1485",
                "One identity deleted or terminated many resources in a short time.",
                "Stop the identity and restore from backups; protect critical resources "
                "with deletion protection and SCPs.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            match=lambda e: (
                e.source == "aws.cloudtrail"
                and e.outcome == "success"
                and e.action.startswith(_DELETIONS)
            ),
            limit=50,
            unit="deletions",
            sources=_CLOUDTRAIL,
            action_filter=lambda action: action.startswith(_DELETIONS),
            outcomes=_SUCCESS,
        ),
        VolumeDetector(
            _alert(
                "aws.cloudtrail.mass_instance_launch",
                "Unusual burst of instance launches",
                Severity.MEDIUM,
                "impact",
                "T1496",
                "One identity launched many instances in a short time.",
                "Terminate unknown instances and lower EC2 service quotas.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            match=_source("aws.cloudtrail", "RunInstances", outcome="success"),
            measure=lambda e: (
                float(_text(e.get("requestParameters.maxCount")) or 1)
                if _text(e.get("requestParameters.maxCount")).isdigit()
                else 1.0
            ),
            limit=20,
            unit="instances",
            sources=_CLOUDTRAIL,
            actions=frozenset({"RunInstances"}),
            outcomes=_SUCCESS,
        ),
        SequenceDetector(
            _alert(
                "aws.secretsmanager.list_then_get",
                "Secrets listed then read",
                Severity.HIGH,
                "credential_access",
                "T1555.006",
                "An identity listed secrets and then read several of them: a harvesting pattern.",
                "Confirm the caller; rotate the secrets it read and narrow "
                "secretsmanager:GetSecretValue to the secrets it needs.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            first=_source("aws.cloudtrail", "ListSecrets"),
            then=_source("aws.cloudtrail", "GetSecretValue", outcome="success"),
            min_then=3,
            sources=_CLOUDTRAIL,
            actions=frozenset({"ListSecrets", "GetSecretValue"}),
        ),
        ThresholdDetector(
            _alert(
                "aws.secretsmanager.secret_retrieval_burst",
                "Many secrets read",
                Severity.MEDIUM,
                "credential_access",
                "T1555.006",
                "One identity read many different secrets in a short time.",
                "Confirm the caller; rotate the secrets it read.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            match=_source("aws.cloudtrail", "GetSecretValue", outcome="success"),
            threshold=10,
            distinct=_field("requestParameters.secretId"),
            sources=_CLOUDTRAIL,
            actions=frozenset({"GetSecretValue"}),
            outcomes=_SUCCESS,
        ),
        ThresholdDetector(
            _alert(
                "aws.ssm.parameter_retrieval_burst",
                "Many SSM parameters decrypted",
                Severity.MEDIUM,
                "credential_access",
                "T1555.006",
                "One identity decrypted many different SSM parameters in a short time.",
                "Confirm the caller; rotate the SecureString parameters it read.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            match=lambda e: (
                _source("aws.cloudtrail", "GetParameter", "GetParameters")(e)
                and e.get("requestParameters.withDecryption") is True
            ),
            threshold=20,
            distinct=lambda e: (
                _text(e.get("requestParameters.name")) or _text(e.get("requestParameters.names"))
            ),
            sources=_CLOUDTRAIL,
            actions=frozenset({"GetParameter", "GetParameters"}),
        ),
        ThresholdDetector(
            _alert(
                "aws.cloudtrail.access_denied_burst",
                "Burst of access denied errors",
                Severity.LOW,
                "discovery",
                "T1580",
                "One identity was denied many API calls: it may be probing its permissions.",
                "Check whether the credentials are used by their owner; rotate them if not.",
            ),
            key=_actor,
            window=10 * _MINUTE,
            match=lambda e: (
                e.outcome == "failure"  # an errorCode: checked first, most calls succeed
                and e.source == "aws.cloudtrail"
                and _text(e.get("errorCode")).startswith(("AccessDenied", "UnauthorizedOperation"))
            ),
            threshold=20,
            sources=_CLOUDTRAIL,
            outcomes=_FAILURE,
        ),
        VolumeDetector(
            _alert(
                "aws.s3.unusual_extraction_volume",
                "Unusual volume of data read from S3",
                Severity.MEDIUM,
                "collection",
                "T1530",
                "One requester read an unusual amount of object data.",
                "Confirm the requester; revoke its access and review bucket policies.",
            ),
            key=lambda e: e.actor or e.source_ip,
            window=60 * _MINUTE,
            match=_object_read,
            measure=_bytes_read,
            limit=float(10 * _GIB),
            unit="bytes",
            sources=frozenset({"aws.s3.access", "aws.cloudtrail"}),
            # object data reads only: CloudTrail's GetObject, the access log's REST.GET.OBJECT
            actions=frozenset({"GetObject", "REST.GET.OBJECT"}),
        ),
        PredicateDetector(
            _alert(
                "aws.s3.bucket_policy_public",
                "Bucket policy grants public access",
                Severity.HIGH,
                "collection",
                "T1530",
                "A bucket policy now allows anyone.",
                "Remove the public statement and turn on Block Public Access.",
            ),
            key=lambda e: _text(e.get("requestParameters.bucketName")) or e.actor,
            window=60 * _MINUTE,
            explain=_public_bucket_policy,
            sources=_CLOUDTRAIL,
            actions=frozenset({"PutBucketPolicy"}),
        ),
        PredicateDetector(
            _alert(
                "aws.s3.bucket_acl_public",
                "Bucket or object ACL grants public access",
                Severity.HIGH,
                "collection",
                "T1530",
                "An ACL now grants access to all users.",
                "Set the ACL to private and enforce bucket owner ownership (ACLs disabled).",
            ),
            key=lambda e: _text(e.get("requestParameters.bucketName")) or e.actor,
            window=60 * _MINUTE,
            explain=_public_bucket_acl,
            sources=_CLOUDTRAIL,
            actions=frozenset({"PutBucketAcl", "PutObjectAcl"}),
        ),
        PredicateDetector(
            _alert(
                "aws.ec2.security_group_open_to_world",
                "Security group opened to the internet",
                Severity.MEDIUM,
                "defense_evasion",
                "T1562.007",
                "A security group rule now admits traffic from any address.",
                "Restrict the rule to known source ranges or use Session Manager / JIT.",
            ),
            key=lambda e: _text(e.get("requestParameters.groupId")) or e.actor,
            window=60 * _MINUTE,
            explain=_world_open_ingress,
            sources=_CLOUDTRAIL,
            actions=frozenset({"AuthorizeSecurityGroupIngress"}),
        ),
    ]


def _other_clouds() -> list[Detector]:
    return [
        PredicateDetector(
            _alert(
                "gcp.audit.storage_bucket_public",
                "Cloud Storage bucket made public",
                Severity.HIGH,
                "collection",
                "T1530",
                "A bucket's IAM policy now grants access to everyone.",
                "Remove allUsers/allAuthenticatedUsers and enforce public access prevention.",
            ),
            key=lambda e: _text(e.get("protoPayload.resourceName")) or e.actor,
            window=60 * _MINUTE,
            explain=_gcs_public,
            sources=frozenset({"gcp.audit"}),
        ),
        ThresholdDetector(
            _alert(
                "azure.signin.password_spraying",
                "Entra ID password spraying",
                Severity.MEDIUM,
                "credential_access",
                "T1110.003",
                "One address failed to sign in as many different users.",
                "Block the address with a named location; require MFA for all users.",
            ),
            key=_ip,
            window=30 * _MINUTE,
            match=lambda e: e.source == "azure.signin" and e.outcome == "failure",
            threshold=10,
            distinct=_actor,
            sources=frozenset({"azure.signin"}),
            outcomes=_FAILURE,
        ),
    ]


def _kubernetes() -> list[Detector]:
    return [
        PredicateDetector(
            _alert(
                "kubernetes.audit.privileged_pod",
                "Privileged pod created",
                Severity.HIGH,
                "privilege_escalation",
                "T1611",
                "A workload runs privileged or shares the host's namespaces, so it can "
                "take over the node.",
                "Enforce the `restricted` Pod Security Standard on the namespace.",
            ),
            key=_k8s_user,
            window=60 * _MINUTE,
            explain=_privileged_pod,
            sources=_KUBERNETES,
        ),
        PredicateDetector(
            _alert(
                "kubernetes.audit.host_path_mount",
                "Pod mounts a host path",
                Severity.MEDIUM,
                "privilege_escalation",
                "T1611",
                "A workload mounts a directory of the node.",
                "Use volumes other than hostPath; enforce the `baseline` Pod Security Standard.",
            ),
            key=_k8s_user,
            window=60 * _MINUTE,
            explain=_host_path_mount,
            sources=_KUBERNETES,
        ),
        ThresholdDetector(
            _alert(
                "kubernetes.audit.secrets_read_burst",
                "Many Kubernetes secrets read",
                Severity.MEDIUM,
                "credential_access",
                "T1552.007",
                "One user read many different secrets in a short time.",
                "Confirm the user's need; rotate the secrets and narrow its RBAC.",
            ),
            key=_k8s_user,
            window=10 * _MINUTE,
            match=lambda e: (
                e.source == "kubernetes.audit"
                and _text(e.get("verb")) == "get"
                and _text(e.get("objectRef.resource")) == "secrets"
            ),
            threshold=10,
            distinct=lambda e: f"{e.get('objectRef.namespace', '')}/{e.get('objectRef.name', '')}",
            sources=_KUBERNETES,
        ),
        ThresholdDetector(
            _alert(
                "kubernetes.audit.forbidden_burst",
                "Burst of forbidden API requests",
                Severity.LOW,
                "discovery",
                "T1613",
                "One user was refused many API requests: it may be probing its permissions.",
                "Check what the user or service account tried; rotate its token if stolen.",
            ),
            key=_k8s_user,
            window=10 * _MINUTE,
            match=lambda e: (
                e.source == "kubernetes.audit" and _text(e.get("responseStatus.code")) == "403"
            ),
            threshold=20,
            sources=_KUBERNETES,
        ),
    ]


def _dns_detectors(bad: frozenset[str]) -> list[Detector]:
    detectors: list[Detector] = [
        PredicateDetector(
            _alert(
                "dns.dga_domain",
                "Query for a DGA-like domain",
                Severity.MEDIUM,
                "command_and_control",
                "T1568.002",
                "A host resolved a name that looks machine generated:",
                "Find the process that made the query; check the host for malware.",
            ),
            key=_dns_key,
            window=24 * 60 * _MINUTE,
            explain=_dns(dga_reason),
            sources=DNS_SOURCES,
        ),
        PredicateDetector(
            _alert(
                "dns.tunnelling_query",
                "DNS query carrying encoded data",
                Severity.MEDIUM,
                "command_and_control",
                "T1071.004",
                "A host queried a name holding what looks like encoded data:",
                "Block the domain at the resolver and inspect the querying host.",
            ),
            key=_dns_key,
            window=60 * _MINUTE,
            explain=_dns(tunnel_reason),
            sources=DNS_SOURCES,
        ),
        ThresholdDetector(
            _alert(
                "dns.tunnelling_volume",
                "Many unique subdomains queried under one domain",
                Severity.MEDIUM,
                "exfiltration",
                "T1048",
                "A host queried an unusual number of unique names under one domain, "
                "typical of DNS tunnelling:",
                "Block the domain at the resolver and inspect the querying host.",
            ),
            key=_dns_key,
            window=10 * _MINUTE,
            match=lambda e: e.source in DNS_SOURCES,
            threshold=100,
            distinct=lambda e: subdomain(e.domain),
            sources=DNS_SOURCES,
        ),
    ]
    if bad:
        detectors.append(
            PredicateDetector(
                _alert(
                    "dns.known_bad_domain",
                    "Query for a known-bad domain",
                    Severity.HIGH,
                    "command_and_control",
                    "T1071.004",
                    "A host resolved a domain from the bad-domain list:",
                    "Block the domain and investigate the host that resolved it.",
                ),
                key=_dns_key,
                window=60 * _MINUTE,
                explain=_dns(lambda name: known_bad_reason(name, bad)),
                sources=DNS_SOURCES,
            )
        )
    return detectors


def builtin_detectors(*, bad_domains: Iterable[str] = ()) -> list[Detector]:
    """Fresh instances of every built-in stateful detection. `bad_domains` (see
    `cloudwarden.detect.rules.dns.load_domain_list`) enables `dns.known_bad_domain`."""
    bad = frozenset(d.strip(".").lower() for d in bad_domains if d.strip("."))
    return [*_linux(), *_aws(), *_other_clouds(), *_kubernetes(), *_dns_detectors(bad)]
