"""Collection throughput: a full scan of a moto lab of about 5,000 resources.

Seeds a local moto server (loopback only) with exactly --resources resources (IAM users and
roles, S3 buckets, security groups, EBS volumes, KMS keys and log groups across two regions),
then runs the real collector and prints resources/s and API calls/s, so the collector's
concurrency can be tuned. The inventory also holds what every account has (the account, default
VPCs and their subnets, network ACLs and security groups, regional settings), so it counts a few
dozen assets more than were seeded.

    python benchmarks/bench_collect.py                 # 5,000 seeded resources, 8 workers
    python benchmarks/bench_collect.py --resources 1000 --workers 16
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from typing import Any

REGIONS = ("us-east-1", "eu-west-1")


def _shares(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal whole shares that add up to `total` exactly."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def seed(endpoint: str, total: int) -> int:
    """Create exactly `total` resources: 3 global kinds (IAM users, IAM roles, S3 buckets) and
    4 regional kinds (security groups, EBS volumes, KMS keys, log groups) in each region."""
    from cloudwarden.demo.emulator import demo_session

    kinds = 3 + 4 * len(REGIONS)
    users, roles, buckets, *regional = _shares(total, kinds)
    iam = demo_session("us-east-1").client("iam", endpoint_url=endpoint)
    s3 = demo_session("us-east-1").client("s3", endpoint_url=endpoint)
    trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
             '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
    for i in range(users):
        iam.create_user(UserName=f"user-{i}")
    for i in range(roles):
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument=trust)
    for i in range(buckets):
        s3.create_bucket(Bucket=f"bench-bucket-{i:05d}")
    made = users + roles + buckets
    for r, region in enumerate(REGIONS):
        groups, volumes, keys, log_groups = regional[4 * r:4 * r + 4]
        ec2 = demo_session(region).client("ec2", endpoint_url=endpoint)
        kms = demo_session(region).client("kms", endpoint_url=endpoint)
        logs = demo_session(region).client("logs", endpoint_url=endpoint)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        zone = f"{region}a"
        for i in range(groups):
            ec2.create_security_group(GroupName=f"sg-{i}", Description="bench", VpcId=vpc)
        for i in range(volumes):
            ec2.create_volume(AvailabilityZone=zone, Size=8, Encrypted=bool(i % 2))
        for i in range(keys):
            kms.create_key(Description=f"key {i}")
        for i in range(log_groups):
            logs.create_log_group(logGroupName=f"/bench/{i}")
        made += groups + volumes + keys + log_groups
    return made


@contextlib.contextmanager
def moto_process() -> Any:
    """moto's server in its own process on a free loopback port, so the emulator does not
    share the collector's interpreter (and GIL): what is measured is the collector."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).read(1)
                break
            except OSError:
                time.sleep(0.1)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    from cloudwarden.collectors.aws import CORE_SERVICES, AwsScanOptions, collect
    from cloudwarden.demo.emulator import demo_session

    with moto_process() as endpoint:
        t0 = time.perf_counter()
        seeded = seed(endpoint, args.resources)
        t1 = time.perf_counter()
        session = demo_session(REGIONS[0])
        calls: Counter[str] = Counter()
        lock = threading.Lock()

        def count(event_name: str, **_: Any) -> None:
            with lock:
                calls[event_name.split(".")[1]] += 1  # before-call.<service>.<operation>

        session.events.register("before-call", count)
        options = AwsScanOptions(regions=REGIONS, services=CORE_SERVICES,
                                 endpoint_url=endpoint, max_workers=args.workers)
        start = time.perf_counter()
        inventory = collect(options, session=session)
        elapsed = time.perf_counter() - start
    total_calls = sum(calls.values())
    print(f"seeded {seeded:,} resources in {t1 - t0:.1f}s")
    print(f"collected {len(inventory):,} assets with {args.workers} workers in {elapsed:.1f}s")
    print(f"resources/s: {len(inventory) / elapsed:,.0f}")
    print(f"API calls: {total_calls:,} -> {total_calls / elapsed:,.0f}/s "
          f"(top: {', '.join(f'{s} {n}' for s, n in calls.most_common(4))})")
    print(f"collection errors: {len(inventory.errors)}")
    reasons = Counter(f"{e.service} {e.operation}: {e.reason}" for e in inventory.errors)
    for reason, n in reasons.most_common(5):
        print(f"  {n} x {reason}")


if __name__ == "__main__":
    main()
