"""Finding secrets in text: provider tokens by pattern, private keys, credentials in URLs, and
literal values assigned to secret-like names (`tokens`, `assignments`).

Speed matters (every file of a repository is read), so the scan works on the whole text with
C-speed primitives and runs Python code only near a likely hit; line numbers are counted only
for hits, incrementally. Every regex is linear: bounded or disjoint character classes, no
nested quantifiers. Values never leave the package: a `Hit` carries offsets and a redacted
fingerprint.
"""

from __future__ import annotations

from dataclasses import replace

from cloudwarden.iac.secrets.assignments import (
    QUOTED_ONLY,
    find_assignments,
    find_name_value_pairs,
    find_variable_defaults,
)
from cloudwarden.iac.secrets.hits import Hit
from cloudwarden.iac.secrets.tokens import (
    find_connection_strings,
    find_jwts,
    find_private_keys,
    find_tokens,
)

__all__ = ["MAX_HITS", "QUOTED_ONLY", "Hit", "line_numbers", "redact_text", "scan_text"]

#: A file with more secrets than this is reported with the first ones only (a generated dump).
MAX_HITS = 1000


def scan_text(text: str, fmt: str = "text") -> list[Hit]:
    """Every secret in the text, in file order (at most `MAX_HITS`)."""
    hits: list[Hit] = []
    find_tokens(text, hits)
    find_jwts(text, hits)
    find_private_keys(text, hits)
    find_connection_strings(text, hits)
    lower = text.lower()
    find_assignments(text, lower, fmt, hits)
    if fmt in ("yaml", "json"):
        find_name_value_pairs(text, lower, fmt, hits)
    elif fmt == "terraform":
        find_variable_defaults(text, hits)
    hits.sort(key=lambda h: h.start)
    return _without_secret_attributes(text, hits[:MAX_HITS])


def _without_secret_attributes(text: str, hits: list[Hit]) -> list[Hit]:
    """A hit's attribute is the name its value is assigned to; when that "name" is itself a
    secret found in the text (`AKIA...:ghp_...`), it is dropped: the asset keeps names, never
    values."""
    values = {text[h.start:h.end] for h in hits}
    return [replace(h, attribute=None) if h.attribute in values else h for h in hits]


def line_numbers(text: str, hits: list[Hit]) -> list[int]:
    """1-based line of each hit (hits in file order), counted incrementally."""
    lines: list[int] = []
    line, last = 1, 0
    for hit in hits:
        line += text.count("\n", last, hit.start)
        last = hit.start
        lines.append(line)
    return lines


def redact_text(text: str, fmt: str = "text") -> str:
    """The text with every secret value replaced by its fingerprint."""
    hits = scan_text(text, fmt)
    if not hits:
        return text
    out: list[str] = []
    last = 0
    for hit in hits:
        if hit.start < last:
            continue
        out.append(text[last:hit.start])
        out.append(hit.fingerprint)
        last = hit.end
    out.append(text[last:])
    return "".join(out)
