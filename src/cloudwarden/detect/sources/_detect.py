"""Which log source a file holds, from its first kilobyte (after gunzip): the distinctive keys
of each JSON format and the line shapes of each text format. Order matters where formats share
keys: Entra sign-ins exported through diagnostic settings also carry `operationName` and
`resourceId`, so they are recognised before the Azure activity log."""

from __future__ import annotations

import re

__all__ = ["detect_source"]

_JSON_SIGNS: tuple[tuple[str, tuple[re.Pattern[bytes], ...]], ...] = tuple(
    (source, tuple(re.compile(p) for p in patterns))
    for source, patterns in (
        ("aws.cloudtrail", (rb'"eventVersion"\s*:', rb'"event(Source|Name|Time)"\s*:')),
        ("kubernetes.audit", (rb'"kind"\s*:\s*"Event"', rb'"auditID"\s*:')),
        ("gcp.audit", (rb'"protoPayload"\s*:',)),
        ("aws.route53.resolver", (rb'"query_name"\s*:',)),
        ("azure.signin", (rb'"userPrincipalName"\s*:', rb'"appDisplayName"\s*:')),
        ("azure.audit", (rb'"activityDisplayName"\s*:', rb'"initiatedBy"\s*:')),
        ("azure.activity", (rb'"operationName"\s*:', rb'"resourceId"\s*:')),
    )
)

_MONTH = rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_AUDITD = re.compile(rb"^(node=\S+ )?type=\w+ msg=audit\(\d+(\.\d+)?:\d+\)", re.M)
_BIND = re.compile(rb"client (@0x[0-9a-f]+ )?[0-9a-fA-F.:]+#\d+ \([^)]*\): (view \S+: )?query:")
_S3_ACCESS = re.compile(rb"^\S+ \S+ \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] \S+ ", re.M)
_VPC_HEADER = re.compile(rb"^(version|account-id|interface-id|srcaddr)( [a-z0-9-]+){3,}\s*$", re.M)
_VPC_LINE = re.compile(rb"^\d+ (\d{12}|-|unknown) (eni-[0-9a-f]+|-) \S+ \S+ ", re.M)
_SYSLOG = re.compile(
    rb"^(<\d{1,3}>1 \S+ \S+ |(<\d{1,3}>)?" + _MONTH + rb" [ \d]\d \d\d:\d\d:\d\d \S+ "
    rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d) \S+ )",
    re.M,
)
_AUTH = re.compile(rb" (sshd|sudo|su|login|systemd-logind|passwd|chpasswd)(\[\d+\])?: |pam_unix\(")


def detect_source(head: bytes) -> str | None:
    """The source name for a file starting with `head`, or `None` when nothing fits."""
    text = head.lstrip()
    if text.startswith((b"{", b"[")):
        for source, patterns in _JSON_SIGNS:
            if all(p.search(text) for p in patterns):
                return source
        return None
    if _AUDITD.search(text):
        return "linux.auditd"
    if _BIND.search(text):
        return "dns.bind"
    if _S3_ACCESS.search(text):
        return "aws.s3.access"
    if _VPC_HEADER.search(text) or _VPC_LINE.search(text):
        return "aws.vpc.flow"
    if _SYSLOG.search(text):
        return "linux.auth" if _AUTH.search(text) else "linux.syslog"
    return None
