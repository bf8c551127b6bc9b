from __future__ import annotations

import pytest
from outputs_sample import build_report

from cloudwarden.outputs.report import Report


@pytest.fixture
def report() -> Report:
    return build_report()
