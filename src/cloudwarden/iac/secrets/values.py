"""What counts as a secret value, what is only a stand-in for one, and how to show it redacted.

Decisions, for the record:

- A value that *refers* to a secret held elsewhere is not a secret: `${var.db_password}`,
  `$DB_PASSWORD`, `{{ .Values.password }}`, `%(password)s`, `ENC[AES256_GCM,...]` (SOPS),
  `!vault`, `<password>`, `%PASSWORD%`, and in languages where a bare word is code (Terraform,
  Python, JSON...) any unquoted value (`var.x`, `os.environ["X"]`).
- A *placeholder* is not a secret: empty strings, masks (`***`, `xxxx`), and the words people
  write when they mean "put the real one here": `changeme`, `changeit`, `password`, `secret`,
  `example`, `your-token-here`, `<token>`... Such a literal may be a weak default, but it is
  not a leaked credential, which is what this scanner reports. Values containing `EXAMPLE`
  (AWS's documentation keys) are placeholders too.
- Everything else assigned to a password-like name is reported, however short (`hunter2`).
  Values assigned to other secret-like names (`token`, `api_key`, `client_secret`) are
  reported only when they look random: 16+ characters, letters and digits, Shannon entropy of
  at least 3.5 bits per character; otherwise `secret: my-app-secret` would be noise.

The redacted fingerprint shows at most a quarter of the value and never more than 4
characters, plus the length: `AKIA***[20]`, `h***[7]`.
"""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = [
    "fingerprint",
    "is_placeholder",
    "is_reference",
    "looks_random",
    "name_class",
    "shannon_entropy",
]

_REFERENCE_MARKS = ("${", "$(", "{{", "}}", "%(", "#{", "@{", "<%", "ENC[", "!vault", "!secret",
                    "!Ref", "!Sub", "!GetAtt", "vault:", "arn:aws:secretsmanager:",
                    "arn:aws:ssm:", "{{resolve:")
_BARE_REFERENCE = re.compile(r"\$[A-Za-z_{(0-9]|%[A-Za-z_]+%$")
_WORDS = frozenset({
    "changeme", "changeit", "password", "passwd", "pass", "pwd", "secret", "token", "apikey",
    "none", "null", "nil", "undefined", "true", "false", "yes", "no", "on", "off", "todo",
    "tbd", "fixme", "redacted", "placeholder", "example", "sample", "dummy", "fake", "test",
    "string", "str", "required", "optional", "default", "empty", "hidden", "masked", "notset",
    "unset", "value", "mypassword", "mysecret", "secretvalue", "passwordhere", "tokenhere",
})
_PREFIXES = ("your", "insert", "enter", "replace", "change", "xxx")
_MASK_CHARS = frozenset("*x.-_#• ")
_SPLIT_WORDS = re.compile(r"[._\-\s]+|(?<=[a-z0-9])(?=[A-Z])")

_PASSWORD_WORDS = ("password", "passwd", "passphrase")
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "auth", "client", "app",
                             "encryption", "signing", "master", "account", "service", "license",
                             "subscription", "consumer", "session", "shared"})


def is_reference(value: str) -> bool:
    """A value that points at a secret kept elsewhere (variable, template, vault, SOPS)."""
    if any(mark in value for mark in _REFERENCE_MARKS):
        return True
    return bool(_BARE_REFERENCE.match(value))


def is_placeholder(value: str, name: str | None = None) -> bool:
    """Empty, a reference, a mask or a stand-in word: nothing to report (see module doc)."""
    text = value.strip()
    if not text or is_reference(text):
        return True
    if text.startswith("<") and text.endswith(">"):
        return True
    if set(text.lower()) <= _MASK_CHARS:
        return True
    norm = "".join(ch for ch in text.lower() if ch.isalnum())
    if not norm or norm in _WORDS or norm.startswith(_PREFIXES):
        return True
    if "example" in norm or "placeholder" in norm or "redacted" in norm:
        return True
    return name is not None and norm == "".join(ch for ch in name.lower() if ch.isalnum())


def name_words(name: str) -> list[str]:
    """`dbPassword` -> [db, password]; `AWS_SECRET_ACCESS_KEY` -> [aws, secret, access, key]."""
    return [w.lower() for w in _SPLIT_WORDS.split(name.strip("-_.\"'")) if w]


def name_class(name: str) -> str | None:
    """`password` for a password-like name, `secret` for another secret-like one, else None.

    The name must *end* with the sensitive word: `db_password` is one, `password_length`,
    `password_file`, `secret_name` and `token_url` are not."""
    words = name_words(name)
    if not words:
        return None
    last = words[-1]
    if last.endswith(_PASSWORD_WORDS) or last in ("pwd", "pass"):
        return "password"
    if last.endswith(("secret", "token", "credential", "credentials", "apikey", "secretkey",
                      "accesskey", "privatekey")) or last == "auth":
        return "secret"
    if last == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS:
        return "secret"
    return None


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def looks_random(value: str) -> bool:
    """A token-like value: no spaces, 16+ characters with letters and digits, entropy >= 3.5."""
    if len(value) < 16 or any(ch.isspace() for ch in value):
        return False
    if not any(ch.isdigit() for ch in value) or not any(ch.isalpha() for ch in value):
        return False
    return shannon_entropy(value) >= 3.5


def fingerprint(value: str) -> str:
    """The redacted form of a secret: never more than a quarter of it, at most 4 characters."""
    shown = value[: min(4, len(value) // 4)]
    return f"{shown}***[{len(value)}]"
