"""What the detectors of `tokens` and `assignments` report, and the helpers they share."""

from __future__ import annotations

from dataclasses import dataclass

from cloudwarden.iac.secrets.values import looks_random

__all__ = ["NAME_CHARS", "Hit", "attribute_before", "bounded"]

NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


@dataclass(frozen=True, slots=True)
class Hit:
    """One secret: where its value is (offsets into the text) and its redacted form."""

    kind: str
    start: int
    end: int
    attribute: str | None
    fingerprint: str


def bounded(text: str, start: int, end: int) -> bool:
    """The match is a whole token, not the middle of a longer word."""
    if start > 0 and text[start - 1].isalnum():
        return False
    return end >= len(text) or not text[end].isalnum()


def attribute_before(text: str, start: int) -> str | None:
    """The key a value is assigned to on its line (`aws_access_key_id = "AKIA..."`), read
    backwards from the value by hand: a regex searched over the line would be retried at
    every position."""
    low = max(0, start - 200)
    i = start
    if i > low and text[i - 1] in "\"'`":
        i -= 1
    while i > low and text[i - 1] in " \t":
        i -= 1
    if i - 2 >= low and text[i - 2:i] in ("=>", ":="):
        i -= 2
    elif i > low and text[i - 1] in "=:":
        i -= 1
    else:
        return None
    while i > low and text[i - 1] in " \t":
        i -= 1
    if i > low and text[i - 1] in "\"'":
        i -= 1
    end = i
    while i > low and text[i - 1] in NAME_CHARS:
        i -= 1
    name = text[i:end].lstrip("-.")
    if not (name[:1].isalpha() or name[:1] == "_"):
        return None
    if looks_random(name) and not any(ch in name for ch in "_.-"):
        return None  # a value before a colon (`KEYID:SECRET`), not a setting's name
    return name
