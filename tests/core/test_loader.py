"""Rule loading: every bad file is reported with its path and reason; good ones still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwarden.core.errors import RuleLoadError
from cloudwarden.core.loader import load_rules

GOOD = """\
id: aws.s3.test_rule
title: A test rule about buckets
severity: low
asset_type: aws.s3.bucket
description: Something a bucket should have.
risk: Something bad happens otherwise.
remediation:
  text: Do the right thing to the bucket.
  cli: aws s3api do-it --bucket {Name}
security_control: implement_security_best_practices
references: [https://example.invalid/doc]
match: {path: Name, exists: true}
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_good_rule_loads(tmp_path: Path) -> None:
    _write(tmp_path, "aws/s3/aws.s3.test_rule.yaml", GOOD)
    specs, problems = load_rules([tmp_path], known_types=["aws.s3.bucket"])
    assert problems == []
    assert specs[0].meta.title == "A test rule about buckets"


def test_every_bad_file_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "aws/s3/aws.s3.test_rule.yaml", GOOD)
    _write(tmp_path, "aws/s3/aws.s3.syntax.yaml", "id: [unclosed\n")
    _write(tmp_path, "aws/s3/aws.s3.operator.yaml",
           GOOD.replace("aws.s3.test_rule", "aws.s3.operator")
           .replace("exists: true", "frobnicate: 1"))
    _write(tmp_path, "aws/s3/aws.s3.severity.yaml",
           GOOD.replace("aws.s3.test_rule", "aws.s3.severity").replace("low", "apocalyptic"))
    _write(tmp_path, "aws/s3/aws.s3.type.yaml",
           GOOD.replace("aws.s3.test_rule", "aws.s3.type").replace("aws.s3.bucket", "aws.s3.nope"))
    _write(tmp_path, "aws/s3/aws.s3.name_mismatch.yaml", GOOD)
    _write(tmp_path, "aws/s3/CW_123.yaml", GOOD.replace("aws.s3.test_rule", "CW_123"))
    _write(tmp_path, "aws/s3/aws.s3.nomatch.yaml",
           GOOD.replace("aws.s3.test_rule", "aws.s3.nomatch")
           .replace("match: {path: Name, exists: true}\n", ""))
    with pytest.raises(RuleLoadError) as info:
        load_rules([tmp_path], known_types=["aws.s3.bucket"])
    problems = dict((Path(p).name, reason) for p, reason in info.value.problems)
    assert len(problems) == 7
    assert "YAML syntax error" in problems["aws.s3.syntax.yaml"]
    assert "unknown operator 'frobnicate'" in problems["aws.s3.operator.yaml"]
    assert "unknown severity" in problems["aws.s3.severity.yaml"]
    assert "unknown asset type" in problems["aws.s3.type.yaml"]
    assert "does not match id" in problems["aws.s3.name_mismatch.yaml"]
    assert "provider.service" in problems["CW_123.yaml"]
    assert "needs a `match`" in problems["aws.s3.nomatch.yaml"]
    specs, collected = load_rules([tmp_path], known_types=["aws.s3.bucket"], collect_errors=True)
    assert [s.id for s in specs] == ["aws.s3.test_rule"]
    assert len(collected) == 7


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "a", "aws/s3/aws.s3.test_rule.yaml", GOOD)
    _write(tmp_path / "b", "aws/s3/aws.s3.test_rule.yaml", GOOD)
    with pytest.raises(RuleLoadError, match="duplicate rule id"):
        load_rules([tmp_path / "a", tmp_path / "b"], known_types=["aws.s3.bucket"])


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match="does not exist"):
        load_rules([tmp_path / "nope"])
