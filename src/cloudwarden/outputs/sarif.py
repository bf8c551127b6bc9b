"""SARIF 2.1.0, the format of GitHub code scanning (and most code-review tools).

Validated against the OASIS SARIF 2.1.0 schema in the tests. What GitHub reads is filled in:
per rule `shortDescription`, `fullDescription`, `help` (text and markdown, with the
remediation), `properties.security-severity` (a number in a string: GitHub files 9.0+ as
critical, 7.0-8.9 high, 4.0-6.9 medium, below that low) and `properties.tags`; per result a
`level`, a file and line range relative to `%SRCROOT%`, and `partialFingerprints` that stay the
same from run to run (the rule and the resource, never the line, which moves with every edit).

Only what needs attention is a result: failures, errors, and exempt findings, these with a
`suppressions` entry (`inSource` for an inline `cloudwarden:ignore`, `external` for a stored
exemption) so that the reviewer sees the justification. Errors (a file that cannot be parsed, a
rule or collector that failed) are also tool execution notifications. Live findings, whose
origin is `aws:api`, have a logical location (the resource) instead of a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from cloudwarden.core.model import Asset, Finding, Severity, Status
from cloudwarden.core.rule import RuleMeta
from cloudwarden.iac import PARSE_ERROR_RULE, Location
from cloudwarden.outputs._common import asset_of, by_identity, display_name, tool_version
from cloudwarden.outputs.report import Report

__all__ = [
    "INFORMATION_URI",
    "LEVELS",
    "SARIF_SCHEMA",
    "SECURITY_SEVERITY",
    "render_sarif",
    "sarif_document",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")
INFORMATION_URI = "https://github.com/cloudwarden/cloudwarden"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "cloudwardenFinding/v1"

#: GitHub's security-severity bands: critical 9.0+, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFORMATIONAL: "0.0",
}
LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFORMATIONAL: "note",
}
_EMITTED = (Status.FAIL, Status.ERROR, Status.EXEMPT)
#: `exempt (CATEGORY: REASON): MESSAGE`, the message every exemption writes
_EXEMPT = re.compile(r"^exempt \(([\w-]+): (.*?)\): (.*)$", re.DOTALL)
_BUILTIN_DESCRIPTIONS = {
    PARSE_ERROR_RULE: "An infrastructure-as-code file could not be parsed",
}


def _rule_name(rule_id: str) -> str:
    """`BucketVersioningEnabled` for `aws.s3.bucket_versioning_enabled`."""
    last = rule_id.rsplit(".", 1)[-1]
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-]+", last) if part)


def _help(rule: RuleMeta) -> tuple[str, str]:
    """The rule's help as plain text and as GitHub markdown."""
    r = rule.remediation
    text = [rule.description, f"Risk: {rule.risk}", f"Remediation: {r.text}"]
    md = [rule.description, f"**Risk.** {rule.risk}", f"**Remediation.** {r.text}"]
    if r.cli:
        text.append(f"CLI: {r.cli}")
        md.append(f"CLI:\n\n```sh\n{r.cli.strip()}\n```")
    if r.terraform:
        text.append(f"Terraform:\n{r.terraform}")
        md.append(f"Terraform:\n\n```hcl\n{r.terraform.strip()}\n```")
    if r.console:
        text.append(f"Console: {r.console}")
        md.append(f"Console: {r.console}")
    if rule.references:
        text.append("References: " + " ".join(rule.references))
        md.append("References:\n\n" + "\n".join(f"- <{u}>" for u in rule.references
                                                if u.startswith(("https://", "http://"))))
    return "\n\n".join(t.strip() for t in text), "\n\n".join(m.strip() for m in md)


def _descriptor(rule_id: str, rule: RuleMeta | None) -> dict[str, Any]:
    if rule is None:
        short = _BUILTIN_DESCRIPTIONS.get(rule_id, f"Result of {rule_id}")
        return {"id": rule_id, "name": _rule_name(rule_id),
                "shortDescription": {"text": short}}
    text, markdown = _help(rule)
    tags = ["security", rule.provider, rule.service]
    if rule.security_control:
        tags.append(rule.security_control)
    tags.extend(f"mitre-attack/{t}" for t in rule.attack)
    out: dict[str, Any] = {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.description.split())},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "severity": rule.severity.label,
            "tags": list(dict.fromkeys(t for t in tags if t)),
            "precision": "high",
        },
    }
    web = [u for u in rule.references if u.startswith(("https://", "http://"))]
    if web:
        out["helpUri"] = web[0]
    return out


