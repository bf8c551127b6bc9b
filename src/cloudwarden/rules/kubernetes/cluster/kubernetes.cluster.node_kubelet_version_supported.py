"""Kubelet versions read like v1.31.2, v1.29.4-eks-036c24b, v1.30.5-gke.1014001 or
v1.28.3+k3s1: the numeric major.minor.patch prefix is compared with `minimum_version`
(major.minor, or major.minor.patch)."""

from __future__ import annotations

import functools
import re

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


def _parse(text: object) -> tuple[int, ...] | None:
    found = _VERSION.match(str(text).strip()) if text else None
    if found is None:
        return None
    return tuple(int(p) for p in found.groups() if p is not None)


#: a version text's parse, remembered: the nodes of a cluster run a few versions
_parse_text = functools.lru_cache(maxsize=1024)(_parse)


def _minimum(ctx: CheckContext) -> tuple[str, tuple[int, ...] | None]:
    """The minimum version as written and parsed, read on the first call only."""
    found: tuple[str, tuple[int, ...] | None] | None = ctx.scratch.get("minimum")
    if found is None:
        text = str(ctx.params.get("minimum_version", ""))
        found = ctx.scratch["minimum"] = (text, _parse(text))
    return found


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    minimum_text, minimum = _minimum(ctx)
    if minimum is None:
        raise ValueError(f"minimum_version {minimum_text!r} is not a version like 1.35")
    raw = asset.properties.get("KubeletVersion")
    version = _parse_text(raw) if type(raw) is str else _parse(raw)
    node = asset.properties.get("Name") or asset.name
    expected = f">= {minimum_text}"
    if version is None:
        return CheckResult.not_applicable(f"node {node} reports no readable kubelet version",
                                          Evidence("KubeletVersion", raw, expected))
    if version[:len(minimum)] < minimum:
        return CheckResult.failed(f"node {node} runs kubelet {raw}, older than {minimum_text}",
                                  Evidence("KubeletVersion", raw, expected))
    return CheckResult.passed(f"node {node} runs kubelet {raw}",
                              Evidence("KubeletVersion", raw, expected))
