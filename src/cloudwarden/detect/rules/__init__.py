"""Cloudwarden's built-in detections.

Sigma rules live here as YAML, one file per rule, under `<product>/<service or category>/`,
named by their readable id (`aws.cloudtrail.logging_disabled.yml`, also the rule's `name`).
Besides the standard Sigma fields each rule carries two custom fields: `remediation` (what to
do about an alert) and `fixtures` (a matching and a near-miss event, run by the test suite).
Detections that need state (thresholds, sequences, volumes) or computation (DNS entropy) are
Python detectors from `builtin_detectors()`.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["RULES_DIR", "builtin_rule_paths"]

#: the directory holding the built-in Sigma rules
RULES_DIR = Path(__file__).resolve().parent


def builtin_rule_paths() -> list[Path]:
    """Every built-in Sigma rule file, in a stable order."""
    return sorted(RULES_DIR.rglob("*.yml"))
