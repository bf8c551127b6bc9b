"""Scaffolding for `cloudwarden rules new`: a rule that loads and whose fixtures pass as
generated, so the author starts from green and edits towards the real check.

Every text the author must write is marked `UNWRITTEN`; the catalog test refuses a built-in
rule that still carries the mark, so a scaffold cannot ship half-written."""

from __future__ import annotations

from pathlib import Path

from cloudwarden.assets.schema import AssetType
from cloudwarden.core.loader import UNWRITTEN

_RULE = """\
id: {rule_id}
title: {mark} state the compliant condition, e.g. "S3 buckets have versioning enabled"
severity: medium
asset_type: {asset_type}
description: >
  {mark} what a compliant {title} looks like, in one to three sentences.
risk: >
  {mark} what an attacker or an accident can do when this check fails.
remediation:
  text: >
    {mark} the steps that fix a failing {title}.
  cli: {mark} aws ... {{{id_field}}}
  terraform: |
    # {mark} the Terraform that configures it
security_control: implement_security_best_practices
attack: []
references:
  - {mark} https://docs.aws.amazon.com/...
{body}message:
  pass: "{title} {{{id_field}}} passes"
  fail: "{title} {{{id_field}}} fails"
"""

_MATCH = """\
match:
  path: {id_field}
  exists: true
"""

_CHECK = '''\
"""{mark} say what this check decides and why it needs Python."""

from __future__ import annotations

from cloudwarden.core.checks import CheckContext, CheckResult
from cloudwarden.core.model import Asset, Evidence


def check(asset: Asset, ctx: CheckContext) -> CheckResult:
    value = asset.properties.get("{id_field}")
    if value:
        return CheckResult.passed("", Evidence("{id_field}", value))
    return CheckResult.failed("", Evidence("{id_field}", value, "present"))
'''

_FIXTURES = """\
pass:
  - name: compliant-example
    properties: {{{id_field}: example}}
fail:
  - name: non-compliant-example
    properties: {{{id_field}: null}}
"""


def scaffold(root: Path, rule_id: str, asset_type: AssetType, *, python: bool) -> list[Path]:
    provider, service = rule_id.split(".")[:2]
    folder = root / provider / service
    rule_path = folder / f"{rule_id}.yaml"
    targets = [rule_path, folder / f"{rule_id}.tests.yaml"]
    if python:
        targets.append(folder / f"{rule_id}.py")
    for path in targets:
        if path.exists():
            raise FileExistsError(str(path))
    folder.mkdir(parents=True, exist_ok=True)
    fields = {"mark": UNWRITTEN, "id_field": asset_type.id_field, "title": asset_type.title,
              "rule_id": rule_id, "asset_type": asset_type.name}
    body = "" if python else _MATCH.format(**fields)
    rule_path.write_text(_RULE.format(body=body, **fields), encoding="utf-8")
    targets[1].write_text(_FIXTURES.format(**fields), encoding="utf-8")
    if python:
        targets[2].write_text(_CHECK.format(**fields), encoding="utf-8")
    return targets
