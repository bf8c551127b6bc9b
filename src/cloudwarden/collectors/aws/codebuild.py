"""CodeBuild projects of one region. Environment variable values are never kept (names and
types only), and credentials embedded in a source URL are masked before they are stored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudwarden.collectors.aws._context import ScanContext
from cloudwarden.collectors.aws._shapes import iso, make_asset, tag_dict
from cloudwarden.core.model import Asset

#: scheme://user:secret@host or scheme://token@host
_USERINFO = re.compile(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@]+)@")


def has_credentials(url: str | None) -> bool:
    return bool(url and _USERINFO.match(url))


def mask_url(url: str | None) -> str | None:
    """The URL with any user-info part (user:password, token) replaced by `***`."""
    if not url:
        return url
    return _USERINFO.sub(lambda m: f"{m['scheme']}***@", url, count=1)


def normalize_project(project: Mapping[str, Any]) -> dict[str, Any]:
    """`project` is one BatchGetProjects entry."""
    source = project.get("source") or {}
    sources = [source, *(project.get("secondarySources") or [])]
    env = project.get("environment") or {}
    logs = project.get("logsConfig") or {}
    cw = logs.get("cloudWatchLogs") or {}
    s3 = logs.get("s3Logs") or {}
    artifacts = [project.get("artifacts") or {}, *(project.get("secondaryArtifacts") or [])]
    return {
        "name": project["name"],
        "arn": project["arn"],
        "SourceType": source.get("type"),
        "SourceLocation": mask_url(source.get("location")),
        "SourceUrlHasCredentials": any(has_credentials(s.get("location")) for s in sources),
        "Buildspec": source.get("buildspec") or None,
        "PrivilegedMode": bool(env.get("privilegedMode")),
        "EnvironmentType": env.get("type"),
        "Image": env.get("image"),
        "EnvironmentVariables": [{"name": v.get("name"), "type": v.get("type", "PLAINTEXT")}
                                 for v in env.get("environmentVariables") or []],
        "logsConfig": {
            # CloudWatch Logs is on unless disabled; S3 logs are off unless enabled
            "cloudWatchLogs": {"status": cw.get("status") or "ENABLED",
                               "groupName": cw.get("groupName")},
            "s3Logs": {"status": s3.get("status") or "DISABLED",
                       "location": s3.get("location"),
                       "encryptionDisabled": bool(s3.get("encryptionDisabled"))},
        },
        "ArtifactsEncryptionDisabled": any(bool(a.get("encryptionDisabled"))
                                           for a in artifacts),
        "ArtifactsType": artifacts[0].get("type"),
        "encryptionKey": project.get("encryptionKey"),
        "serviceRole": project.get("serviceRole"),
        "created": iso(project.get("created")),
        "Tags": tag_dict([{"Key": t.get("key"), "Value": t.get("value")}
                          for t in project.get("tags") or []]),
    }


def collect_region(ctx: ScanContext, region: str) -> list[Asset]:
    api = ctx.api("codebuild", region)
    names = api.pages("list_projects", "projects") or []
    assets = []
    for start in range(0, len(names), 100):  # BatchGetProjects takes at most 100 names
        got = api.call("batch_get_projects", names=names[start:start + 100])
        for project in (got or {}).get("projects") or []:
            doc = normalize_project(project)
            assets.append(make_asset(ctx.account, region, "aws.codebuild.project", doc["arn"],
                                     doc["name"], doc))
    return assets
