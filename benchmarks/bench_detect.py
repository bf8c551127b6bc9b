"""Detection throughput: CloudTrail and Linux process events through every built-in detection
plus generated Sigma rules, JSON/audit parsing included.

Generates N CloudTrail records (JSON lines) and N auditd process executions (SYSCALL + EXECVE
records) into a temporary directory, then runs the same pipeline as `cloudwarden detect`
(parse -> Sigma engine -> stateful and anomaly detections -> aggregation) and prints events/s
per core, the same figure as a fraction of orjson's parse-only speed on the CloudTrail data,
and peak memory, which stays flat in the number of events.

    python benchmarks/bench_detect.py                   # 1,000,000 of each, 300 extra rules
    python benchmarks/bench_detect.py --events 200000
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

ACTIONS = ["DescribeInstances", "GetObject", "PutObject", "ListBuckets", "AssumeRole",
           "GetCallerIdentity", "DescribeSecurityGroups", "CreateTags", "ConsoleLogin",
           "GetSecretValue", "StopLogging", "AuthorizeSecurityGroupIngress", "CreateAccessKey"]
SOURCES = {"DescribeInstances": "ec2", "GetObject": "s3", "PutObject": "s3", "ListBuckets": "s3",
           "AssumeRole": "sts", "GetCallerIdentity": "sts", "DescribeSecurityGroups": "ec2",
           "CreateTags": "ec2", "ConsoleLogin": "signin", "GetSecretValue": "secretsmanager",
           "StopLogging": "cloudtrail", "AuthorizeSecurityGroupIngress": "ec2",
           "CreateAccessKey": "iam"}
PROGRAMS = ["/usr/bin/ls", "/usr/bin/cat", "/usr/bin/curl", "/usr/bin/python3", "/usr/bin/bash",
            "/usr/sbin/sshd", "/usr/bin/grep", "/usr/bin/systemctl", "/usr/bin/tar"]


def write_cloudtrail(path: Path, n: int, rng: random.Random) -> None:
    import orjson

    with path.open("wb") as fh:
        for i in range(n):
            name = rng.choice(ACTIONS)
            user = f"user{rng.randrange(500)}"
            record = {
                "eventVersion": "1.08",
                "userIdentity": {"type": "IAMUser", "userName": user,
                                 "arn": f"arn:aws:iam::123456789012:user/{user}",
                                 "accountId": "123456789012"},
                "eventTime": f"2026-11-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:"
                             f"{i % 60:02d}Z",
                "eventSource": f"{SOURCES[name]}.amazonaws.com", "eventName": name,
                "awsRegion": "us-east-1",
                "sourceIPAddress": f"198.51.{rng.randrange(100)}.{rng.randrange(250)}",
                "userAgent": "aws-cli/2.15.0", "requestParameters": {"name": f"r{i % 97}"},
                "responseElements": None, "eventID": f"e{i}", "readOnly": name.startswith(
                    ("Describe", "Get", "List")), "eventType": "AwsApiCall",
                "recipientAccountId": "123456789012",
            }
            fh.write(orjson.dumps(record) + b"\n")


def write_auditd(path: Path, n: int, rng: random.Random) -> None:
    with path.open("w") as fh:
        base = 1761955200
        for i in range(n):
            exe = rng.choice(PROGRAMS)
            comm = exe.rsplit("/", 1)[1]
            stamp = f"{base + i // 50}.{i % 1000:03d}:{i}"
            fh.write(f"type=SYSCALL msg=audit({stamp}): arch=c000003e syscall=59 success=yes "
                     f"exit=0 ppid={rng.randrange(1, 9999)} pid={rng.randrange(1, 99999)} "
                     f"auid=1000 uid={rng.choice((0, 1000))} comm=\"{comm}\" exe=\"{exe}\" "
                     f"key=\"exec\"\n")
            fh.write(f"type=EXECVE msg=audit({stamp}): argc=2 a0=\"{comm}\" "
                     f"a1=\"--opt{i % 13}\"\n")


def extra_rules(directory: Path, count: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        if i % 2:
            body = ("logsource: {product: aws, service: cloudtrail}\n"
                    f"detection:\n  sel:\n    eventName: Gen{i}Action\n"
                    f"    requestParameters.name|contains: secret{i}\n  condition: sel\n")
        else:
            body = ("logsource: {product: linux, category: process_creation}\n"
                    f"detection:\n  sel:\n    Image|endswith: /gen{i}\n"
                    f"    CommandLine|contains: --payload{i}\n  condition: sel\n")
        (directory / f"gen_{i}.yml").write_text(
            f"title: Generated rule {i}\nid: 00000000-0000-4000-8000-{i:012d}\nstatus: test\n"
            f"{body}level: low\n")


def run(paths: list[Path], state: Path, rules: Path) -> tuple[int, float]:
    # throughput, not start-up: the detection modules (pySigma among them) are imported
    # before the clock starts, so the first run does not pay for what the second gets free
    import cloudwarden.detect.anomaly
    import cloudwarden.detect.fusion
    import cloudwarden.detect.rules.catalog
    import cloudwarden.detect.sigma  # noqa: F401
    from cloudwarden.service.detect import run_detection

    cpu0 = time.process_time()
    outcome = run_detection(paths, sigma_dirs=[rules], state_dir=state)
    return outcome.events, time.process_time() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rules", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        trail, audit = root / "cloudtrail.jsonl", root / "audit.log"
        write_cloudtrail(trail, args.events, rng)
        write_auditd(audit, args.events, rng)
        extra_rules(root / "rules", args.rules)

        import orjson

        cpu0 = time.process_time()
        with trail.open("rb") as fh:
            for line in fh:
                orjson.loads(line)
        parse_only = args.events / (time.process_time() - cpu0)

        ct_events, ct_cpu = run([trail], root / "state-ct", root / "rules")
        lx_events, lx_cpu = run([audit], root / "state-lx", root / "rules")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ct_rate, lx_rate = ct_events / ct_cpu, lx_events / lx_cpu
    print(f"rules: built-in + {args.rules} generated Sigma rules")
    print(f"CloudTrail: {ct_events:,} events in {ct_cpu:.1f} s CPU -> {ct_rate:,.0f} events/s "
          f"({ct_rate / parse_only:.2f} of orjson parse-only at {parse_only:,.0f}/s)")
    print(f"Linux process (auditd): {lx_events:,} events in {lx_cpu:.1f} s CPU -> "
          f"{lx_rate:,.0f} events/s")
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
