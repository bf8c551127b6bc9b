"""Shared fixtures of the Terraform mapping tests: one engine over the built-in AWS rules."""

from __future__ import annotations

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.loader import builtin_rules_dir, load_rules
from cloudwarden.engine import Engine


@pytest.fixture(scope="session")
def aws_engine() -> Engine:
    """The built-in AWS rules (the rules these mappings feed), compiled once per session."""
    specs, _ = load_rules([builtin_rules_dir() / "aws"], known_types=default_registry().names())
    return Engine(specs)