def _artifact(path: str, root: str) -> dict[str, Any]:
    """A file as SARIF wants it: relative to `%SRCROOT%` with forward slashes where it can be,
    else an absolute `file:` URI."""
    windows = PureWindowsPath(path)
    posix = PurePosixPath(path.replace("\\", "/")) if windows.drive == "" else None
    if posix is not None and not posix.is_absolute():
        return {"uri": quote(posix.as_posix()), "uriBaseId": SRCROOT}
    if posix is not None and root:
        base = PurePosixPath(root)
        if posix.is_relative_to(base):
            return {"uri": quote(posix.relative_to(base).as_posix()), "uriBaseId": SRCROOT}
    target = posix if posix is not None else windows
    return {"uri": "file://" + quote(("/" if windows.drive else "") + target.as_posix())}


def _location(finding: Finding, asset: Asset | None, report: Report,
              root: str) -> dict[str, Any]:
    loc = Location.parse(asset.origin) if asset is not None else None
    if loc is None and finding.rule_id == PARSE_ERROR_RULE:
        # an unreadable file is the error's "asset"; the line, if known, is in the message
        line = re.search(re.escape(finding.asset.id) + r":(\d+): ", finding.message)
        n = int(line.group(1)) if line else 0
        loc = Location(finding.asset.id, n, n)
    out: dict[str, Any] = {}
    if loc is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact(loc.path, root)}
        if loc.start > 0:
            physical["region"] = {"startLine": loc.start, "endLine": max(loc.end, loc.start)}
        out["physicalLocation"] = physical
    if finding.rule_id != PARSE_ERROR_RULE:
        out["logicalLocations"] = [{"name": display_name(report, finding.asset),
                                    "fullyQualifiedName": finding.asset.id,
                                    "kind": "resource"}]
    return out


def _fingerprint(finding: Finding, root: str) -> str:
    key = finding.asset.key
    if root:  # the same code scanned from another checkout keeps its fingerprints
        key = key.replace(root.rstrip("/") + "/", "")
    return hashlib.sha256(f"{finding.rule_id}|{key}".encode()).hexdigest()[:32]


def _result(finding: Finding, index: int, report: Report, root: str) -> dict[str, Any]:
    message = finding.message
    suppression: dict[str, Any] | None = None
    if finding.status is Status.EXEMPT:
        m = _EXEMPT.match(message)
        category, reason = (m.group(1), m.group(2)) if m else ("", message)
        message = m.group(3) if m else message
        suppression = {"kind": "inSource" if category == "inline" else "external",
                       "status": "accepted", "justification": reason}
    out: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": "error" if finding.status is Status.ERROR else LEVELS[finding.severity],
        "message": {"text": message or finding.rule_id},
        "locations": [_location(finding, asset_of(report, finding.asset), report, root)],
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding, root)},
        "properties": {"status": finding.status.value, "severity": finding.severity.label,
                       "resource": finding.asset.to_dict()},
    }
    if suppression is not None:
        out["suppressions"] = [suppression]
    return out


def _notifications(report: Report, results: list[dict[str, Any]],
                   findings: list[Finding], root: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for finding, result in zip(findings, results, strict=True):
        if finding.status is Status.ERROR:
            out.append({"level": "error", "message": result["message"],
                        "locations": result["locations"],
                        "associatedRule": {"id": finding.rule_id,
                                           "index": result["ruleIndex"]}})
    for warning in report.scan.get("warnings") or ():
        note: dict[str, Any] = {"level": "warning",
                                "message": {"text": str(warning.get("message", warning))}}
        path = warning.get("path") if isinstance(warning, dict) else None
        if path:
            physical: dict[str, Any] = {"artifactLocation": _artifact(str(path), root)}
            line = int(warning.get("line") or 0)
            if line > 0:
                physical["region"] = {"startLine": line}
            note["locations"] = [{"physicalLocation": physical}]
        out.append(note)
    return out


def sarif_document(report: Report) -> dict[str, Any]:
    root = str(report.scan.get("source_root") or "")
    findings = sorted((f for f in report.findings if f.status in _EMITTED), key=by_identity)
    rule_ids = sorted({f.rule_id for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [_result(f, index[f.rule_id], report, root) for f in findings]
    version = tool_version(report)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "Cloudwarden",
            "version": version,
            "semanticVersion": version,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(r, report.rules.get(r)) for r in rule_ids],
        }},
        "invocations": [{
            "executionSuccessful": not any(f.status is Status.ERROR for f in findings),
            "toolExecutionNotifications": _notifications(report, results, findings, root),
        }],
        "results": results,
    }
    if root:
        base = root.replace("\\", "/").rstrip("/") + "/"
        uri = "file://" + quote(base if base.startswith("/") else "/" + base)
        run["originalUriBaseIds"] = {SRCROOT: {"uri": uri}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report, out: TextIO) -> None:
    json.dump(sarif_document(report), out, ensure_ascii=False, indent=2)
    out.write("\n")
