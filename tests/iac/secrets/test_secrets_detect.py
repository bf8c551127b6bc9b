"""What the secrets scanner reports and what it leaves alone, format by format, and that it
stays fast on hostile input."""

from __future__ import annotations

import time

import pytest

from cloudwarden.iac.secrets import file_format, fingerprint, is_placeholder, name_class
from cloudwarden.iac.secrets.detect import MAX_HITS, line_numbers, redact_text, scan_text
from cloudwarden.iac.secrets.values import looks_random

AWS_ID = "AKIAQ4MZJ7XN2PLK5RTW"
GITHUB = "ghp_9xQ2mV7kR4tW1zY8bN3cF6hJ0dL5sA2eP4uI"


def _kinds(text: str, fmt: str = "text") -> list[tuple[str, str | None]]:
    return [(h.kind, h.attribute) for h in scan_text(text, fmt)]


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    (f'aws_access_key_id = "{AWS_ID}"', "terraform", [("aws_access_key_id", "aws_access_key_id")]),
    (f"token: {GITHUB}", "yaml", [("github_token", "token")]),
    ("GITLAB_TOKEN=glpat-Xq7vR2mK9tL4pN8wB3cZ", "env", [("gitlab_token", "GITLAB_TOKEN")]),
    ("bot: xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1", "yaml",
     [("slack_token", "bot")]),
    ('key = "sk_live_51HbQ2xKz8Vt3Lm9Np4Rs7Wd"', "toml", [("stripe_key", "key")]),
    ('"apiKey": "AIzaSyD3xK8mQ2vN7pL4tR9wB1cF6hJ0sA5eG2u"', "json", [("google_api_key", "apiKey")]),
    ("url = mysql://root:Tr0ub4dor@db:3306/app", "ini", [("connection_string", "url")]),
    ('password = "AdminPassword123!"', "terraform", [("password", "password")]),
    ("db_password: hunter2", "yaml", [("password", "db_password")]),
    ("DB_PASSWORD=hunter2", "env", [("password", "DB_PASSWORD")]),
    ("spring.datasource.password=Spr1ngP@ss", "properties",
     [("password", "spring.datasource.password")]),
    ('dbPassword: "K8s!Secret"', "yaml", [("password", "dbPassword")]),
    ("ENV ADMIN_PASSWORD s3cr3tpass", "dockerfile", [("password", "ADMIN_PASSWORD")]),
    ('client_secret = "9f2Kq7XzL4mN8pR3tV6wY1bC5dF0gH2j"', "python",
     [("generic_secret", "client_secret")]),
    ('secret_key = "q8Rt2Vx9Lm4Np7Zs1Kd6Hf3Jw0Bc5Gy8Ue2Ta7Qo"', "terraform",
     [("aws_secret_access_key", "secret_key")]),
    ('variable "admin_password" {\n  default = "Sup3rAdm1n!"\n}', "terraform",
     [("password", "admin_password")]),
])
def test_reported(text: str, fmt: str, expected: list[tuple[str, str | None]]) -> None:
    assert _kinds(text, fmt) == expected


@pytest.mark.parametrize(("text", "fmt"), [
    ("password = var.db_password", "terraform"),
    ('password = "${var.db_password}"', "terraform"),
    ("password: '{{ .Values.password }}'", "yaml"),
    ("password: <password>", "yaml"),
    ('password = ""', "terraform"),
    ("DB_PASSWORD=changeme", "env"),
    ("DB_PASSWORD=$DB_PASSWORD", "env"),
    ("password: '********'", "yaml"),
    ("password: ENC[AES256_GCM,data:abc,type:str]", "yaml"),
    ("password_length = 32", "terraform"),
    ("password_file: /run/secrets/db", "yaml"),
    ('password = os.environ["PASSWORD"]', "python"),
    ('if password == "admin":', "python"),
    ("secret: my-app-secret", "yaml"),
    ("token: short", "yaml"),
    ('aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"', "terraform"),
    ("url: postgres://app:${DB_PASSWORD}@db/app", "yaml"),
    ("x:y_password:abc", "yaml"),
    ('DATABASE_PASSWORD = "database.password"', "code"),
    ("password: spring.datasource.password", "yaml"),
    ('db_password = "PG_ADMIN_PASSWORD"', "python"),
    ("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----", "text"),
])
def test_not_reported(text: str, fmt: str) -> None:
    assert scan_text(text, fmt) == []


