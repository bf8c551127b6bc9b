"""Sigma rules: load with pySigma, map log sources with a processing pipeline, compile each
condition once into closures, route events through an index, evaluate correlations.

    ruleset = load_sigma(["rules/cloud", "rules/linux"])   # problems in ruleset.errors/.unsupported
    engine = SigmaEngine(ruleset)
    for match in engine.feed(events):
        alert = to_alert(match)
"""

from cloudwarden.detect.sigma._alert import to_alert
from cloudwarden.detect.sigma._engine import SigmaEngine, SigmaMatch
from cloudwarden.detect.sigma._load import (
    RuleProblem,
    SigmaCheckReport,
    SigmaRuleSet,
    check,
    load_sigma,
    load_sigma_text,
)
from cloudwarden.detect.sigma._mapping import MAPPINGS, LogSourceMapping, build_pipeline

__all__ = [
    "MAPPINGS",
    "LogSourceMapping",
    "RuleProblem",
    "SigmaCheckReport",
    "SigmaEngine",
    "SigmaMatch",
    "SigmaRuleSet",
    "build_pipeline",
    "check",
    "load_sigma",
    "load_sigma_text",
    "to_alert",
]
