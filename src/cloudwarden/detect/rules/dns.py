"""DNS heuristics: domain-generation-algorithm names, tunnelling, user-supplied bad domains.

Pure functions over a queried name, each returning why the name is suspicious or "" when it
is not, so the detectors in `cloudwarden.detect.rules.catalog` can quote the reason.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "consonant_ratio",
    "dga_reason",
    "known_bad_reason",
    "load_domain_list",
    "registered_domain",
    "shannon_entropy",
    "subdomain",
    "tunnel_reason",
]

#: second-level labels under which registrations happen one level deeper (co.uk, com.au, ...)
_SECOND_LEVELS = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"})
_VOWELS = frozenset("aeiouy")
#: names of infrastructure that look random by design
_RANDOM_BY_DESIGN = (
    ".amazonaws.com", ".cloudfront.net", ".azureedge.net", ".googleusercontent.com",
    ".akamaiedge.net", ".in-addr.arpa", ".ip6.arpa",
)  # fmt: skip


def shannon_entropy(text: str) -> float:
    """Bits per character of `text` (0 for the empty string)."""
    if not text:
        return 0.0
    counts = Counter(text)
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def consonant_ratio(text: str) -> float:
    """Share of consonants among the letters of `text` (0 without letters)."""
    letters = [c for c in text.lower() if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if c not in _VOWELS) / len(letters)


def _labels(name: str) -> list[str]:
    return [label for label in name.strip().strip(".").lower().split(".") if label]


def registered_domain(name: str) -> str:
    """The registrable part of a name: `a.b.example.com` -> `example.com`, `x.example.co.uk` ->
    `example.co.uk` (a small built-in list of second levels, not the public suffix list)."""
    labels = _labels(name)
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVELS and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def subdomain(name: str) -> str:
    """What precedes the registered domain (`a.b` of `a.b.example.com`)."""
    labels, base = _labels(name), registered_domain(name)
    return ".".join(labels[: len(labels) - len(base.split("."))]) if base else ""


def _exempt(name: str) -> bool:
    return ("." + name.strip(".").lower()).endswith(_RANDOM_BY_DESIGN)


def dga_reason(name: str, *, min_length: int = 10, min_entropy: float = 3.2) -> str:
    """Why the registered label looks machine generated: long, high entropy, consonant heavy
    or digit-laced. "" for ordinary names."""
    if not name or _exempt(name):
        return ""
    label = registered_domain(name).split(".")[0]
    if len(label) < min_length:
        return ""
    entropy, consonants = shannon_entropy(label), consonant_ratio(label)
    digits = sum(c.isdigit() for c in label) / len(label)
    if entropy >= min_entropy and (consonants >= 0.75 or (digits >= 0.25 and consonants >= 0.6)):
        return (
            f"'{label}' has entropy {entropy:.2f} bits/char, consonant ratio {consonants:.2f} "
            f"and digit ratio {digits:.2f}."
        )
    return ""


def tunnel_reason(
    name: str, *, max_label: int = 40, max_subdomain: int = 80, min_entropy: float = 4.2
) -> str:
    """Why the query looks like data carried in DNS: a very long label or subdomain that is
    encoded data (high entropy, or digit-laced like hex and base32). "" for ordinary names."""
    if not name or _exempt(name):
        return ""
    sub = subdomain(name)
    longest = max((len(label) for label in sub.split(".")), default=0)
    packed = sub.replace(".", "")
    entropy = shannon_entropy(packed)
    digits = sum(c.isdigit() for c in packed) / len(packed) if packed else 0.0
    if not (entropy >= min_entropy or digits >= 0.15):
        return ""
    base = registered_domain(name)
    if longest >= max_label:
        return f"a {longest}-character label (entropy {entropy:.2f}) under {base}."
    if len(sub) >= max_subdomain:
        return f"a {len(sub)}-character subdomain (entropy {entropy:.2f}) under {base}."
    return ""


def known_bad_reason(name: str, bad: frozenset[str]) -> str:
    """The listed domain that `name` is or is under; "" when none."""
    labels = _labels(name)
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in bad:
            return f"{name} is listed as malicious ({candidate})."
    return ""


def load_domain_list(lines: Iterable[str] | Path) -> frozenset[str]:
    """Domains from a list: one per line, `#` comments, blank lines, and hosts-file lines
    (`0.0.0.0 evil.example`) accepted."""
    if isinstance(lines, Path):
        lines = lines.read_text(encoding="utf-8").splitlines()
    found: set[str] = set()
    for line in lines:
        text = line.split("#", 1)[0].split()
        if text:
            found.add(text[-1].strip(".").lower())
    return frozenset(found)