def test_private_key_needs_key_material() -> None:
    pem = ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5Zbb3BgL8HkbL\n"
           "-----END EC PRIVATE KEY-----\n")
    (hit,) = scan_text(pem, "pem")
    assert (hit.kind, hit.fingerprint) == ("private_key", "BEGIN EC PRIVATE KEY")
    inline = '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEF\\n"}'
    assert [h.kind for h in scan_text(inline, "json")] == ["private_key"]


def test_kubernetes_and_ecs_name_value_pairs() -> None:
    yaml_env = "env:\n  - name: DB_PASSWORD\n    value: \"s3cret!\"\n  - name: MODE\n    value: x\n"
    assert _kinds(yaml_env, "yaml") == [("password", "DB_PASSWORD")]
    ecs = '[{"name": "API_TOKEN", "value": "9f2Kq7XzL4mN8pR3tV6wY1bC5dF0gH2j"}]'
    assert _kinds(ecs, "json") == [("generic_secret", "API_TOKEN")]


def test_lines_and_fingerprints() -> None:
    text = f"a: 1\n\nkey_id: {AWS_ID}\npassword: hunter2\n"
    hits = scan_text(text, "yaml")
    assert line_numbers(text, hits) == [3, 4]
    assert [h.fingerprint for h in hits] == ["AKIA***[20]", "h***[7]"]


def test_fingerprint_shows_at_most_a_quarter_and_four_characters() -> None:
    assert fingerprint("abc") == "***[3]"
    assert fingerprint("hunter2") == "h***[7]"
    assert fingerprint("x" * 64) == "xxxx***[64]"


def test_redact_text_replaces_every_value() -> None:
    text = f"RUN mysql --password=Sup3rS3cret && git clone https://u:{GITHUB}@github.com/o/r"
    redacted = redact_text(text, "dockerfile")
    assert "Sup3rS3cret" not in redacted and GITHUB not in redacted
    assert "--password=Su***[11]" in redacted


def test_name_classes() -> None:
    assert name_class("DB_PASSWORD") == "password"
    assert name_class("dbPassword") == "password"
    assert name_class("clientSecret") == "secret"
    assert name_class("AWS_SECRET_ACCESS_KEY") == "secret"
    assert name_class("api_key") == "secret"
    for name in ("password_length", "PASSWORD_FILE", "secret_name", "token_url", "key", "kms_key"):
        assert name_class(name) is None, name


def test_placeholders() -> None:
    for value in ("", "changeme", "CHANGE_ME", "<token>", "xxxxxx", "***", "${X}", "{{ x }}",
                  "your-api-key-here", "REDACTED", "password"):
        assert is_placeholder(value), value
    assert is_placeholder("DB_PASSWORD", "DB_PASSWORD")
    assert not is_placeholder("hunter2")
    assert looks_random("9f2Kq7XzL4mN8pR3tV6wY1bC5dF0gH2j")
    assert not looks_random("my-application-secret-name")


def test_file_formats() -> None:
    from pathlib import PurePath

    cases = {"main.tf": "terraform", "prod.tfvars": "terraform", "a.yml": "yaml",
             ".env": "env", ".env.production": "env", "app.properties": "properties",
             "setup.cfg": "ini", "Dockerfile": "dockerfile", "api.Dockerfile": "dockerfile",
             "run.sh": "shell", "settings.py": "python", "id_rsa": "pem", "logo.png": None,
             "terraform.tfstate": "json", "terraform.tfstate.backup": "json"}
    assert {name: file_format(PurePath(name)) for name in cases} == cases


@pytest.mark.parametrize("text", [
    "eyJ" * 300_000, "eyJhbGciOiJIUzI1NiJ9." * 40_000, "xoxb-" * 200_000,
    "password" * 120_000, "password: " * 100_000, "a://" * 250_000,
    "-----BEGIN PRIVATE KEY-----" * 40_000, 'variable "db_password" {\n' * 40_000,
    "a" * 1_000_000 + " " + AWS_ID, "- name: DB_PASSWORD\n  value: x\n" * 30_000,
])
def test_hostile_input_is_scanned_in_linear_time(text: str) -> None:
    for fmt in ("yaml", "terraform", "env"):
        started = time.perf_counter()
        hits = scan_text(text, fmt)
        assert time.perf_counter() - started < 3.0, fmt
        assert len(hits) <= MAX_HITS
