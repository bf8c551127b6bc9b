"""CloudFormation (and SAM) templates -> the canonical AWS assets the collectors produce.

`template` reads a template (YAML short forms or JSON, with line ranges), `intrinsics`
evaluates it without guessing what only a deployment knows, one module per service area maps
resources to canonical documents (`mappers` is the registry), and `adapter` ties them into the
IaC `Adapter` protocol.
"""

from __future__ import annotations

from cloudwarden.iac.cloudformation.adapter import FRAMEWORK, CloudFormationAdapter, load_template

__all__ = ["FRAMEWORK", "CloudFormationAdapter", "load_template"]
