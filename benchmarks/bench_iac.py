"""IaC scan throughput: a generated Terraform tree scanned end to end through `run_iac_scan`.

The tree has `--files` files of `--per-file` resources each (default 500 x 10 = 5,000): S3
buckets with their public access blocks and encryption configurations, security groups with
ingress blocks, instances, EBS volumes, DB instances, IAM policies and roles built with
`jsonencode`, plus
variables and locals they read. The scan runs in a child process, so that its CPU time and
peak RSS are its own. Also measured: the cold start of `cloudwarden scan iac` on an empty
directory (best of three). Targets: < 5 CPU-s, < 300 MB, cold start < 0.5 s.

    python benchmarks/bench_iac.py
    python benchmarks/bench_iac.py --files 50 --frameworks terraform
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_BLOCK = """\
resource "aws_s3_bucket" "data_{i}" {{
  bucket = "${{local.prefix}}-data-{i}"
  tags   = local.tags
}}

resource "aws_s3_bucket_public_access_block" "data_{i}" {{
  bucket                  = aws_s3_bucket.data_{i}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = {flag}
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "data_{i}" {{
  bucket = aws_s3_bucket.data_{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms"
    }}
  }}
}}

resource "aws_s3_bucket_versioning" "data_{i}" {{
  bucket = aws_s3_bucket.data_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_security_group" "web_{i}" {{
  name   = "web-{i}"
  vpc_id = var.vpc_id
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
  ingress {{
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }}
}}

resource "aws_instance" "web_{i}" {{
  ami                    = "ami-0123456789abcdef0"
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.web_{i}.id]
  metadata_options {{
    http_tokens = "{tokens}"
  }}
}}

resource "aws_ebs_volume" "data_{i}" {{
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = {flag}
}}

resource "aws_db_instance" "db_{i}" {{
  identifier          = "db-{i}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  storage_encrypted   = {flag}
  publicly_accessible = false
}}

resource "aws_iam_policy" "app_{i}" {{
  name = "app-{i}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "${{aws_s3_bucket.data_{i}.arn}}/*"
    }}]
  }})
}}

resource "aws_iam_role" "app_{i}" {{
  name = "app-{i}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
}}
"""
_PER_BLOCK = 10
_HEADER = """\
variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

variable "admin_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

locals {
  prefix = "acme-%(n)d"
  tags   = { team = "platform", file = "%(n)d" }
}
"""


def generate(root: Path, files: int, per_file: int) -> int:
    """Write the tree; returns the number of resources."""
    blocks = max(1, round(per_file / _PER_BLOCK))
    resources = 0
    for n in range(files):
        directory = root / f"stack{n // 50:02d}"
        directory.mkdir(parents=True, exist_ok=True)
        parts = [_HEADER % {"n": n}] if n % 50 == 0 else []
        for b in range(blocks):
            i = n * blocks + b
            parts.append(_BLOCK.format(i=i, flag="true" if i % 3 else "false",
                                       tokens="required" if i % 2 else "optional"))
            resources += _PER_BLOCK
        (directory / f"file{n:03d}.tf").write_text("\n".join(parts), encoding="utf-8")
    return resources


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cloudwarden.service.iac import run_iac_scan

frameworks = sys.argv[2].split(",") if sys.argv[2] else None
t0 = time.perf_counter()
outcome = run_iac_scan([Path(sys.argv[1])], frameworks=frameworks)
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss,
    "files": outcome.files, "assets": len(outcome.inventory), "findings": len(outcome.findings),
    "counts": outcome.counts(), "errors": len(outcome.errors),
    "timings": {k: round(v, 3) for k, v in outcome.timings.items()},
    "first_error": outcome.errors[0].message if outcome.errors else None,
}))
"""


def scan(root: Path, frameworks: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(root), frameworks],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"scan failed:\n{proc.stderr}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def cold_start(empty: Path) -> tuple[float, float]:
    """Best wall and CPU seconds of three `cloudwarden scan iac EMPTY` runs."""
    exe = shutil.which("cloudwarden") or str(Path(sys.executable).parent / "cloudwarden")
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([exe, "scan", "iac", str(empty)], capture_output=True, check=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--per-file", type=int, default=10)
    parser.add_argument("--frameworks", default="",
                        help="comma-separated frameworks (default: all registered)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cw-bench-iac-") as tmp:
        root = Path(tmp) / "tree"
        empty = Path(tmp) / "empty"
        empty.mkdir()
        resources = generate(root, args.files, args.per_file)
        print(f"generated {args.files} files, {resources} Terraform resources")
        result = scan(root, args.frameworks)
        wall_start, cpu_start = cold_start(empty)
    wall = float(str(result["wall"]))
    cpu = float(str(result["cpu"]))
    rss_mb = int(str(result["rss_kb"])) / 1024
    print(f"frameworks: {result['files'] or 'none read the files'}")
    print(f"assets {result['assets']}, findings {result['findings']} {result['counts']}, "
          f"file errors {result['errors']}"
          + (f" (first: {result['first_error']})" if result["first_error"] else ""))
    print(f"stages (s): {result['timings']}")
    print(f"scan: {wall:.2f} s wall, {cpu:.2f} CPU-s (target < 5), "
          f"{args.files / wall:,.0f} files/s, peak RSS {rss_mb:.0f} MB (target < 300)")
    print(f"cold start `cloudwarden scan iac EMPTY`: {wall_start:.3f} s wall, "
          f"{cpu_start:.3f} CPU-s (target < 0.5 s); cpus={os.cpu_count()}")


if __name__ == "__main__":
    main()
