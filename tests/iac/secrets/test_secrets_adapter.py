"""The secrets adapter end to end: files in, `secrets.file` assets out, judged by the real
`secrets.*` rules; errors for unreadable files; the secret values never in any output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.loader import RuleSpec
from cloudwarden.core.model import Status
from cloudwarden.iac import MAX_FILE_BYTES, Location
from cloudwarden.iac.secrets import SecretsAdapter
from cloudwarden.iac.secrets.detect import MAX_HITS
from cloudwarden.inventory.snapshot import Inventory
from cloudwarden.service.scan import assess, load_catalog

SECRETS = {
    "AdminPassword123!": 'resource "aws_db_instance" "db" {\n  password = "AdminPassword123!"\n}\n',
    "hunter2": "db:\n  host: db.internal\n  db_password: hunter2\n",
    "AKIAQ4MZJ7XN2PLK5RTW": "[default]\naws_access_key_id = AKIAQ4MZJ7XN2PLK5RTW\n",
}


@pytest.fixture(scope="module")
def secret_rules() -> list[RuleSpec]:
    return [s for s in load_catalog() if s.id.startswith("secrets.")]


def test_claims() -> None:
    adapter = SecretsAdapter()
    for name in ("main.tf", "values.yaml", ".env", "Dockerfile", "deploy.sh", "id_rsa"):
        assert adapter.claims(Path(name), b""), name
    for name in ("logo.png", "archive.tar.gz", "README"):
        assert not adapter.claims(Path(name), b""), name


def test_files_become_assets_judged_by_the_catalog(tmp_path: Path,
                                                  secret_rules: list[RuleSpec]) -> None:
    paths = []
    for name, text in zip(("main.tf", "config.yaml", "credentials"), SECRETS.values(),
                          strict=True):
        path = tmp_path / name
        path.write_text(text)
        paths.append(path)
    clean = tmp_path / "clean.env"
    clean.write_text("MODE=prod\nDB_PASSWORD=${DB_PASSWORD}\n")
    load = SecretsAdapter().load([*paths, clean])
    assert load.errors == [] and len(load.assets) == 4
    by_name = {Path(a.ref.id).name: a for a in load.assets}
    tf = by_name["main.tf"]
    assert tf.ref.type == "secrets.file" and tf.ref.account == "iac"
    assert tf.origin == Location(paths[0].as_posix(), 1, 3).origin
    assert tf.properties["Secrets"] == [{
        "Kind": "password", "Line": 2, "Attribute": "password", "Fingerprint": "Admi***[17]",
        "Location": f"{paths[0].as_posix()}:2"}]
    declared = default_registry()["secrets.file"].fields
    assert all(key in declared for key in tf.properties)

    findings = assess(Inventory(load.assets), secret_rules)
    failed = {(f.rule_id, Path(f.asset.id).name) for f in findings if f.status is Status.FAIL}
    assert failed == {("secrets.generic.password_literal", "main.tf"),
                      ("secrets.generic.password_literal", "config.yaml"),
                      ("secrets.aws.access_key_id", "credentials")}
    password = next(f for f in findings if f.status is Status.FAIL
                    and Path(f.asset.id).name == "config.yaml")
    assert {e.path: e.value for e in password.evidence}["Secrets[0].Location"].endswith(
        "config.yaml:3")

    output = json.dumps([f.to_dict() for f in findings]) + json.dumps(
        [a.to_dict() for a in load.assets])
    for secret in SECRETS:
        assert secret not in output


def test_unreadable_files_are_errors_and_the_scan_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "ok.yaml"
    good.write_text("a: 1\n")
    binary = tmp_path / "blob.json"
    binary.write_bytes(b'{"a": 1}\0\0')
    latin = tmp_path / "latin.properties"
    latin.write_bytes(b"a=1\nname=caf\xe9\n")
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as fh:  # sparse: the size is refused before anything is read
        fh.truncate(MAX_FILE_BYTES + 1)
    load = SecretsAdapter().load([good, binary, latin, huge])
    assert [Path(a.ref.id).name for a in load.assets] == ["ok.yaml"]
    errors = {Path(e.path).name: e for e in load.errors}
    assert "binary" in errors["blob.json"].message
    assert "not UTF-8" in errors["latin.properties"].message
    assert errors["latin.properties"].line == 2
    assert "byte limit" in errors["huge.yaml"].message
    assert all(e.to_finding().status is Status.ERROR for e in load.errors)
    assert len(load.files) == 4


def test_a_generated_dump_is_capped(tmp_path: Path) -> None:
    dump = tmp_path / "dump.env"
    dump.write_text("".join(f"USER{i}_PASSWORD=pw{i:06d}x\n" for i in range(MAX_HITS + 50)))
    (asset,) = SecretsAdapter().load([dump]).assets
    assert len(asset.properties["Secrets"]) == MAX_HITS
    assert asset.properties["Lines"] == MAX_HITS + 50


def test_utf16_files_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    script = tmp_path / "deploy.ps1"
    script.write_bytes('$Password = "W1nd0ws!Pass"\r\n'.encode("utf-16"))
    (asset,) = SecretsAdapter().load([script]).assets
    assert [(s["Kind"], s["Line"]) for s in asset.properties["Secrets"]] == [("password", 1)]
