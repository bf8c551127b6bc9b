"""Cloudwarden: multi-cloud security posture management and workload protection."""

__version__ = "0.1.0"
