"""Posture: findings turned into a secure score, recommendations and compliance.

Pure functions over findings and rule metadata; no I/O. Import the submodules for the rest.
"""

from cloudwarden.posture.recommendations import QuickFix, Recommendation, recommendations
from cloudwarden.posture.score import ControlScore, SecureScore, secure_score

__all__ = [
    "ControlScore",
    "QuickFix",
    "Recommendation",
    "SecureScore",
    "recommendations",
    "secure_score",
]
