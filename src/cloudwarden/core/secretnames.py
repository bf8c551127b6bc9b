"""Variable names that look like they hold a secret (DB_PASSWORD, GITHUB_TOKEN), as opposed to
names that point at where one is kept (DB_SECRET_ARN). One test for the AWS collectors (which
never keep environment variable values, only these names) and the IaC adapters alike."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["secret_like"]

#: Words that mark a credential in a variable name (AWS_SECRET_ACCESS_KEY, DB_PASSWORD,
#: GITHUB_TOKEN, STRIPE_API_KEY, ECS_ENGINE_AUTH_DATA, ...).
_SECRET = re.compile(
    r"PASSW(?:OR)?D|(?:^|_)PWD(?:$|_)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY"
    r"|CREDENTIAL|AUTH_DATA|CONN(?:ECTION)?_?STRING|CLIENT_?SECRET",
    re.IGNORECASE)
#: Names that point at a secret rather than hold one (DB_SECRET_ARN, TOKEN_PARAMETER_NAME):
#: exactly what a well-built function does, so they are not flagged.
_REFERENCE = re.compile(r"_(?:ARN|NAME|PATH|PARAM|PARAMETER|REF|TTL|EXPIRY|URL|ENDPOINT|ID)$",
                        re.IGNORECASE)
_KEY_IDS = re.compile(r"ACCESS_?KEY_?ID$", re.IGNORECASE)


def secret_like(names: Iterable[str]) -> list[str]:
    """The names (in the given order) that look like they hold a secret value."""
    out = []
    for name in names:
        if not _SECRET.search(name):
            continue
        if _REFERENCE.search(name) and not _KEY_IDS.search(name):
            continue
        out.append(name)
    return out
