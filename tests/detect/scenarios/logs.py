"""Writers of short attack stories in the logs' real delivery formats (CloudTrail JSON lines,
Kubernetes audit JSON lines, auth.log, auditd, Route 53 Resolver query logs)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

#: recent: syslog lines carry no year, and their parser places them in the last twelve months
T0 = (datetime.now(UTC) - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
ACCOUNT = "111122223333"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def iso(seconds: float) -> str:
    return at(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def cloudtrail(seconds: float, source: str, name: str, *, user: str, ip: str,
               params: dict[str, Any] | None = None, error: str | None = None,
               **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": f"AIDA{user.upper()}",
                         "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}", "accountId": ACCOUNT,
                         "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": user},
        "eventTime": iso(seconds), "eventSource": f"{source}.amazonaws.com", "eventName": name,
        "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": "aws-cli/2.15.30",
        "requestParameters": params, "responseElements": None,
        "requestID": f"req-{seconds}", "eventID": f"evt-{name}-{seconds}", "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error:
        record["errorCode"] = error
        record["errorMessage"] = error
    record.update(extra)
    return record


def k8s_audit(seconds: float, verb: str, resource: str, *, user: str, ip: str,
              namespace: str | None = None, name: str | None = None,
              subresource: str | None = None, body: dict[str, Any] | None = None,
              code: int = 200, uri: str = "") -> dict[str, Any]:
    ref: dict[str, Any] = {"resource": resource, "apiVersion": "v1"}
    if namespace:
        ref["namespace"] = namespace
    if name:
        ref["name"] = name
    if subresource:
        ref["subresource"] = subresource
    event: dict[str, Any] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
        "auditID": f"audit-{seconds}-{verb}-{resource}", "stage": "ResponseComplete",
        "requestURI": uri or f"/api/v1/{resource}", "verb": verb,
        "user": {"username": user, "groups": ["system:authenticated"]},
        "sourceIPs": [ip], "userAgent": "kubectl/v1.30.1", "objectRef": ref,
        "responseStatus": {"metadata": {}, "code": code},
        "requestReceivedTimestamp": at(seconds).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "stageTimestamp": at(seconds + 0.05).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    if body is not None:
        event["requestObject"] = body
    return event


def auth_line(seconds: float, host: str, message: str) -> str:
    return f"{at(seconds):%b} {at(seconds).day:>2} {at(seconds):%H:%M:%S} {host} {message}"


def auditd_exec(seconds: float, serial: int, host: str, exe: str, argv: list[str], *,
                uid: int = 0, auid: int = 0, ppid: int = 1000) -> list[str]:
    stamp = f"audit({at(seconds).timestamp():.3f}:{serial})"
    args = " ".join(f'a{i}="{a}"' for i, a in enumerate(argv))
    comm = exe.rsplit("/", 1)[-1]
    return [
        f"node={host} type=SYSCALL msg={stamp}: arch=c000003e syscall=59 success=yes exit=0 "
        f"a0=55d1 a1=55d2 a2=55d3 a3=0 items=2 ppid={ppid} pid={serial} auid={auid} uid={uid} "
        f'gid=0 euid={uid} suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm="{comm}" '
        f'exe="{exe}" key="exec"',
        f"node={host} type=EXECVE msg={stamp}: argc={len(argv)} {args}",
        f'node={host} type=CWD msg={stamp}: cwd="/root"',
        f"node={host} type=EOE msg={stamp}: ",
    ]


def resolver_query(seconds: float, name: str, *, src: str, qtype: str = "A",
                   rcode: str = "NOERROR") -> dict[str, Any]:
    return {"version": "1.100000", "account_id": ACCOUNT, "region": "us-east-1",
            "vpc_id": "vpc-0a1b2c3d", "query_timestamp": iso(seconds), "query_name": name,
            "query_type": qtype, "query_class": "IN", "rcode": rcode, "answers": [],
            "srcaddr": src, "srcport": "53124", "transport": "UDP",
            "srcids": {"instance": "i-0fedcba9876543210"}}


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def write_lines(path: Path, lines: Iterable[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path
