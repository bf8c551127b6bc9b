"""Secrets scanning throughput: MB/s over a generated tree of configuration files.

Writes a tree of Terraform, YAML (Kubernetes manifests), JSON, .env, .properties and Python
files (about 50 MB by default, one file in ten holding a synthetic secret), then runs the real
`SecretsAdapter.load` over every file (read, decode, scan, build the assets) and prints MB/s.

    python benchmarks/bench_secrets.py               # ~50 MB
    python benchmarks/bench_secrets.py --mb 200 --keep /tmp/tree
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _rand(rng: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _secret_line(rng: random.Random, fmt: str) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        key, value = "aws_access_key_id", "AKIA" + _rand(rng, 16, _BASE32)
    elif choice == 1:
        key, value = "db_password", "Pw" + _rand(rng, 10)
    elif choice == 2:
        key, value = "github_token", "ghp_" + _rand(rng, 36)
    else:
        key, value = "client_secret", _rand(rng, 32)
    if fmt == "yaml":
        return f"{key}: {value}\n"
    if fmt == "json":
        return f'  "{key}": "{value}",\n'
    if fmt in ("env", "properties"):
        return f"{key.upper()}={value}\n"
    return f'{key} = "{value}"\n'


def _terraform(rng: random.Random, i: int) -> str:
    return (f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "bench-{i}-{_rand(rng, 8).lower()}"\n'
            f'  tags = {{\n    Name = "bucket {i}"\n    Team = "platform"\n  }}\n}}\n\n'
            f'resource "aws_db_instance" "db{i}" {{\n  engine = "postgres"\n'
            f'  password = var.db_password\n  username = "app"\n'
            f'  kms_key_id = aws_kms_key.k{i}.arn\n}}\n\n')


def _yaml(rng: random.Random, i: int) -> str:
    return (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n"
            f"  labels: {{app: web, tier: backend}}\nspec:\n  replicas: 3\n  template:\n"
            f"    spec:\n      containers:\n        - name: web\n"
            f"          image: registry.example.com/web:{rng.randrange(100)}.{i % 10}\n"
            f"          env:\n            - name: LOG_LEVEL\n              value: info\n"
            f"            - name: DB_PASSWORD\n              valueFrom:\n"
            f"                secretKeyRef: {{name: db, key: password}}\n"
            f"          ports: [{{containerPort: 8080}}]\n")


def _json(rng: random.Random, i: int) -> str:
    return (f'  "node_modules/pkg-{i}": {{\n    "version": "1.{i % 50}.0",\n'
            f'    "resolved": "https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.0.0.tgz",\n'
            f'    "integrity": "sha512-{_rand(rng, 86)}==",\n    "dev": true\n  }},\n')


def _env(rng: random.Random, i: int) -> str:
    return (f"APP_NAME=service-{i}\nLOG_LEVEL=info\nDB_HOST=db-{i}.internal\n"
            f"DB_PASSWORD=${{DB_PASSWORD}}\nFEATURE_FLAG_{i}=true\n")


def _properties(rng: random.Random, i: int) -> str:
    return (f"server.port=80{i % 100:02d}\nspring.datasource.url=jdbc:postgresql://db/app{i}\n"
            f"spring.datasource.username=app\nspring.datasource.password=${{DB_PASSWORD}}\n"
            f"logging.level.root=INFO\n")


def _python(rng: random.Random, i: int) -> str:
    return (f"def handler_{i}(event, context):\n    token = os.environ['API_TOKEN']\n"
            f"    key = event.get('key', '{_rand(rng, 6)}')\n"
            f"    return {{'status': 200, 'body': json.dumps({{'id': {i}}})}}\n\n")


_KINDS: dict[str, tuple[str, Callable[[random.Random, int], str]]] = {
    "tf": ("terraform", _terraform), "yaml": ("yaml", _yaml), "json": ("json", _json),
    "env": ("env", _env), "properties": ("properties", _properties), "py": ("python", _python),
}


def generate(root: Path, total_mb: float, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    target = int(total_mb * 1024 * 1024)
    written, paths, n = 0, [], 0
    while written < target:
        ext = rng.choice(list(_KINDS))
        fmt, block = _KINDS[ext]
        size = rng.randrange(4_000, 120_000)
        parts: list[str] = ["{\n"] if ext == "json" else []
        length, i = 0, 0
        while length < size:
            part = block(rng, i)
            if rng.random() < 0.002:
                part += _secret_line(rng, fmt)
            parts.append(part)
            length += len(part)
            i += 1
        if ext == "json":
            parts.append('  "end": true\n}\n')
        path = root / f"svc{n // 50:03d}" / (f"file{n}.{ext}" if ext != "env" else f"{n}.env")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(parts)
        path.write_text(text, encoding="utf-8")
        written += len(text.encode())
        paths.append(path)
        n += 1
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the tree (MB)")
    parser.add_argument("--keep", type=Path, help="write the tree here and keep it")
    args = parser.parse_args()

    from cloudwarden.iac.secrets import SecretsAdapter

    root = args.keep or Path(tempfile.mkdtemp(prefix="cw-bench-secrets-"))
    try:
        paths = generate(root, args.mb)
        size = sum(p.stat().st_size for p in paths)
        adapter = SecretsAdapter()
        assert all(adapter.claims(p, b"") for p in paths)
        started, cpu_started = time.perf_counter(), time.process_time()
        load = adapter.load(paths)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        found = sum(len(a.properties["Secrets"]) for a in load.assets)
        # CPU time too: on a shared machine the wall clock also counts other processes' turns
        print(f"{len(paths)} files, {size / 1e6:.1f} MB, {found} secrets, "
              f"{len(load.errors)} errors in {elapsed:.2f} s: {size / 1e6 / elapsed:.1f} MB/s "
              f"({size / 1e6 / cpu:.1f} MB/s of CPU time)")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
