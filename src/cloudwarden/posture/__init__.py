"""Posture: findings turned into a secure score, recommendations and compliance.

Pure functions over findings and rule metadata; no I/O. Functions named like their module
(`recommendations`, `compliance`) are imported from the module itself -
`from cloudwarden.posture.recommendations import recommendations` - and not re-exported here:
a package attribute `recommendations` that is a function would hide the submodule from
`import cloudwarden.posture.recommendations as module` and from `mock.patch` paths.
"""

from cloudwarden.posture.recommendations import QuickFix, Recommendation
from cloudwarden.posture.score import ControlScore, SecureScore, secure_score

__all__ = [
    "ControlScore",
    "QuickFix",
    "Recommendation",
    "SecureScore",
    "secure_score",
]
