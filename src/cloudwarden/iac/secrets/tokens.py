"""Secrets recognised by their shape: provider tokens (AWS, GitHub, GitLab, Slack, Stripe,
Google), signed JWTs, PEM private keys, and passwords in connection URLs.

Each token pattern starts with a literal (`AKIA`, `ghp_`, `xox`...): `re` searches for it with
a fast substring scan, which is the prefilter; a separate `in` test would read the text once
more. Every pattern is bounded, and the JWT scan never retries inside a run it already read.
"""

from __future__ import annotations

import re

from cloudwarden.iac.secrets.hits import Hit, attribute_before, bounded
from cloudwarden.iac.secrets.values import fingerprint, is_placeholder

__all__ = ["find_connection_strings", "find_jwts", "find_private_keys", "find_tokens"]

# Each pattern starts with a literal: `re` then searches it with a fast substring scan,
# which is the prefilter (a separate `in` test would read the text once more).
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws_access_key_id", re.compile(r"AKIA[A-Z0-9]{16}")),
    ("aws_access_key_id", re.compile(r"ASIA[A-Z0-9]{16}")),
    ("github_token", re.compile(r"gh[pousr]_[A-Za-z0-9]{36}")),
    ("github_token", re.compile(r"github_pat_[A-Za-z0-9_]{82}")),
    ("gitlab_token", re.compile(r"gl(?:pat|rt|dt)-[A-Za-z0-9_-]{20,64}")),
    ("slack_token", re.compile(r"xox[abposre]-[A-Za-z0-9-]{10,250}")),
    ("slack_webhook",
     re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,200}")),
    ("stripe_key", re.compile(r"k_live_[A-Za-z0-9]{20,200}")),
    ("google_api_key", re.compile(r"AIza[A-Za-z0-9_-]{35}")),
)
#: signed JWTs, scanned by `find_jwts` (a failed match skips the base64url run it read)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}")
_B64URL_RUN = re.compile(r"[A-Za-z0-9_-]{0,4003}")
_USERINFO = re.compile(r"([^\s:/@\"'`<>]{1,128}):([^\s/@\"'`<>]{1,256})@[A-Za-z0-9\[]")
_PEM_BODY = re.compile(r"(?:\\n|\\r|[\s\"'])*(?:[A-Za-z0-9+/=]{16}|Proc-Type:)")
_MASKS = ("example", "xxxxxxxx", "00000000", "12345678")


def find_tokens(text: str, hits: list[Hit]) -> None:
    for kind, pattern in _TOKENS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if kind == "stripe_key":  # sk_live_ / rk_live_: the pattern starts at its literal
                if start == 0 or text[start - 1] not in "rs":
                    continue
                start -= 1
            value = text[start:end]
            if not bounded(text, start, end):
                continue
            if any(mask in value.lower() for mask in _MASKS):
                continue
            hits.append(Hit(kind, start, end, attribute_before(text, start), fingerprint(value)))


def find_jwts(text: str, hits: list[Hit]) -> None:
    # A plain finditer would retry the bounded header repeat at every `eyJ` of a long run
    # (`eyJeyJeyJ...`): quadratic up to the bound. A JWT cannot start inside a run a failed
    # attempt already read to its end, so the search resumes after it: linear.
    pos = text.find("eyJ")
    while pos >= 0:
        m = _JWT.match(text, pos)
        if m is not None:
            value = m.group()
            if bounded(text, pos, m.end()):
                hits.append(Hit("jwt", pos, m.end(), attribute_before(text, pos),
                                fingerprint(value)))
            pos = text.find("eyJ", m.end())
            continue
        run = _B64URL_RUN.match(text, pos)
        pos = text.find("eyJ", max(run.end() if run else 0, pos + 3))


def find_private_keys(text: str, hits: list[Hit]) -> None:
    pos = text.find("PRIVATE KEY")
    while pos >= 0:
        begin = text.rfind("-----BEGIN", max(0, pos - 40), pos)
        after = pos + len("PRIVATE KEY")
        if text.startswith(" BLOCK", after):
            after += len(" BLOCK")
        if begin >= 0 and text.startswith("-----", after) and "\n" not in text[begin:pos]:
            end = after + 5
            if _PEM_BODY.match(text, end):
                label = text[begin + 5:after]
                hits.append(Hit("private_key", begin, end, attribute_before(text, begin),
                                label))
        pos = text.find("PRIVATE KEY", after)


def find_connection_strings(text: str, hits: list[Hit]) -> None:
    if "@" not in text:
        return
    pos = text.find("://")
    while pos >= 0:
        m = _USERINFO.match(text, pos + 3)
        if m is not None:
            scheme_start = pos
            while scheme_start > 0 and (text[scheme_start - 1].isalnum()
                                        or text[scheme_start - 1] in "+.-"):
                scheme_start -= 1
            password = m.group(2)
            if scheme_start < pos and not is_placeholder(password):
                start, end = m.span(2)
                hits.append(Hit("connection_string", start, end,
                                attribute_before(text, scheme_start), fingerprint(password)))
        pos = text.find("://", pos + 3)
