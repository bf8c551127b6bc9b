"""Terraform reader throughput: parse, and parse + evaluate, a generated tree in-process.

The tree has `--dirs` root modules of `--files` files each (default 50 x 10 = 500 files) with
10 resources per file (5,000): S3 buckets with public access blocks and encryption, security
groups with ingress blocks (one `dynamic`), instances, EBS volumes, DB instances, IAM
policies and roles built with `jsonencode`, `count`/`for_each`, variables, locals and
functions. Target: parse + evaluate under 2 CPU-seconds.

    python benchmarks/bench_tf_eval.py
    python benchmarks/bench_tf_eval.py --dirs 10 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

_HEADER = """\
variable "env" {
  type    = string
  default = "prod"
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8", "192.168.0.0/16"]
}

variable "kms_key_arn" {
  type = string
}

locals {
  prefix = "acme-${var.env}-%(d)d"
  tags   = merge({ team = "platform" }, { env = var.env, dir = "%(d)d" })
  ports  = { https = 443, ssh = 22 }
}
"""

_RESOURCES = """\
resource "aws_s3_bucket" "data_%(i)d" {
  bucket = "${local.prefix}-data-%(i)d"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "data_%(i)d" {
  bucket                  = aws_s3_bucket.data_%(i)d.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = %(flag)s
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data_%(i)d" {
  bucket = aws_s3_bucket.data_%(i)d.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_security_group" "web_%(i)d" {
  name        = "web-%(i)d"
  description = format("web tier %%s", upper(var.env))
  dynamic "ingress" {
    for_each = local.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ingress.key == "ssh" ? var.admin_cidrs : ["0.0.0.0/0"]
    }
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web_%(i)d" {
  count                  = 2
  ami                    = "ami-0123456789abcdef0"
  instance_type          = count.index == 0 ? "t3.micro" : "t3.small"
  vpc_security_group_ids = [aws_security_group.web_%(i)d.id]
  tags                   = merge(local.tags, { Name = "web-%(i)d-${count.index}" })
  metadata_options {
    http_tokens = "%(tokens)s"
  }
}

resource "aws_ebs_volume" "data_%(i)d" {
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = %(flag)s
}

resource "aws_db_instance" "db_%(i)d" {
  identifier          = "db-%(i)d"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  storage_encrypted   = %(flag)s
  publicly_accessible = false
}

resource "aws_iam_policy" "app_%(i)d" {
  name = "app-%(i)d"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "${aws_s3_bucket.data_%(i)d.arn}/*"
    }]
  })
}

resource "aws_iam_role" "app_%(i)d" {
  for_each = toset(["a"])
  name     = "app-%(i)d-${each.key}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
"""
#: resource instances per _RESOURCES block (the instance has count = 2)
PER_BLOCK = 10


def generate(root: Path, dirs: int, files: int) -> int:
    """Write the tree; returns the number of resource instances it declares."""
    count = 0
    for d in range(dirs):
        directory = root / f"stack_{d:03d}"
        directory.mkdir(parents=True)
        for f in range(files):
            i = d * files + f
            text = _HEADER % {"d": d} if f == 0 else ""
            text += _RESOURCES % {"i": i, "flag": "true" if i % 3 else "false",
                                  "tokens": "required" if i % 2 else "optional"}
            (directory / f"res_{f:03d}.tf").write_text(text)
            count += PER_BLOCK
    return count


def measure(root: Path) -> tuple[float, float, int, int]:
    from cloudwarden.iac.terraform.loader import load_tree
    from cloudwarden.iac.terraform.parse import parse_hcl

    paths = sorted(root.rglob("*.tf"))
    start = time.process_time()
    for path in paths:
        parse_hcl(path.read_text(), str(path))
    parse_cpu = time.process_time() - start
    start = time.process_time()
    results = load_tree([root])
    total_cpu = time.process_time() - start
    resources = sum(len(m.resources) for m, _ in results)
    errors = sum(len(e) for _, e in results)
    return parse_cpu, total_cpu, resources, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dirs", type=int, default=50)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        declared = generate(root, args.dirs, args.files)
        files = args.dirs * args.files
        measure(root / "stack_000")  # import and tree-sitter warm-up on one directory
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
        parse_cpu, total_cpu, resources, errors = measure(root)
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    print(f"tree: {files} files, {declared} resource instances declared")
    print(f"parse only:       {parse_cpu:6.2f} CPU-s  {files / parse_cpu:8.0f} files/s")
    print(f"parse + evaluate: {total_cpu:6.2f} CPU-s  {files / total_cpu:8.0f} files/s  "
          f"({resources} resources, {errors} errors)")
    target = 2.0
    print(f"target < {target} CPU-s: {'met' if total_cpu < target else 'MISSED'}")
    return 0 if resources == declared and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
